/**
 * The library functions behind `sf pulse connect`, `preflight`, `status` and `explain`, on a test
 * database against the emulator: a session handed over by the `sf` CLI is stored encrypted and signs
 * the org in; the preflight reports every read and write problem at once, each with its fix; an
 * expired session says how to get a new one. (sf-plugin.test.ts drives the same through `sf`.)
 */
import { join } from 'node:path';
import type { Config, SalesforceAuth } from '@pulse/server/src/config';
import { readConfig } from '@pulse/server/src/config';
import { connectSalesforceOrg, orgStatus, preflightOrg } from '@pulse/server/src/cli/salesforceOrg';
import { explainStoredAccount } from '@pulse/server/src/cli/explain';
import { loadConnection } from '@pulse/server/src/store/connections';
import { closeScene, openScene, type Scene } from '../support/scene';

const root = join(__dirname, '../../..');
let scene: Scene;
let config: Config;
let session: SalesforceAuth;

beforeAll(async () => {
  scene = await openScene({ org: { accounts: 50, seed: 11 }, forceAppDir: join(root, 'force-app') }, 'token');
  config = readConfig({ PULSE_SECRET_KEY: 'salesforce-org-test-key-0123456789' });
  session = {
    kind: 'access_token',
    loginUrl: scene.emu.instanceUrl,
    clientId: '',
    accessToken: scene.emu.issueToken(),
  };
});
afterAll(() => closeScene(scene));
afterEach(() => {
  scene.emu.permissions.clear();
  scene.emu.user.reset();
});

it('refuses to store a connection without PULSE_SECRET_KEY, naming it', async () => {
  await expect(
    connectSalesforceOrg({ org: 'acme', auth: session }, { db: scene.db, config: readConfig({}) }),
  ).rejects.toMatchObject({ code: 'SECRET_KEY_MISSING', message: expect.stringContaining('set PULSE_SECRET_KEY') });
});

it('stores the handed-over session encrypted; the status shows it and no run yet', async () => {
  const done = await connectSalesforceOrg({ org: 'acme', auth: session }, { db: scene.db, config });
  expect(done).toEqual({ org: 'acme', authKind: 'access_token', loginUrl: scene.emu.instanceUrl });
  expect(await loadConnection(scene.db, 'acme', config.secretKeys)).toEqual(session);
  const stored = await scene.db.query<{ secret_enc: string }>(
    "SELECT secret_enc FROM connections WHERE org_id = 'acme'",
  );
  expect(stored.rows[0]!.secret_enc).not.toContain(session.kind === 'access_token' ? session.accessToken : '');

  const status = await orgStatus('acme', { db: scene.db });
  expect(status).toEqual({
    org: 'acme',
    connection: { authKind: 'access_token', loginUrl: scene.emu.instanceUrl, updatedAt: expect.any(String) },
    model: null,
    lastScoredDay: null,
    runs: [],
  });
  await expect(
    explainStoredAccount({ org: 'acme', account: '001000000000001AAA' }, { db: scene.db }),
  ).rejects.toMatchObject({
    code: 'NO_ACTIVE_MODEL',
  });
});

// https://help.salesforce.com/s/articleView?id=sf.admin_userperms.htm (View All Data) and
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
it('reports every read and write problem at once, each with its fix', async () => {
  expect(await preflightOrg('acme', { db: scene.db, config })).toMatchObject({ ok: true, problems: [] });

  scene.emu.user.revoke('ViewAllData');
  scene.emu.permissions.set('Contact.Title', { read: false, edit: false });
  scene.emu.permissions.set('Account.Engagement_Score__c', { read: true, edit: false });
  const report = await preflightOrg('acme', { db: scene.db, config });
  expect(report.ok).toBe(false);
  expect(report.problems).toEqual([
    {
      check: 'read',
      kind: 'permission',
      subject: 'ViewAllData',
      message: expect.stringContaining('— assign the Engagement_Integration permission set'),
    },
    {
      check: 'read',
      kind: 'field',
      subject: 'Contact.Title',
      message: expect.stringContaining('grant Read on Contact.Title to the integration user'),
    },
    {
      check: 'write',
      kind: 'not-editable',
      subject: 'Engagement_Score__c',
      message:
        'Engagement_Score__c: not editable by the integration user — assign the Engagement_Integration permission set',
    },
  ]);
});

it('an expired handed-over session says to log in again and connect again', async () => {
  scene.emu.faults.expireSessions();
  // jsforce wraps what the refresh said: the fix still reaches the admin.
  await expect(preflightOrg('acme', { db: scene.db, config })).rejects.toThrow(
    /session expired or was revoked: log in to the org again \(sf org login web .*\) and run sf pulse connect/,
  );
});
