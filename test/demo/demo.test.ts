import type { Db } from '../../server/src/store/db';
import { runDemo, formatDemo, type DemoResult } from '../../server/src/cli/demo';
import { createTestDb, dropTestDb } from '../support/db';

// The README's "run" command, one cycle, on a small org: pull → publish (back-fill) → score → write back.
let db: Db;
let result: DemoResult;
const progress: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  result = await runDemo(
    { accounts: 80, seed: 7, port: 0, once: true, asOf: '2026-11-24' },
    { write: (s) => progress.push(s) },
    { db },
  );
}, 180_000);

afterAll(async () => {
  await result?.close();
  await dropTestDb(db);
});

test('pulls the generated org and scores its accounts as of the day asked', () => {
  expect(result.sync.status).toBe('succeeded');
  expect(result.asOf).toBe('2026-11-24');
  expect(result.scores.length).toBeGreaterThan(10);
  expect(result.scores.every((s) => s.score >= 0 && s.score <= 100)).toBe(true);
});

test('every planted story is reported, and the cooling account cools', () => {
  expect(result.stories.map((s) => s.story).sort()).toEqual(['bot', 'cooling', 'loneWolf', 'orphanLeads', 'surging']);
  const cooling = result.stories.find((s) => s.story === 'cooling');
  expect(cooling?.score?.trend).toBe('Cooling');
  const loneWolf = result.stories.find((s) => s.story === 'loneWolf');
  expect(loneWolf?.score?.missingPersonas).toContain('Marketing executive');
});

test('writes every scored account back, so Salesforce answers list-view queries by trend', async () => {
  expect(result.write.accountsWritten).toBe(result.scores.length);
  expect(result.write.failures).toEqual([]);
  const { Connection } = await import('jsforce');
  const conn = new Connection({
    oauth2: { loginUrl: result.emulator!.loginUrl, clientId: 'pulse-local', clientSecret: 'pulse-local-secret' },
    version: '62.0',
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  const cooling = result.stories.find((s) => s.story === 'cooling')!;
  const rows = await conn.query<{ Id: string }>("SELECT Id FROM Account WHERE Engagement_Trend__c = 'Cooling'");
  expect(rows.records.map((r) => r.Id)).toContain(cooling.accountId);
});

test('the report names the top accounts and the stories', () => {
  const text = formatDemo(result);
  expect(text).toContain(`Pulse scored ${result.scores.length} accounts as of 2026-11-24`);
  expect(text).toContain('Planted stories:');
  expect(text).toContain('Coldwater Logistics');
  expect(progress.join('')).toContain('Writing');
});
