import type { Db } from '@pulse/server/src/store/db';
import { runDemo, formatDemo, type DemoResult } from '@pulse/demo/src/demo';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { readConfig } from '@pulse/server/src/config';

// `npm start`, on a small org: the first daily run (pull → publish with back-fill → score → write back),
// then the status page and the daily schedule.
let db: Db;
let result: DemoResult;
const progress: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  result = await runDemo(
    { accounts: 80, seed: 7, port: 0, once: true, asOf: '2026-11-24' },
    { write: (s) => progress.push(s) },
    { db, config: readConfig({}) },
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

test('every planted story is reported: the cooling account cools, the surging one (Marketo activity) surges', () => {
  expect(result.stories.map((s) => s.story).sort()).toEqual(['bot', 'cooling', 'loneWolf', 'orphanLeads', 'surging']);
  const cooling = result.stories.find((s) => s.story === 'cooling');
  expect(cooling?.score?.trend).toBe('Cooling');
  expect(result.run.maps.map((m) => [m.source, m.status])).toEqual([['marketo', 'succeeded']]);
  const surging = result.stories.find((s) => s.story === 'surging');
  expect(surging?.score?.trend).toBe('Surging');
  const loneWolf = result.stories.find((s) => s.story === 'loneWolf');
  expect(loneWolf?.score?.missingPersonas).toContain('Marketing executive');
});

test('ad and intent events ingested before the first pull count for their accounts', async () => {
  const r = await db.query<{ type: string; unresolved: number; resolved: number }>(
    `SELECT type, count(*) FILTER (WHERE account_id IS NULL) AS unresolved, count(account_id) AS resolved
     FROM events WHERE org_id = 'demo' AND source = 'api' GROUP BY type ORDER BY type`,
  );
  expect(r.rows.map((x) => x.type)).toEqual(['ad_click', 'ad_impression', 'ad_lead', 'intent']);
  expect(r.rows.every((x) => x.unresolved === 0 && x.resolved > 0)).toBe(true);
  const company = ['ad_impressions', 'ad_clicks', 'ad_leads', 'intent'];
  const moved = result.scores.filter((s) => s.topKpis.some((k) => company.includes(k.key) && k.points > 0));
  expect(moved.length).toBeGreaterThan(0);
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

test('the report names the top accounts and the stories; progress shows each stage', () => {
  const text = formatDemo(result);
  expect(text).toContain(`Pulse scored ${result.scores.length} accounts as of 2026-11-24`);
  expect(text).toContain('Planted stories:');
  expect(text).toContain('Coldwater Logistics');
  const lines = progress.join('');
  expect(lines).toContain('  pulling Account (');
  expect(lines).toMatch(/Pull {2}pulled marketo: \d+ records with \d+ API calls \(succeeded\)/);
  expect(lines).toMatch(/Ingested \d+ ad and intent events/);
  expect(lines).toMatch(/Pull {2}attributed \d+ ingested events to accounts pulled since they arrived/);
  expect(lines).toContain('Score publishing model default-2 and back-filling 90 days of history');
  expect(lines).toMatch(/Write wrote \d+ of \d+ changed accounts/);
  expect(lines).toMatch(/Done {2}run \d+ succeeded/);
});

test('the first cycle is the daily run, recorded; then the status page shows it and the schedule is set', async () => {
  expect(result.run).toMatchObject({ status: 'succeeded', orgId: 'demo', accountsWritten: result.scores.length });
  const { url, worker, adminToken, console: admin } = await result.serve(0);
  expect(worker.schedule.description).toBe('every day at 06:00 (UTC)');
  expect(worker.task.getNextRun()!.getTime()).toBeGreaterThan(Date.now());
  // The status names every org: it takes the admin token (made up for the demo when none is set).
  expect((await fetch(`${url}/v1/status`)).status).toBe(401);
  const status = await fetch(`${url}/v1/status?kind=daily`, { headers: { Authorization: `Bearer ${adminToken}` } });
  const body = (await status.json()) as {
    orgs: { id: string; runs: { id: number; status: string }[] }[];
  };
  expect(body.orgs.find((o) => o.id === 'demo')?.runs[0]).toMatchObject({ id: result.run.runId, status: 'succeeded' });
  // The console: built when missing, `/` sends a visitor to sign in, the printed bootstrap token signs in as admin.
  expect(admin.url).toBe(`${url}/`);
  const home = await fetch(admin.url, { redirect: 'manual' });
  expect([home.status, home.headers.get('location')]).toEqual([302, '/signin']);
  expect(await (await fetch(`${url}/signin`)).text()).toContain('/static/app.js');
  const signIn = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: admin.bootstrapToken }),
  });
  expect(signIn.status).toBe(200);
  expect(((await signIn.json()) as { role: string }).role).toBe('admin');
});
