/**
 * The shared worker pool (issue 18, target 3). On PostgreSQL: two `pulse worker` processes (each in
 * its own process group) share several generated orgs, each served by its own Salesforce emulator;
 * one worker is killed with SIGKILL in the middle of a run, and the other resumes its job. Every org
 * must end as a clean single-worker run leaves it (the emulator's Account fields, the store's
 * snapshots and written values), and no org may run twice for the slot. A broken org, whose
 * sign-in hangs and then answers 500, must not hold the others up: its sign-in only answers once
 * every other org's run has finished.
 *
 * On the embedded PGlite (no DATABASE_URL) there is no pool: `pulse worker` runs the in-process
 * schedule, and the test checks that it says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { migrate } from '@pulse/server/src/store/migrate';
import { saveConnection } from '@pulse/server/src/store/connections';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { generateOrg, type GeneratedOrg } from '@pulse/sandbox/src/generator';

const root = join(__dirname, '../../..');
const pgUrl = process.env.DATABASE_URL;
const SECRET = 'pool-test-secret-key-0123456789abcdef';
const ORGS = ['pool-a', 'pool-b', 'pool-c', 'pool-d'];
const BROKEN = 'pool-broken';
const ACCOUNTS = 60;
const SCORED_AT = 'Engagement_Scored_At__c';

/** One `pulse worker` child in its own process group, with what it logged. */
interface WorkerProc {
  child: ChildProcess;
  log: string;
  started: Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(env: Record<string, string>, orgs: readonly string[]): WorkerProc {
  const child = spawn('node', ['packages/server/bin/pulse.cjs', 'worker', '--org', ...orgs], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const w: WorkerProc = {
    child,
    log: '',
    started: new Promise((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        w.log += d.toString();
        const line = w.log.split('\n').find((l) => l.includes('"msg":"worker started"'));
        if (line) resolve(JSON.parse(line) as Record<string, unknown>);
      });
      child.once('exit', (code) => reject(new Error(`pulse worker exited (${code}) before starting:\n${w.log}`)));
    }),
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  w.started.catch(() => undefined);
  return w;
}

/** Stops a worker's whole process group (SIGTERM, then SIGKILL if it lingers) and waits for it. */
async function stopWorker(w: WorkerProc): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  try {
    process.kill(-w.child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-w.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 40_000);
  await w.exited;
  clearTimeout(timer);
}

/** `pulse enqueue --json` for `orgs`: the slot it queued and the job ids it inserted. */
function enqueue(
  env: Record<string, string>,
  orgs: readonly string[],
  slot: string,
): Promise<{ slot: string; jobs: string[] }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const child = spawn(
      'node',
      ['packages/server/bin/pulse.cjs', 'enqueue', '--json', '--slot', slot, '--org', ...orgs],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { slot: string; jobs: string[] })
        : reject(new Error(`pulse enqueue failed (${code}): ${err}`)),
    );
  });
}

if (!pgUrl) {
  it('on the embedded PGlite, pulse worker keeps the in-process schedule (no pool without PostgreSQL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-pool-'));
    const w = spawnWorker({ PULSE_DATA_DIR: dir }, ['default']);
    try {
      const started = await w.started;
      expect(started).toMatchObject({ mode: 'in-process', orgs: ['default'], schedule: 'every day at 06:00 (UTC)' });
      expect(started.queueSchema).toBeUndefined();
    } finally {
      await stopWorker(w);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await w.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
} else {
  describe('the worker pool on PostgreSQL', () => {
    // Filled by the scenario in beforeAll; the tests read what it left.
    const clean = new Map<string, Emulator>();
    const pooled = new Map<string, Emulator>();
    let cleanDb: Db;
    let poolDb: Db;
    let slot = '';
    let queuedTwice: string[] = [];
    let killedPid = 0;
    let killedOrg = '';
    let brokenAnsweredAfter: string[] = [];
    const workers: WorkerProc[] = [];
    const dbs: string[] = [];
    let broken: Server | undefined;

    beforeAll(async () => {
      const day = new Date().toISOString().slice(0, 10);
      const base = new Date(`${day}T00:00:01Z`).getTime();
      const generated = new Map<string, GeneratedOrg>();
      ORGS.forEach((org, i) =>
        generated.set(org, generateOrg({ accounts: ACCOUNTS, seed: 31 + i, now: new Date(base), days: 180 })),
      );
      // Every emulator's clock stands at the same instant while it loads, then runs: the clean and the
      // pooled copy of an org stamp the same SystemModstamps.
      const emulator = async (org: GeneratedOrg): Promise<Emulator> => {
        let started = 0;
        const emu = await startEmulator({
          org,
          now: () => new Date(base + (started ? Date.now() - started : 0)),
          forceAppDir: join(root, 'force-app'),
        });
        started = Date.now();
        return emu;
      };
      for (const org of ORGS) {
        clean.set(org, await emulator(generated.get(org)!));
        pooled.set(org, await emulator(generated.get(org)!));
      }

      // The broken org's sign-in: held until every other pooled org has finished, then a 500.
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      broken = createServer((req, res) => {
        req.resume();
        void released.then(() => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'server_error', error_description: 'the broken org answers 500' }));
        });
      });
      await new Promise<void>((resolve) => broken!.listen(0, '127.0.0.1', resolve));
      const brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;

      const database = async (name: string): Promise<{ url: string; db: Db }> => {
        const admin = new Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        dbs.push(name);
        const url = new URL(pgUrl);
        url.pathname = `/${name}`;
        const db = await openDb({ url: url.toString() });
        await migrate(db);
        return { url: url.toString(), db };
      };
      const c = await database(`pool_clean_${process.pid}`);
      const p = await database(`pool_shared_${process.pid}`);
      cleanDb = c.db;
      poolDb = p.db;
      const auth = (emu: Emulator) => ({
        kind: 'client_credentials' as const,
        loginUrl: emu.loginUrl,
        clientId: emu.clientId,
        clientSecret: emu.clientSecret,
      });
      for (const org of ORGS) {
        await saveConnection(cleanDb, org, auth(clean.get(org)!), SECRET);
        await saveConnection(poolDb, org, auth(pooled.get(org)!), SECRET);
      }
      await saveConnection(
        poolDb,
        BROKEN,
        { kind: 'client_credentials', loginUrl: brokenUrl, clientId: 'broken', clientSecret: 'broken' },
        SECRET,
      );

      const env = (url: string, schema: string) => ({
        DATABASE_URL: url,
        PULSE_SECRET_KEY: SECRET,
        // The schedule never fires during the test: `pulse enqueue` queues the slot, as a trigger does.
        PULSE_RUN_AT: '0 3 1 1 *',
        PULSE_TIMEZONE: 'UTC',
        // Each test its own pg-boss schema (and here its own database too).
        PULSE_QUEUE_SCHEMA: `${schema}_${process.pid}`,
        PULSE_WORKER_CONCURRENCY: '2',
        PULSE_RUN_RETRY_SECONDS: '1',
        PULSE_REAP_SECONDS: '2',
      });

      // Kill the pooled worker running pool-a once its write to Salesforce has begun.
      killedOrg = ORGS[0]!;
      const target = pooled.get(killedOrg)!;
      const add = target.callLog.add.bind(target.callLog);
      let killing = false;
      target.callLog.add = (call) => {
        add(call);
        const write =
          call.method !== 'GET' && (call.path.includes('/composite/sobjects') || call.path.includes('/jobs/ingest'));
        if (!write || killing) return;
        killing = true;
        void (async () => {
          const r = await poolDb.query<{ pid: string }>(
            `SELECT state->>'pid' AS pid FROM runs WHERE org_id = $1 AND kind = 'daily' AND status = 'running'`,
            [killedOrg],
          );
          const pid = Number(r.rows[0]?.pid);
          const w = workers.find((x) => x.child.pid === pid);
          if (!w) throw new Error(`the running run of ${killedOrg} is not a pooled worker's (pid ${pid})`);
          killedPid = pid;
          process.kill(-pid, 'SIGKILL');
        })().catch((e: unknown) => {
          killedPid = -1;
          console.error(e);
        });
      };

      workers.push(spawnWorker(env(c.url, 'boss_clean'), ORGS));
      workers.push(spawnWorker(env(p.url, 'boss_pool'), [...ORGS, BROKEN]));
      workers.push(spawnWorker(env(p.url, 'boss_pool'), [...ORGS, BROKEN]));
      const started = await Promise.all(workers.map((w) => w.started));
      for (const s of started) expect(s).toMatchObject({ mode: 'pool', concurrency: 2 });
      // The slot (the current minute), queued for the clean worker once and for the pool twice at the
      // same time, as two workers' triggers of one slot do: the pool's second enqueue inserts nothing.
      slot = new Date().toISOString().slice(0, 16).replace('T', ' ');
      const [one, twice1, twice2] = await Promise.all([
        enqueue(env(c.url, 'boss_clean'), ORGS, slot),
        enqueue(env(p.url, 'boss_pool'), [...ORGS, BROKEN], slot),
        enqueue(env(p.url, 'boss_pool'), [...ORGS, BROKEN], slot),
      ]);
      expect([one.slot, twice1.slot, twice2.slot]).toEqual([slot, slot, slot]);
      expect(one.jobs).toHaveLength(ORGS.length);
      queuedTwice = [...twice1.jobs, ...twice2.jobs];

      const finished = async (db: Db, orgs: readonly string[], slot: string) => {
        const r = await db.query<{ org_id: string }>(
          `SELECT DISTINCT org_id FROM runs WHERE kind = 'daily' AND status IN ('succeeded', 'partial', 'failed')
             AND state->>'scheduledFor' = $1 AND NOT (errors @> '[{"code":"RUN_INTERRUPTED"}]')`,
          [slot],
        );
        const done = new Set(r.rows.map((x) => x.org_id));
        return orgs.every((o) => done.has(o));
      };
      const until = async (what: string, ok: () => Promise<boolean>, ms: number) => {
        const end = Date.now() + ms;
        while (!(await ok())) {
          if (Date.now() > end)
            throw new Error(
              `timed out waiting for ${what}:\n${workers.map((w) => w.log.slice(-3000)).join('\n---\n')}`,
            );
          await new Promise((r) => setTimeout(r, 500));
        }
      };
      await until('the clean run of every org', () => finished(cleanDb, ORGS, slot), 240_000);
      await until('the pooled runs of every working org', () => finished(poolDb, ORGS, slot), 240_000);
      // Only now does the broken org's sign-in answer.
      const r = await poolDb.query<{ org_id: string }>(
        `SELECT org_id FROM runs WHERE kind = 'daily' AND status = 'succeeded' AND state->>'scheduledFor' = $1`,
        [slot],
      );
      brokenAnsweredAfter = r.rows.map((x) => x.org_id).sort();
      release();
      await until('the broken org run', () => finished(poolDb, [BROKEN], slot), 180_000);
    }, 600_000);

    afterAll(async () => {
      for (const w of workers) await stopWorker(w);
      await cleanDb?.close();
      await poolDb?.close();
      for (const emu of [...clean.values(), ...pooled.values()]) await emu.close();
      await new Promise<void>((resolve) => (broken ? broken.close(() => resolve()) : resolve()));
      const admin = new Client({ connectionString: pgUrl });
      await admin.connect();
      for (const name of dbs) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }, 120_000);

    /** The Engagement fields of every Account (but when they were computed). */
    const accountFields = (emu: Emulator) =>
      Object.fromEntries(
        [...emu.store.all('Account')].map((a) => [
          String(a.Id),
          Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('Engagement_') && k !== SCORED_AT)),
        ]),
      );
    const rows = async (db: Db, sql: string, org: string) =>
      (await db.query<Record<string, unknown>>(sql, [org])).rows.map((x) => JSON.stringify(x));
    const SNAPSHOTS = 'SELECT * FROM snapshots WHERE org_id = $1 ORDER BY model_version, account_id, day';
    const WRITTEN = `SELECT account_id, field, CASE WHEN field = '${SCORED_AT}' THEN NULL ELSE value END AS value
       FROM written_values WHERE org_id = $1 ORDER BY account_id, field`;

    it('a pooled worker was killed with SIGKILL in the middle of a run, and the other resumed its job', async () => {
      expect(killedPid).toBeGreaterThan(0);
      const killed = workers.find((w) => w.child.pid === killedPid)!;
      expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const runs = await poolDb.query<{ status: string; interrupted: boolean; pid: string }>(
        `SELECT status, errors @> '[{"code":"RUN_INTERRUPTED"}]' AS interrupted, state->>'pid' AS pid
           FROM runs WHERE org_id = $1 AND kind = 'daily' AND state->>'scheduledFor' = $2 ORDER BY id`,
        [killedOrg, slot],
      );
      const survivor = workers.find((w) => w !== killed && w !== workers[0])!;
      expect(runs.rows).toEqual([
        { status: 'failed', interrupted: true, pid: String(killedPid) },
        { status: 'succeeded', interrupted: false, pid: String(survivor.child.pid) },
      ]);
    });

    it.each(ORGS)(
      'org %s ends as a clean single-worker run leaves it: Account fields, snapshots, written values',
      async (org) => {
        expect(accountFields(pooled.get(org)!)).toEqual(accountFields(clean.get(org)!));
        const snapshots = await rows(poolDb, SNAPSHOTS, org);
        expect(snapshots.length).toBeGreaterThan(ACCOUNTS);
        expect(snapshots).toEqual(await rows(cleanDb, SNAPSHOTS, org));
        expect(await rows(poolDb, WRITTEN, org)).toEqual(await rows(cleanDb, WRITTEN, org));
      },
    );

    it('no org ran twice for the slot, in the pool or alone', async () => {
      expect(new Set(queuedTwice).size).toBe(ORGS.length + 1);
      expect(queuedTwice).toHaveLength(ORGS.length + 1);
      for (const db of [cleanDb, poolDb]) {
        const r = await db.query<{ org_id: string; n: number }>(
          `SELECT org_id, count(*)::int AS n FROM runs WHERE kind = 'daily' AND status IN ('succeeded', 'partial')
             AND state->>'scheduledFor' = $1 GROUP BY org_id ORDER BY org_id`,
          [slot],
        );
        expect(r.rows).toEqual(ORGS.map((org_id) => ({ org_id, n: 1 })));
      }
    });

    it('the broken org failed on its own, after every other org had finished', async () => {
      expect(brokenAnsweredAfter).toEqual([...ORGS].sort());
      const r = await poolDb.query<{ status: string; code: string }>(
        `SELECT status, errors->-1->>'code' AS code FROM runs WHERE org_id = $1 AND kind = 'daily'
           AND state->>'scheduledFor' = $2 AND status <> 'running' ORDER BY id DESC LIMIT 1`,
        [BROKEN, slot],
      );
      expect(r.rows[0]?.status).toBe('failed');
    });
  });
}
