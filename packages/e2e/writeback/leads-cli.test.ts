/** `pulse writeback-leads` with the environment's Salesforce connection (the emulator) and a test database. */
import { runSync } from '@pulse/server/src/cli/sync';
import { runWritebackLeads } from '@pulse/server/src/cli/writebackLeads';
import { buildProgram } from '@pulse/server/src/cli/main';
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
  emu = await startEmulator({ org: { accounts: 50, seed: 4 } });
  db = await createTestDb();
  await runSync({ org: 'cli' }, { out: { write: () => {} }, db, config: readConfig(env()), progress: false });
});
afterAll(async () => {
  await emu.close();
  await dropTestDb(db);
});

it('writes the matches, then says nothing changed', async () => {
  let text = '';
  const r = await runWritebackLeads(
    { org: 'cli' },
    { out: { write: (t) => (text += t) }, db, config: readConfig(env()) },
  );
  expect(r.leadsWritten).toBeGreaterThan(0);
  expect(text).toContain(`writeback-leads cli: ok (collections)`);
  expect(text).toContain(`written: ${r.leadsWritten} (${3 * r.leadsWritten} fields)`);
  const held = [...emu.store.all('Lead')].filter((l) => l.Engagement_Matched_Account__c);
  expect(held).toHaveLength(r.leadsWritten);

  let again = '';
  await runWritebackLeads(
    { org: 'cli', json: true },
    { out: { write: (t) => (again += t) }, db, config: readConfig(env()) },
  );
  expect(JSON.parse(again)).toMatchObject({ status: 'ok', mode: 'none', apiCalls: 0 });
});

it('says which variables to set when Salesforce is not configured', async () => {
  await expect(
    runWritebackLeads({ org: 'cli' }, { out: { write: () => {} }, db, config: readConfig({}) }),
  ).rejects.toThrow(/SF_CLIENT_ID/);
});

it('is a command of the pulse program', () => {
  expect(buildProgram().commands.map((c) => c.name())).toContain('writeback-leads');
});
