/** The model editor and publish routes: draft validation, publish, STALE_VERSION, versions with figures, rollback, jobs. */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type express from 'express';
import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { consoleApp, sessionCookie } from '../../../testing/console';
import { DEFAULT_MODEL_DOCUMENT } from '../../model/defaults';
import { JOB_STALE_MS, STALE_JOB_MESSAGE, type JobProgress, type JobRunner } from '../adminRoutes/jobs';
import { createConsoleJob, updateConsoleJob } from '../../store/consoleJobs';

let db: Db;
let app: express.Express;
withTestDb((d) => (db = d));
const NOW = new Date('2026-06-30T12:00:00Z');
const now = () => NOW;

beforeAll(async () => {
  await db.query(`INSERT INTO orgs (id, name) VALUES ('default', 'Default')`);
  await db.query(
    `INSERT INTO accounts (org_id, id, name) VALUES ('default', 'acme', 'Acme'), ('default', 'quiet', 'Quiet')`,
  );
  await db.query(
    `INSERT INTO people (org_id, id, account_id, title, seniority, department) VALUES
       ('default', 'cmo', 'acme', 'CMO', 'cxo', 'marketing'), ('default', 'ops', 'quiet', 'Ops', 'manager', 'operations')`,
  );
  for (const [id, account, person, day] of [
    ['m1', 'acme', 'cmo', '2026-06-28'],
    ['m2', 'acme', 'cmo', '2026-05-10'],
    ['m3', 'quiet', 'ops', '2026-04-20'],
  ]) {
    await db.query(
      `INSERT INTO events (org_id, source, source_id, type, occurred_at, person_id, account_id)
       VALUES ('default', 'test', $1, 'meeting', $2, $3, $4)`,
      [id, `${day}T10:00:00Z`, person, account],
    );
  }
  app = consoleApp(db, now);
});

const settled = () => (app.locals.consoleJobs as JobRunner).settled();
const model = (version: string, change: Record<string, unknown> = {}) => ({
  ...DEFAULT_MODEL_DOCUMENT,
  version,
  ...change,
});

test('the editor starts with no live model, no draft and the defaults', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const res = await request(app).get('/api/model').set(admin.headers);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ live: null, draft: null, defaults: { version: DEFAULT_MODEL_DOCUMENT.version } });
});

test('a draft is validated with the model schema: 400 naming the field', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const bad = await request(app)
    .put('/api/model/draft')
    .set(admin.headers)
    .send({ model: model('d1', { windowDays: -3 }) });
  expect(bad.status).toBe(400);
  expect(bad.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'windowDays' })]));
  const ok = await request(app)
    .put('/api/model/draft')
    .set(admin.headers)
    .send({ model: model('d1') });
  expect(ok.status).toBe(200);
  expect((await request(app).get('/api/model').set(admin.headers)).body.draft.version).toBe('d1');
});

test('publish, a stale publish, a second version, the list with figures, and rollback', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const stale = await request(app)
    .post('/api/model/versions')
    .set(admin.headers)
    .send({ model: model('v1'), note: 'first', baseVersion: 'v0' });
  expect([stale.status, stale.body.code]).toEqual([409, 'STALE_VERSION']);

  const first = await request(app)
    .post('/api/model/versions')
    .set(admin.headers)
    .send({ model: model('v1'), note: 'first', baseVersion: null });
  expect(first.status).toBe(202);
  expect(first.body.version).toBe('v1');
  await settled();
  const job = await request(app).get(`/api/jobs/${first.body.jobId}`).set(admin.headers);
  // The back-fill's progress: accounts filled of the org's two accounts (not the job's one step).
  expect(job.body).toMatchObject({ kind: 'publish', state: 'done', done: 2, total: 2, error: null });
  expect(job.body.result.snapshots).toBeGreaterThan(0);
  const editor = await request(app).get('/api/model').set(admin.headers);
  expect(editor.body.live).toMatchObject({ version: 'v1', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(editor.body.draft).toBeNull();

  // Another admin's edit, begun before v1 went live, is refused.
  const late = await request(app)
    .post('/api/model/versions')
    .set(admin.headers)
    .send({ model: model('v1', { windowDays: 60 }), note: 'late', baseVersion: null });
  expect([late.status, late.body.code]).toEqual([409, 'STALE_VERSION']);

  const second = await request(app)
    .post('/api/model/versions')
    .set(admin.headers)
    .send({ model: model('v1', { windowDays: 60 }), note: 'shorter window', baseVersion: 'v1' });
  expect(second.status).toBe(202);
  expect(second.body.version).toMatch(/^v1-[0-9a-f]{8}$/);
  await settled();

  const list = await request(app).get('/api/model/versions').set(admin.headers);
  expect(list.body).toHaveLength(2);
  const byVersion = Object.fromEntries(
    (list.body as Array<{ version: string; figures: unknown }>).map((v) => [v.version, v]),
  );
  expect(byVersion.v1).toMatchObject({ live: false, author: 'admin@example.com', note: 'first' });
  expect(byVersion[second.body.version]).toMatchObject({ live: true, note: 'shorter window' });
  expect(byVersion.v1?.figures).toMatchObject({ day: '2026-06-30', accounts: 2 });

  const back = await request(app)
    .post('/api/model/versions/v1/rollback')
    .set(admin.headers)
    .send({ baseVersion: second.body.version });
  expect(back.status).toBe(202);
  await settled();
  expect((await request(app).get(`/api/jobs/${back.body.jobId}`).set(admin.headers)).body).toMatchObject({
    state: 'done',
    done: 2,
    total: 2,
  });
  expect((await request(app).get('/api/model').set(admin.headers)).body.live.version).toBe('v1');

  const again = await request(app)
    .post('/api/model/versions/v1/rollback')
    .set(admin.headers)
    .send({ baseVersion: 'v1' });
  expect([again.status, again.body.code]).toEqual([409, 'ALREADY_LIVE']);
  const staleBack = await request(app)
    .post(`/api/model/versions/${second.body.version}/rollback`)
    .set(admin.headers)
    .send({ baseVersion: second.body.version });
  expect([staleBack.status, staleBack.body.code]).toEqual([409, 'STALE_VERSION']);
});

test('errors: unknown version 404, unknown job 404, bad job id 400, missing note 400, viewer 403, no session 401', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const viewer = await sessionCookie(db, 'default', 'viewer', NOW);
  const none = await request(app)
    .post('/api/model/versions/nope/rollback')
    .set(admin.headers)
    .send({ baseVersion: null });
  expect([none.status, none.body.code]).toEqual([404, 'NO_VERSION']);
  const job = await request(app).get('/api/jobs/8f7a2c1e-0000-4000-8000-000000000000').set(admin.headers);
  expect([job.status, job.body.code]).toEqual([404, 'NO_JOB']);
  const badId = await request(app).get('/api/jobs/not-a-uuid').set(admin.headers);
  expect([badId.status, badId.body.issues[0].path]).toEqual([400, 'id']);
  const noNote = await request(app)
    .post('/api/model/versions')
    .set(admin.headers)
    .send({ model: model('v9'), baseVersion: 'v1' });
  expect([noNote.status, noNote.body.issues[0].path]).toEqual([400, 'note']);
  const asViewer = await request(app)
    .post('/api/model/versions')
    .set(viewer.headers)
    .send({ model: model('v9'), note: 'x', baseVersion: 'v1' });
  expect([asViewer.status, asViewer.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
  expect((await request(app).get('/api/model/versions').set(viewer.headers)).status).toBe(200);
  expect((await request(app).get('/api/model')).status).toBe(401);
});

test('accounts: search by name or domain, the account page with card, history and receipt, 404 and 400', async () => {
  const viewer = await sessionCookie(db, 'default', 'viewer', NOW);
  const all = await request(app).get('/api/accounts').set(viewer.headers);
  expect(all.status).toBe(200);
  expect(all.body.map((a: { accountId: string }) => a.accountId)).toEqual(['acme', 'quiet']);
  expect(all.body[0]).toMatchObject({ name: 'Acme', score: expect.any(Number), band: expect.any(String) });
  const found = await request(app).get('/api/accounts?q=QUI').set(viewer.headers);
  expect(found.body.map((a: { accountId: string }) => a.accountId)).toEqual(['quiet']);
  const bad = await request(app).get('/api/accounts?limit=0').set(viewer.headers);
  expect([bad.status, bad.body.issues[0].path]).toEqual([400, 'limit']);

  const page = await request(app).get('/api/accounts/acme').set(viewer.headers);
  expect(page.status).toBe(200);
  expect(page.body.account).toMatchObject({ accountId: 'acme', name: 'Acme' });
  expect(page.body.card.Engagement_Score__c).toBe(all.body[0].score);
  expect(page.body.history).toHaveLength(90);
  expect(page.body.history.at(-1)).toEqual({ day: '2026-06-30', score: all.body[0].score });
  expect(page.body.receipt.events.map((e: { personId: string }) => e.personId)).toEqual(['cmo', 'cmo']);
  const missing = await request(app).get('/api/accounts/nope').set(viewer.headers);
  expect([missing.status, missing.body.code]).toEqual([404, 'NO_ACCOUNT']);
});

test('runs: the log, one run, 404, the schedule, and run now as a job that reports its failure', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const run = await db.query<{ id: number }>(
    `INSERT INTO runs (org_id, kind, status, started_at, finished_at, counts, api_calls, errors)
     VALUES ('default', 'daily', 'failed', $1, $1, '{"pulled": 3}', '{"total": 2}', '[{"stage":"write","record":"001x","message":"FIELD_CUSTOM_VALIDATION_EXCEPTION"}]')
     RETURNING id`,
    [NOW.toISOString()],
  );
  const list = await request(app).get('/api/runs').set(admin.headers);
  expect(list.status).toBe(200);
  expect(list.body[0]).toMatchObject({ id: run.rows[0]!.id, status: 'failed', errors: [{ record: '001x' }] });
  expect((await request(app).get(`/api/runs/${run.rows[0]!.id}`).set(admin.headers)).body.kind).toBe('daily');
  const none = await request(app).get('/api/runs/999999').set(admin.headers);
  expect([none.status, none.body.code]).toEqual([404, 'NO_RUN']);
  const schedule = await request(app).get('/api/schedule').set(admin.headers);
  expect(schedule.body).toEqual({
    cron: '0 6 * * *',
    timezone: 'UTC',
    description: 'every day at 06:00 (UTC)',
    nextRunAt: '2026-07-01T06:00:00.000Z',
  });
  const now = await request(app).post('/api/runs').set(admin.headers);
  expect(now.status).toBe(202);
  await settled();
  const job = await request(app).get(`/api/jobs/${now.body.jobId}`).set(admin.headers);
  expect(job.body).toMatchObject({ kind: 'run' });
  // No Salesforce is configured here: the run fails, and the job says why.
  expect(['failed', 'done']).toContain(job.body.state);
});

test('preview: the draft next to the live model on today, with "not enough outcomes" and no opportunities', async () => {
  const viewer = await sessionCookie(db, 'default', 'viewer', NOW);
  const res = await request(app)
    .post('/api/model/preview')
    .set(viewer.headers)
    .send({ model: model('draft-1') });
  // Every POST is a write to the role check, a preview too: viewers see the pages, admins tune.
  expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const ok = await request(app)
    .post('/api/model/preview')
    .set(admin.headers)
    .send({ model: model('draft-1') });
  expect(ok.status).toBe(200);
  expect(ok.body.asOf).toBe('2026-06-30');
  const total = (rows: Array<{ accounts: number }>) => rows.reduce((n, r) => n + r.accounts, 0);
  expect(total(ok.body.live.bands)).toBe(2);
  expect(total(ok.body.draft.bands)).toBe(2);
  expect(total(ok.body.draft.histogram)).toBe(2);
  expect(ok.body.bandChanges).toEqual([]);
  expect(ok.body.backtest).toEqual({ reason: 'not enough outcomes' });
  const bad = await request(app)
    .post('/api/model/preview')
    .set(admin.headers)
    .send({ model: model('x', { windowDays: 'long' }) });
  expect([bad.status, bad.body.issues[0].path]).toEqual([400, 'windowDays']);
});

test('preview: a draft equal to the live model, under a new version name, has the live trend counts', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const live = (await request(app).get('/api/model').set(admin.headers)).body.live as {
    version: string;
    model: Record<string, unknown>;
  };
  expect(live).not.toBeNull();
  const res = await request(app)
    .post('/api/model/preview')
    .set(admin.headers)
    .send({ model: { ...live.model, version: `${live.version}-copy` } });
  expect(res.status).toBe(200);
  const counts = (d: { trends: Array<{ trend: string; accounts: number }> }) =>
    Object.fromEntries(d.trends.map((t) => [t.trend, t.accounts]));
  // The draft has no snapshots of its own: it is scored on the trend day too, so an account active
  // then is not "New" (both accounts were, 30 days before 2026-06-30).
  expect(counts(res.body.live).New).toBe(0);
  expect(counts(res.body.draft)).toEqual(counts(res.body.live));
  expect(res.body.bandChanges).toEqual([]);
  expect(res.body.movers.every((m: { delta: number }) => m.delta === 0)).toBe(true);
});

test("a job under way shows its step's progress (done of total) while it runs, then done = total", async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const runner = app.locals.consoleJobs as JobRunner;
  let report: JobProgress = () => undefined;
  let finish: () => void = () => undefined;
  let ready: () => void = () => undefined;
  const stepStarted = new Promise<void>((r) => (ready = r));
  const jobId = await runner.start('default', 'publish', [
    (progress) =>
      new Promise<unknown>((resolve) => {
        report = progress;
        finish = () => resolve({ ok: true });
        ready();
      }),
  ]);
  await stepStarted;
  report({ done: 3, total: 10 });
  const mid = await request(app).get(`/api/jobs/${jobId}`).set(admin.headers);
  expect(mid.body).toMatchObject({ state: 'running', done: 3, total: 10 });
  finish();
  await settled();
  const end = await request(app).get(`/api/jobs/${jobId}`).set(admin.headers);
  expect(end.body).toMatchObject({ state: 'done', done: 10, total: 10, result: { ok: true } });
});

test('jobs a stopped server left running are marked failed at the next start, and when asked for', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const old = new Date(NOW.getTime() - JOB_STALE_MS - 1_000);
  const leftBehind = async (at: Date) => {
    const id = randomUUID();
    await createConsoleJob(db, { orgId: 'default', id, kind: 'publish', total: 90, now: at });
    await updateConsoleJob(db, 'default', id, { state: 'running', done: 12, now: at });
    return id;
  };
  const cutOff = await leftBehind(old);
  const recent = await leftBehind(NOW);
  // A restart: the server builds its app (and job runner) again.
  const restarted = consoleApp(db, now);
  await (restarted.locals.consoleJobs as JobRunner).settled();
  const cut = await request(restarted).get(`/api/jobs/${cutOff}`).set(admin.headers);
  expect(cut.body).toMatchObject({ state: 'failed', done: 12, total: 90, error: STALE_JOB_MESSAGE });
  // One touched moments ago may be another web process's, under way: left alone.
  expect((await request(restarted).get(`/api/jobs/${recent}`).set(admin.headers)).body.state).toBe('running');
  // Polled later, after its heartbeat stopped, it is failed then too.
  const later = await leftBehind(old);
  const polled = await request(restarted).get(`/api/jobs/${later}`).set(admin.headers);
  expect(polled.body).toMatchObject({ state: 'failed', error: STALE_JOB_MESSAGE });
});
