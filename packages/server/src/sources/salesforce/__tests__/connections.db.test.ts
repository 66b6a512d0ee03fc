import { generateKeyPairSync, verify } from 'node:crypto';
import { readConfig } from '../../../config';
import { decryptSecret, encryptSecret, loadConnection, saveConnection } from '../../../store/connections';
import type { Db } from '../../../store/db';
import { createTestDb, dropTestDb } from '../../../../testing/db';
import { jwtAssertion } from '../connection';

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => dropTestDb(db));

describe('stored connections', () => {
  it('encrypts secrets at rest and reads them back per org', async () => {
    const auth = {
      kind: 'client_credentials' as const,
      loginUrl: 'https://test.salesforce.com',
      clientId: 'cid',
      clientSecret: 's3cr3t-value',
    };
    await saveConnection(db, 'sandbox', auth, 'key-one');
    const keys = { current: 'key-one', previous: null };
    const raw = await db.query<{ secret_enc: string }>('SELECT secret_enc FROM connections WHERE org_id = $1', [
      'sandbox',
    ]);
    expect(raw.rows[0]!.secret_enc).not.toContain('s3cr3t');
    expect(await loadConnection(db, 'sandbox', keys)).toEqual(auth);
    expect(await loadConnection(db, 'production', keys)).toBeNull();
  });

  it('names the connection and the fix when PULSE_SECRET_KEY is wrong or the value was tampered with', () => {
    const enc = encryptSecret('hello', 'right');
    const owner = { org: 'o1', source: 'hubspot' };
    expect(decryptSecret(enc, { current: 'right', previous: null }, owner)).toBe('hello');
    expect(() => decryptSecret(enc, { current: 'wrong', previous: null }, owner)).toThrow(
      'cannot decrypt the stored hubspot connection of org o1: PULSE_SECRET_KEY is not the key it was stored with (set the original key as PULSE_SECRET_KEY_OLD, or run pulse connect hubspot)',
    );
    const tampered = enc.slice(0, -2) + (enc.endsWith('A') ? 'BB' : 'AA');
    expect(() => decryptSecret(tampered, { current: 'right', previous: 'other' }, owner)).toThrow(
      /neither PULSE_SECRET_KEY nor PULSE_SECRET_KEY_OLD is the key/,
    );
  });

  it('opens a secret sealed with the previous key while a rotation is under way', () => {
    const enc = encryptSecret('hello', 'old');
    expect(decryptSecret(enc, { current: 'new', previous: 'old' }, { org: 'o1', source: 'salesforce' })).toBe('hello');
  });
});

describe('configuration', () => {
  it('chooses the grant from the variables set', () => {
    expect(readConfig({ SF_CLIENT_ID: 'c', SF_CLIENT_SECRET: 's' }).salesforce).toMatchObject({
      kind: 'client_credentials',
      loginUrl: 'https://login.salesforce.com',
    });
    expect(
      readConfig({ SF_CLIENT_ID: 'c', SF_USERNAME: 'u@x.com', SF_PRIVATE_KEY: 'k', SF_CLIENT_SECRET: 's' }).salesforce,
    ).toMatchObject({ kind: 'jwt', username: 'u@x.com' });
    expect(readConfig({}).salesforce).toBeNull();
    expect(() => readConfig({ SF_CLIENT_ID: 'c' })).toThrow(/environment/);
    expect(() => readConfig({ SF_LOGIN_URL: 'not a url' })).toThrow(/environment/);
  });

  it('signs a JWT bearer assertion the connected app can verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwt = jwtAssertion(
      {
        kind: 'jwt',
        loginUrl: 'https://login.salesforce.com',
        clientId: 'cid',
        username: 'u@x.com',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      1_800_000_000_000,
    );
    const [h, p, sig] = jwt.split('.');
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig!, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toEqual({
      iss: 'cid',
      sub: 'u@x.com',
      aud: 'https://login.salesforce.com',
      exp: 1_800_000_180,
    });
  });
});
