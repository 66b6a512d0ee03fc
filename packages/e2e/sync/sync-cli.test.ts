import { runSync } from '@pulse/server/src/cli/sync';
import type { Db } from '@pulse/server/src/store/db';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { readConfig } from '@pulse/server/src/config';

let emu: Emulator;
let db: Db;
// The SF_* credentials sign in the org PULSE_ORG names, and only that one.
const env = () => ({
  SF_LOGIN_URL: emu.loginUrl,
  SF_CLIENT_ID: emu.clientId,
  SF_CLIENT_SECRET: emu.clientSecret,
  PULSE_ORG: 'cli',
});

beforeAll(async () => {
  emu = await startEmulator({ org: { accounts: 50, seed: 3 }, forceAppDir: null });
  db = await createTestDb();
});
afterAll(async () => {
  await emu.close();
  await dropTestDb(db);
});

describe('pulse sync', () => {
  it('pulls with the environment configuration and prints a summary with the API calls', async () => {
    let text = '';
    const r = await runSync(
      { org: 'cli' },
      { out: { write: (t) => (text += t) }, db, config: readConfig(env()), progress: false },
    );
    expect(r.status).toBe('succeeded');
    expect(text).toContain('sync cli: succeeded');
    expect(text).toMatch(new RegExp(`Account\\s+${emu.store.count('Account')} records`));
    expect(text).toContain(`API calls: ${r.apiCalls.total} of`);
  });

  it('prints JSON for machines', async () => {
    let text = '';
    await runSync(
      { org: 'cli', json: true },
      { out: { write: (t) => (text += t) }, db, config: readConfig(env()), progress: false },
    );
    expect(JSON.parse(text)).toMatchObject({ status: 'succeeded', apiCalls: { total: 10 } });
  });

  it('says which variables to set when Salesforce is not configured', async () => {
    await expect(runSync({ org: 'cli' }, { out: { write: () => {} }, db, config: readConfig({}) })).rejects.toThrow(
      /SF_CLIENT_ID/,
    );
  });
});
