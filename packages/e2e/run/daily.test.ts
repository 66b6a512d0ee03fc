/**
 * The daily run's decisions on a small org: which model it scores with, what a schedule's second
 * trigger does, how MAP pulls and a missing Salesforce connection show up, and the CLI and worker
 * around it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNow, startWorker, summaryOf } from '@pulse/server/src/cli/run';
import { DEFAULT_MODEL_DOCUMENT } from '@pulse/server/src/model/defaults';
import { runDaily, type DailyRunResult, type RunProgress } from '@pulse/server/src/run/daily';
import type { MapSyncResult } from '@pulse/server/src/sources/map/sync';
import { loadActiveModel } from '@pulse/server/src/store/models';
import { listRuns } from '@pulse/server/src/store/runs';
import { deleteMapConnection, saveMapConnection } from '@pulse/server/src/store/mapConnections';
import { startScenario, type Scenario } from './harness';
import { readConfig } from '@pulse/server/src/config';

let s: Scenario;
let first: DailyRunResult;
beforeAll(async () => {
  s = await startScenario('small', 50);
  first = await s.run();
}, 120_000);
afterAll(async () => {
  await s?.close();
});

/** A failure a run records: its stage and code, a message that says `text`, and `more` fields. */
const failure = (stage: string, code: string, text: string, more: Record<string, unknown> = {}) =>
  expect.objectContaining({ stage, code, message: expect.stringContaining(text), ...more });

const out = () => {
  let text = '';
  return { write: (t: string) => void (text += t), text: () => text };
};

it('publishes the default model on the first run and keeps it while nothing changes', async () => {
  expect(first.status).toBe('succeeded');
  expect(first.published).toMatchObject({ version: DEFAULT_MODEL_DOCUMENT.version });
  const again = await s.run();
  expect(again.published).toBeNull();
  expect(again.modelVersion).toBe(DEFAULT_MODEL_DOCUMENT.version);
});

it('publishes (and back-fills) the model of PULSE_MODEL_FILE when it changed, and only then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-model-'));
  const file = join(dir, 'model.json');
  const doc = structuredClone(DEFAULT_MODEL_DOCUMENT) as unknown as { version: string; windowDays: number };
  doc.version = 'tuned-2';
  doc.windowDays = 60;
  writeFileSync(file, JSON.stringify(doc));
  const r = await s.run({ env: { PULSE_MODEL_FILE: file } });
  expect(r).toMatchObject({ status: 'succeeded', modelVersion: 'tuned-2', published: { version: 'tuned-2' } });
  expect(r.published!.snapshots).toBeGreaterThan(0);
  expect((await loadActiveModel(s.db, 'small'))!.model.windowDays).toBe(60);
  expect((await s.run({ env: { PULSE_MODEL_FILE: file } })).published).toBeNull();

  writeFileSync(file, '{"version": "broken"');
  const bad = await s.run({ env: { PULSE_MODEL_FILE: file } });
  expect(bad.status).toBe('failed');
  expect(bad.failures).toEqual([failure('score', 'MODEL_FILE_NOT_JSON', 'is not valid JSON')]);
});

it('a schedule slot triggered twice (two workers) runs once', async () => {
  const once = await s.run({ scheduledFor: '2026-01-01 06:00' });
  expect(once.status).toBe('succeeded');
  const twice = await s.run({ scheduledFor: '2026-01-01 06:00' });
  expect(twice.status).toBe('skipped');
  expect(twice.failures[0]!.message).toBe(
    `run ${once.runId} already ran the schedule slot 2026-01-01 06:00; nothing to do`,
  );
  expect((await s.run({ scheduledFor: '2026-01-01 18:00' })).status).toBe('succeeded');
});

it('pulls every MAP source after Salesforce: their calls count in the pull, a failed one makes the run partial', async () => {
  const maps: MapSyncResult[] = [
    {
      runId: 901,
      source: 'marketo',
      status: 'succeeded',
      counts: { pages: 2, people: 5, activities: 40 } as MapSyncResult['counts'],
      apiCalls: { total: 4 },
    },
    {
      runId: 902,
      source: 'hubspot',
      status: 'failed',
      counts: { pages: 0, people: 0, activities: 0 } as MapSyncResult['counts'],
      apiCalls: { total: 1 },
      error: 'HubSpot answered 401: the private app token was revoked',
    },
  ];
  const seen: unknown[] = [];
  const r = await s.run({
    syncMaps: async (o) => {
      seen.push({ org: o.orgId, salesforce: o.salesforce?.kind });
      return maps;
    },
  });
  expect(seen).toEqual([{ org: 'small', salesforce: 'client_credentials' }]);
  expect(r.status).toBe('partial');
  expect(r.apiCalls.pull).toBe(r.sync!.apiCalls.total + 5);
  expect(r.counts.pulled).toBe(Object.values(r.sync!.counts).reduce((a, b) => a + b, 0) + 45);
  expect(r.failures).toEqual([
    {
      stage: 'pull',
      source: 'hubspot',
      code: 'MAP_PULL_FAILED',
      message: 'hubspot pull failed (run 902): HubSpot answered 401: the private app token was revoked',
    },
  ]);
  const [row] = await listRuns(s.db, 'small', 'daily', 1);
  expect(row!.apiCalls).toMatchObject({ maps: { marketo: 4, hubspot: 1 } });
  expect(row!.state).toMatchObject({
    mapRuns: [
      { source: 'marketo', runId: 901 },
      { source: 'hubspot', runId: 902 },
    ],
  });
});

it('a stored MAP connection it cannot read fails only that pull, named: the run is partial, the rest runs', async () => {
  await saveMapConnection(
    s.db,
    'small',
    { source: 'hubspot', settings: {}, secrets: { accessToken: 'pat-from-the-console' } },
    'the-key-it-was-stored-with',
  );
  try {
    for (const [env, why] of [
      [{ PULSE_SECRET_KEY: 'another-key' }, 'PULSE_SECRET_KEY is not the key it was stored with'],
      [{}, 'PULSE_SECRET_KEY is not set'],
    ] as const) {
      const r = await s.run({ env });
      expect(r.status).toBe('partial');
      expect(r.failures).toEqual([
        failure('pull', 'MAP_PULL_FAILED', 'the stored hubspot connection of org small', { source: 'hubspot' }),
      ]);
      expect(r.failures[0]!.message).toContain(why);
      // Marketo (configured by its variables) was pulled, and the day was scored and written.
      expect(r.maps.map((m) => [m.source, m.status])).toEqual([
        ['marketo', 'succeeded'],
        ['hubspot', 'failed'],
      ]);
      expect(r.accountsScored).toBeGreaterThan(0);
      const [pull] = await listRuns(s.db, 'small', 'sync:hubspot', 1);
      expect(pull).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: expect.any(String) })] });
    }
  } finally {
    await deleteMapConnection(s.db, 'small', 'hubspot');
  }
});

it('with no Salesforce connection the run fails at the pull, saying what to set', async () => {
  const r = await runDaily({ db: s.db, orgId: 'nowhere', config: readConfig({}) });
  expect(r.status).toBe('failed');
  expect(r.failures).toEqual([
    failure('pull', 'SF_NOT_CONFIGURED', 'set SF_LOGIN_URL and SF_CLIENT_ID', { context: { org: 'nowhere' } }),
  ]);
  const [row] = await listRuns(s.db, 'nowhere', 'daily', 1);
  expect(row).toMatchObject({ id: r.runId, status: 'failed', errors: r.failures });
});

it('pulse run --json: stage lines on stderr, the summary as the last line of stdout', async () => {
  const o = out();
  const e = out();
  const env = {
    SF_LOGIN_URL: s.emu.loginUrl,
    SF_CLIENT_ID: s.emu.clientId,
    SF_CLIENT_SECRET: s.emu.clientSecret,
    PULSE_ORG: 'small',
  };
  const r = await runNow(
    { org: 'small', json: true },
    { out: o, err: e, db: s.db, config: readConfig(env), now: () => s.clock.now },
  );
  const lines = o.text().trim().split('\n');
  const summary = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  expect(Object.keys(summary)).toEqual([
    'runId',
    'status',
    'accountsScored',
    'accountsWritten',
    'apiCalls',
    'failures',
  ]);
  expect(summary).toEqual(JSON.parse(JSON.stringify(summaryOf(r))));
  expect(summary).toMatchObject({ status: 'succeeded', accountsWritten: 0, apiCalls: { write: 0 } });
  expect(e.text()).toMatch(/^\[lock\] run \d+ for org small, scoring 2026-11-24\n/);
  expect(e.text()).toMatch(/\[pull\] Account \(\d+\/9\)\n/);
  expect(e.text()).toMatch(/\[done\] run \d+ succeeded: \d+ scored, 0 written/);
});

it('the worker runs every org at each trigger, recording the schedule slot', async () => {
  const runs: DailyRunResult[] = [];
  const worker = startWorker({
    db: s.db,
    orgs: ['small'],
    config: readConfig({ PULSE_RUN_AT: '23:30', PULSE_TIMEZONE: 'Pacific/Auckland' }),
    run: (deps) => s.run({ ...deps }),
    onRun: (r) => runs.push(r),
  });
  try {
    expect(worker.schedule.description).toBe('every day at 23:30 (Pacific/Auckland)');
    await worker.task.execute();
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const [row] = await listRuns(s.db, 'small', 'daily', 1);
    expect(row!.state.scheduledFor).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  } finally {
    await worker.stop();
  }
});

it('a preflight problem fails the write stage, naming the field and what to fix', async () => {
  s.emu.permissions.set('Account.Engagement_Trend__c', { read: true, edit: false });
  try {
    s.emu.callLog.clear();
    const r = await s.run();
    expect(r.status).toBe('failed');
    expect(r.failures).toEqual([
      {
        stage: 'write',
        code: 'PREFLIGHT_FAILED',
        message: expect.stringContaining('Engagement_Trend__c: not editable by the integration user'),
        context: { org: 'small', object: 'Account' },
      },
    ]);
    expect(s.emu.callLog.filter('/composite/sobjects')).toHaveLength(0);
  } finally {
    s.emu.permissions.clear();
  }
});

it('days the schedule missed are back-filled before today is scored', async () => {
  const stages: string[] = [];
  const onProgress = (p: RunProgress) => void (p.kind === 'stage' && stages.push(p.message));
  s.clock.now = new Date(s.clock.now.getTime() + 3 * 86_400_000);
  const r = await s.run({ onProgress });
  expect(r.status).toBe('succeeded');
  expect(stages).toContain(`scoring ${r.asOf} with model ${r.modelVersion} (back-filling missed days)`);
  const days = await s.db.query<{ day: string }>(
    `SELECT DISTINCT day FROM snapshots WHERE org_id = 'small' AND model_version = $1 AND day > '2026-11-24' ORDER BY day`,
    [r.modelVersion],
  );
  expect(days.rows.map((d) => d.day)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
  stages.length = 0;
  await s.run({ onProgress });
  expect(stages).toContain(`scoring ${r.asOf} with model ${r.modelVersion}`);
});
