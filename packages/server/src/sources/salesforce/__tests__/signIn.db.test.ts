/** Which Salesforce org a Pulse org signs in to: SF_* belong to PULSE_ORG only; others need their own connection. */
import { readConfig } from '../../../config';
import { saveConnection } from '../../../store/connections';
import type { Db } from '../../../store/db';
import { createTestDb, dropTestDb } from '../../../../testing/db';
import { findSignIn, signInFor } from '../signIn';

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => dropTestDb(db));

const env = { SF_LOGIN_URL: 'https://prod.my.salesforce.com', SF_CLIENT_ID: 'app', SF_CLIENT_SECRET: 'env-secret' };
const stored = {
  kind: 'client_credentials' as const,
  loginUrl: 'https://sandbox.my.salesforce.com',
  clientId: 'app2',
  clientSecret: 'stored-secret',
};

describe('SF_* credentials belong to one Pulse org', () => {
  it('sign in the default org, and no other', async () => {
    const config = readConfig(env);
    expect(config.salesforceOrg).toBe('default');
    expect((await signInFor(db, 'default', config)).loginUrl).toBe('https://prod.my.salesforce.com');
    expect(await findSignIn(db, 'b', config)).toBeNull();
    await expect(signInFor(db, 'b', config)).rejects.toMatchObject({
      code: 'SF_NOT_CONFIGURED',
      message:
        'no Salesforce connection for org b: the SF_* credentials belong to org default (PULSE_ORG) — connect org b in the admin console to store its own connection, or run it alone with PULSE_ORG=b',
    });
  });

  it('belong to PULSE_ORG when it is set', async () => {
    const config = readConfig({ ...env, PULSE_ORG: 'acme' });
    expect((await signInFor(db, 'acme', config)).clientId).toBe('app');
    await expect(signInFor(db, 'default', config)).rejects.toMatchObject({ message: /belong to org acme/ });
  });

  it('leave another org its stored connection', async () => {
    const key = 'k'.repeat(32);
    const config = readConfig({ ...env, PULSE_SECRET_KEY: key });
    await saveConnection(db, 'sandbox', stored, key);
    expect(await signInFor(db, 'sandbox', config)).toEqual(stored);
    expect((await signInFor(db, 'default', config)).clientId).toBe('app');
  });

  it('without SF_* at all, say what to set', async () => {
    await expect(signInFor(db, 'b', readConfig({}))).rejects.toMatchObject({
      message: /^no Salesforce connection for org b: set SF_LOGIN_URL and SF_CLIENT_ID/,
    });
  });
});
