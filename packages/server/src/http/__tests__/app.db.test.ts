import request from 'supertest';
import { createApp } from '../app';
import { startServer } from '../server';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { finishRun, startRun } from '../../store/runs';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { openDb } from '../../store/db';

let db: Db;
const NOW = new Date('2026-11-24T06:00:00Z');
const ADMIN = 'admin-token-0123456789abcdef';
const SCRAPE = 'scrape-token-0123456789abcdef';
const access = { adminToken: ADMIN, metricsToken: null };
const asAdmin = { Authorization: `Bearer ${ADMIN}` };

beforeAll(async () => {
  db = await createTestDb();
  await ensureOrg(db, 'org-a', 'Acme');
  await ensureOrg(db, 'org-b', 'Beta');
  const sync = await startRun(db, 'org-a', 'sync');
  await finishRun(db, 'org-a', sync, 'succeeded', {
    counts: { Account: 12 },
    apiCalls: { total: 3 },
  });
  const score = await startRun(db, 'org-a', 'score');
  await finishRun(db, 'org-a', score, 'failed', {
    counts: {},
    apiCalls: {},
    errors: [{ message: 'model missing' }],
  });
  await startRun(db, 'org-b', 'sync');
});

afterAll(async () => {
  await dropTestDb(db);
});

test('/healthz answers while the process is up', async () => {
  const res = await request(createApp({ db })).get('/healthz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok' });
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

test('/readyz is ready when the database answers and is migrated', async () => {
  const res = await request(createApp({ db })).get('/readyz');
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('ready');
});

test('/readyz is 503 naming the migrations that are not applied', async () => {
  const bare = await openDb({ dataDir: 'memory' });
  try {
    await bare.exec('CREATE TABLE schema_migrations (name text PRIMARY KEY)');
    await bare.query("INSERT INTO schema_migrations VALUES ('001_core.sql')");
    const res = await request(createApp({ db: bare })).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.reason).toMatch(/not migrated: .*020_salesforce_sync\.sql/);
    expect(res.body.reason).not.toContain('001_core.sql');
  } finally {
    await bare.close();
  }
});

test('/readyz is 503 when the database is unreachable', async () => {
  const closed = await openDb({ dataDir: 'memory' });
  await closed.close();
  const res = await request(createApp({ db: closed })).get('/readyz');
  expect(res.status).toBe(503);
  // The driver's words (which can name internal hosts) go to the log, not to whoever asks.
  expect(res.body.reason).toBe('database unreachable (the web process log says why)');
});

describe('operator routes are not public', () => {
  test('/v1/status needs the admin token: none sent, a wrong one, or none configured', async () => {
    const app = createApp({ db, access });
    const none = await request(app).get('/v1/status');
    expect([none.status, none.body.code]).toEqual([401, 'MISSING_TOKEN']);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    const wrong = await request(app)
      .get('/v1/status')
      .set({ Authorization: `Bearer ${ADMIN}x` });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'BAD_TOKEN']);
    for (const r of [none, wrong]) expect(JSON.stringify(r.body)).not.toMatch(/Acme|org-a/);
    const off = await request(createApp({ db })).get('/v1/status').set(asAdmin);
    expect([off.status, off.body.code]).toEqual([403, 'ADMIN_NOT_CONFIGURED']);
    expect(off.body.error).toMatch(/PULSE_ADMIN_TOKEN/);
  });

  test('/metrics: loopback only without a scrape token; with one, the token from anywhere', async () => {
    const open = createApp({ db });
    expect((await request(open).get('/metrics')).status).toBe(200);
    // Through a proxy (Heroku's router adds X-Forwarded-For) the client is not on this machine.
    const proxied = await request(open).get('/metrics').set('X-Forwarded-For', '203.0.113.9');
    expect([proxied.status, proxied.body.code]).toEqual([403, 'METRICS_LOOPBACK_ONLY']);
    const guarded = createApp({ db, access: { adminToken: null, metricsToken: SCRAPE } });
    expect((await request(guarded).get('/metrics')).status).toBe(401);
    const scraped = await request(guarded)
      .get('/metrics')
      .set({ Authorization: `Bearer ${SCRAPE}`, 'X-Forwarded-For': '203.0.113.9' });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('pulse_runs_total');
  });

  test('/healthz stays open and names no org', async () => {
    const res = await request(createApp({ db, access })).get('/healthz');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toMatch(/org/);
  });
});

test('/v1/status lists each org with its newest runs first', async () => {
  const res = await request(createApp({ db, now: () => NOW, access }))
    .get('/v1/status')
    .set(asAdmin);
  expect(res.status).toBe(200);
  expect(res.body.now).toBe(NOW.toISOString());
  const a = res.body.orgs.find((o: { id: string }) => o.id === 'org-a');
  expect(a.name).toBe('Acme');
  expect(a.runs.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
    ['score', 'failed'],
    ['sync', 'succeeded'],
  ]);
  expect(a.runs[0].errors).toEqual([{ message: 'model missing' }]);
  expect(a.runs[1].counts).toEqual({ Account: 12 });
  expect(a.runs[1].apiCalls).toEqual({ total: 3 });
  expect(typeof a.runs[1].startedAt).toBe('string');
  expect(Date.parse(a.runs[1].finishedAt)).not.toBeNaN();
  const b = res.body.orgs.find((o: { id: string }) => o.id === 'org-b');
  expect(b.runs).toHaveLength(1);
  expect(b.runs[0]).toMatchObject({ kind: 'sync', status: 'running', finishedAt: null });
});

test('/v1/status narrows by kind and limit, and rejects a bad limit', async () => {
  const app = createApp({ db, access });
  const res = await request(app).get('/v1/status?kind=sync&limit=1').set(asAdmin);
  const a = res.body.orgs.find((o: { id: string }) => o.id === 'org-a');
  expect(a.runs.map((r: { kind: string }) => r.kind)).toEqual(['sync']);
  const bad = await request(app).get('/v1/status?limit=0').set(asAdmin);
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('BAD_QUERY');
  expect(bad.body.issues[0].path).toBe('limit');
});

test('/metrics exposes process metrics and run counts read from the store at scrape time', async () => {
  const app = createApp({ db });
  const first = await request(app).get('/metrics');
  expect(first.status).toBe(200);
  expect(first.headers['content-type']).toContain('text/plain');
  expect(first.text).toContain('process_cpu_user_seconds_total');
  expect(first.text).toMatch(/pulse_runs_total\{kind="sync",status="succeeded"\} 1\n/);
  expect(first.text).toMatch(/pulse_runs_total\{kind="score",status="failed"\} 1\n/);
  expect(first.text).toMatch(/pulse_last_run_timestamp_seconds\{kind="sync"\} \d+/);
  // A run made by another process after the app started shows up at the next scrape.
  const id = await startRun(db, 'org-b', 'writeback');
  await finishRun(db, 'org-b', id, 'succeeded', { counts: {}, apiCalls: {} });
  const second = await request(app).get('/metrics');
  expect(second.text).toMatch(/pulse_runs_total\{kind="writeback",status="succeeded"\} 1\n/);
  expect(second.text).toMatch(
    /pulse_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} 1/,
  );
});

test('unknown routes get a JSON 404 with the request id', async () => {
  const res = await request(createApp({ db })).get('/nope').set('X-Request-Id', 'abc-123');
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: 'no route for GET /nope', code: 'NOT_FOUND', requestId: 'abc-123' });
});

test('startServer listens on a free port and closes cleanly', async () => {
  const server = await startServer(createApp({ db }), 0);
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
  await server.close();
  await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
});
