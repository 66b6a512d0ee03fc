/**
 * The daily run end to end on the Salesforce emulator with a generated org: what it writes on the
 * first run, that it writes nothing when nothing changed and exactly the changed accounts when
 * something did, that two runs never overlap, and that faults (lock errors, the org's limit, a crash
 * mid-write) leave Salesforce exactly as a clean run would once the next run has gone through.
 */
import { formatRuns } from '@pulse/server/src/cli/run';
import type { DailyRunResult } from '@pulse/server/src/run/daily';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { listRuns, startRun } from '@pulse/server/src/store/runs';
import { engagementFields, startScenario, writeCalls, type Scenario } from './harness';

const minutes = (s: Scenario, n: number) => (s.clock.now = new Date(s.clock.now.getTime() + n * 60_000));

let main: Scenario;
let first: DailyRunResult;
/** What a clean first run leaves in Salesforce: every fault scenario must end here too. */
let reference: Map<string, Record<string, unknown>>;

beforeAll(async () => {
  main = await startScenario();
  first = await main.run();
  reference = engagementFields(main);
}, 180_000);

afterAll(async () => {
  await main?.close();
});

describe('the daily run on a generated org', () => {
  it('first run: publishes the model with its back-fill, scores, and writes every scored account', () => {
    expect(first.status).toBe('succeeded');
    expect(first.failures).toEqual([]);
    expect(first.published).toMatchObject({ version: expect.any(String) });
    expect(first.published!.snapshots).toBeGreaterThan(first.accountsScored);
    expect(first.accountsScored).toBeGreaterThan(20);
    expect(first.accountsWritten).toBe(first.accountsScored);
    expect(first.apiCalls.write).toBeGreaterThan(0);
    // The pull, the writes, and the preflight's describe call.
    expect(first.apiCalls.total).toBe(first.apiCalls.pull + first.apiCalls.write + first.apiCalls.actions + 1);
    const scored = [...reference.values()].filter((f) => f.Engagement_Score__c !== null);
    expect(scored).toHaveLength(first.accountsScored);
  });

  it('second run with no new activity makes zero write calls', async () => {
    minutes(main, 10);
    main.emu.callLog.clear();
    const r = await main.run();
    expect(r).toMatchObject({ status: 'succeeded', accountsWritten: 0, published: null });
    expect(r.apiCalls.write).toBe(0);
    expect(r.leads).toMatchObject({ leadsChanged: 0, apiCalls: 0 });
    expect(writeCalls(main.emu)).toBe(0);
    expect(engagementFields(main)).toEqual(reference);
  });

  it('new calls logged on 3 accounts: exactly those 3 are written', async () => {
    const before = engagementFields(main);
    const contacts = [...main.org.records.Contact];
    const picked = [...before.entries()]
      .filter(([, f]) => f.Engagement_Score__c !== null && String(f.Engagement_Last_Activity__c) < '2026-11-24')
      .map(([id]) => ({ id, contact: contacts.find((c) => c.AccountId === id) }))
      .filter((a) => a.contact)
      .slice(0, 3);
    expect(picked).toHaveLength(3);
    minutes(main, 5);
    for (const a of picked) {
      main.emu.store.insert('Task', {
        Subject: 'Call: pricing follow-up',
        TaskSubtype: 'Call',
        Type: 'Call',
        Status: 'Completed',
        WhoId: a.contact!.Id as string,
        WhatId: a.id,
        ActivityDate: '2026-11-24',
        CallDurationInSeconds: 900,
      });
    }
    minutes(main, 5);
    main.emu.callLog.clear();
    const r = await main.run();
    expect(r).toMatchObject({ status: 'succeeded', accountsWritten: 3 });
    expect(writeCalls(main.emu)).toBe(1);
    const after = engagementFields(main);
    const changed = [...after.keys()].filter((id) => JSON.stringify(after.get(id)) !== JSON.stringify(before.get(id)));
    expect(changed.sort()).toEqual(picked.map((a) => a.id).sort());
    for (const a of picked) expect(after.get(a.id)!.Engagement_Last_Activity__c).toBe('2026-11-24');
  });

  it('the cooling account ends Cooling, and a list-view query by trend finds it', async () => {
    const cooling = main.org.stories.cooling.accountId;
    expect(main.emu.store.get('Account', cooling)!.Engagement_Trend__c).toBe('Cooling');
    const rows = await main.conn.query<{ Id: string }>("SELECT Id FROM Account WHERE Engagement_Trend__c = 'Cooling'");
    expect(rows.records.map((x) => x.Id)).toContain(cooling);
  });

  it('the surging account (its jump is marketing activity, pulled from Marketo) ends Surging', async () => {
    const surging = main.org.stories.surging.accountId;
    expect(first.maps.map((m) => [m.source, m.status])).toEqual([['marketo', 'succeeded']]);
    expect(first.maps[0]!.counts.activities).toBeGreaterThan(1000);
    expect(main.emu.store.get('Account', surging)!.Engagement_Trend__c).toBe('Surging');
    const rows = await main.conn.query<{ Id: string }>("SELECT Id FROM Account WHERE Engagement_Trend__c = 'Surging'");
    expect(rows.records.map((x) => x.Id)).toContain(surging);
  });

  it("the orphan leads get their matched account on the Lead fields; second runs don't rewrite them", () => {
    const story = main.org.stories.orphanLeads;
    expect(first.leads).toMatchObject({ status: 'ok', failures: [] });
    expect(first.leads!.leadsWritten).toBeGreaterThanOrEqual(story.leadIds.length);
    for (const id of story.leadIds) {
      expect(main.emu.store.get('Lead', id)!.Engagement_Matched_Account__c).toBe(story.accountId);
    }
  });

  it("the bot's opens and clicks are stored on its account and set aside", async () => {
    const bot = main.org.stories.bot;
    const r = await main.db.query<{ type: string; n: number }>(
      `SELECT type, count(*) AS n FROM events WHERE org_id = 'e2e' AND account_id = $1 AND excluded_reason = 'bot'
       GROUP BY type ORDER BY type`,
      [bot.accountId],
    );
    expect(r.rows.map((x) => x.type)).toEqual(['email_click', 'email_open']);
    expect(r.rows.every((x) => x.n > 5)).toBe(true);
  });

  it('two runs started at once: one runs, the other is skipped and names the holder', async () => {
    // On Postgres the second run comes through a second pool (as another process would); the embedded
    // database has one connection per process, so there both share it.
    let other: Db = main.db;
    if (main.db.kind === 'postgres') {
      const schema = (await main.db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
      other = await openDb({ url: process.env.DATABASE_URL, schema });
    }
    try {
      let second: Promise<DailyRunResult> | null = null;
      const holder = await main.run({
        onProgress: (p) => {
          // Started once the first run holds the lock and is pulling.
          if (p.kind === 'stage' && p.stage === 'pull' && !second) second = main.run({ db: other });
        },
      });
      const skipped = await second!;
      expect(holder.status).toBe('succeeded');
      expect(skipped.status).toBe('skipped');
      expect(skipped.heldBy).toBe(holder.runId);
      expect(skipped.failures).toEqual([
        expect.objectContaining({
          code: 'RUN_LOCKED',
          message: expect.stringContaining(`run ${holder.runId} (started`),
        }),
      ]);
      expect(skipped.apiCalls).toEqual({ pull: 0, write: 0, actions: 0, total: 0 });
      // The lock is free again.
      expect((await main.run({ db: other })).status).toBe('succeeded');
    } finally {
      if (other !== main.db) await other.close();
    }
  });

  it('pulse runs shows every daily run: what it did and which one was skipped', async () => {
    const text = formatRuns(await listRuns(main.db, 'e2e', 'daily'));
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^run\s+kind\s+status/);
    expect(lines.filter((l) => /\bdaily\s+succeeded\b/.test(l))).toHaveLength(5);
    expect(lines.find((l) => /\bskipped\b/.test(l))).toMatch(/RUN_LOCKED: run \d+ \(started/);
    expect(lines.at(-1)).toContain(` ${first.accountsScored} `);
  });
});

describe('faults: afterwards Salesforce holds exactly what a clean run writes', () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario();
  }, 120_000);
  afterEach(async () => {
    await s.close();
  });

  it('lock errors on 20% of records', async () => {
    let seed = 1;
    s.emu.faults.lockErrors({ share: 0.2, seed, objects: ['Account'] });
    // Salesforce's locks are transient: after each batch other rows are the busy ones.
    const r = await s.run({
      write: {
        sleep: async () => undefined,
        afterBatch: () => void s.emu.faults.lockErrors({ share: 0.2, seed: ++seed, objects: ['Account'] }),
      },
    });
    expect(['succeeded', 'partial']).toContain(r.status);
    expect(r.write!.lockRetries).toBeGreaterThan(0);
    s.emu.faults.clear();
    const next = await s.run();
    expect(next.status).toBe('succeeded');
    expect(engagementFields(s)).toEqual(reference);
    const [last, faulty] = await listRuns(s.db, 'e2e', 'daily');
    expect(faulty!.state).toMatchObject({ lockRetries: r.write!.lockRetries });
    expect(last!.counts.written).toBe(next.accountsWritten);
    expect(r.accountsWritten + next.accountsWritten).toBe(r.accountsScored);
  });

  it("Salesforce's API limit hit midway through the write", async () => {
    s.emu.faults.lockErrors({ share: 0.2, seed: 7, objects: ['Account'] });
    let batches = 0;
    const r = await s.run({
      write: {
        sleep: async () => undefined,
        // The first batch goes through with some rows locked; then the org's daily limit runs out.
        afterBatch: () => {
          if (++batches === 1) s.emu.faults.clear().limitExceeded();
        },
      },
    });
    expect(r.status).toBe('partial');
    expect(r.write!.status).toBe('limit');
    expect(r.accountsWritten).toBeGreaterThan(0);
    expect(r.accountsWritten).toBeLessThan(r.accountsScored);
    expect(r.failures).toEqual([
      expect.objectContaining({
        stage: 'write',
        code: 'REQUEST_LIMIT_EXCEEDED',
        message: expect.stringMatching(/next run/),
      }),
    ]);
    s.emu.faults.clear();
    const next = await s.run();
    expect(next).toMatchObject({ status: 'succeeded', accountsWritten: r.accountsScored - r.accountsWritten });
    expect(engagementFields(s)).toEqual(reference);
    const text = formatRuns(await listRuns(s.db, 'e2e', 'daily'));
    expect(text).toMatch(/daily\s+partial .*REQUEST_LIMIT_EXCEEDED: Salesforce's daily API limit was reached/);
  });

  it('a crash mid-write, and a process that died with its run open', async () => {
    s.emu.faults.lockErrors({ share: 0.2, seed: 3, objects: ['Account'] });
    const r = await s.run({
      write: {
        sleep: async () => undefined,
        // Dies after the first batch is stored, with the locked rows not yet retried.
        afterBatch: () => {
          throw new Error('simulated crash');
        },
      },
    });
    expect(r.status).toBe('failed');
    expect(r.failures).toEqual([{ stage: 'write', code: 'ERROR', message: 'simulated crash' }]);
    expect(r.accountsWritten).toBe(0);
    const written = [...engagementFields(s).values()].filter((f) => f.Engagement_Score__c !== null).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(r.accountsScored);
    s.emu.faults.clear();
    // A process killed mid-run leaves its run 'running' (and its lock released with its connection).
    const dead = await startRun(s.db, 'e2e', 'daily', { asOf: '2026-11-24' });
    const next = await s.run();
    expect(next.status).toBe('succeeded');
    expect(next.accountsWritten).toBe(r.accountsScored - written);
    expect(engagementFields(s)).toEqual(reference);
    const runs = await listRuns(s.db, 'e2e', 'daily');
    expect(runs.map((x) => [x.id, x.status])).toEqual([
      [next.runId, 'succeeded'],
      [dead, 'failed'],
      [r.runId, 'failed'],
    ]);
    expect(runs[1]!.errors).toEqual([expect.objectContaining({ code: 'RUN_INTERRUPTED' })]);
    expect(runs[2]!.errors).toEqual([expect.objectContaining({ stage: 'write', message: 'simulated crash' })]);
  });
});
