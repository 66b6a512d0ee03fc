/**
 * Worker-pool benchmark (issue 18, target 3): the daily run of many orgs (default 50 × 2,000
 * accounts, each its own generated org on its own Salesforce emulator) through the pg-boss pool,
 * with 1 and with 2 `pulse worker` processes. Each measurement starts from fresh emulators and a
 * fresh PostgreSQL database (the machine's, from DATABASE_URL), starts the workers, queues one slot
 * for every org and times until every org's run has finished. It prints, per worker count, the
 * median wall time over the repeats, the median run duration, the load average at start and end,
 * and the 1-worker / 2-worker ratio.
 * Usage: npm run bench:pool [-- --orgs 50 --accounts 2000 --repeat 3 --hosts 2 --concurrency 2]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { generateOrg, type GeneratedOrg } from '@pulse/sandbox/src/generator';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { migrate } from '@pulse/server/src/store/migrate';
import { saveConnection } from '@pulse/server/src/store/connections';
import { enqueueSlot, openQueue, readPoolSettings } from '@pulse/server/src/run/pool';

const root = join(__dirname, '../..');
const SECRET = 'bench-pool-secret-key-0123456789abcdef';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** What an emulator host sends back: each org's sign-in. */
interface HostOrg {
  orgId: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * An emulator host (a child process, so the emulators' CPU and memory are not the bench's): it
 * generates its orgs once and, at every "fresh" message, serves each from a new emulator on the same
 * clock instant, so every measurement starts from the same Salesforce state.
 */
async function host(): Promise<void> {
  const orgIds = JSON.parse(process.env.BENCH_ORGS!) as string[];
  const accounts = Number(process.env.BENCH_ACCOUNTS);
  const base = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:01Z`).getTime();
  const generated = new Map<string, GeneratedOrg>(
    orgIds.map((id, i) => [id, generateOrg({ accounts, seed: 1000 + i, now: new Date(base), days: 180 })]),
  );
  let emus: Emulator[] = [];
  process.on('message', async (m: { kind: 'fresh' | 'close' }) => {
    for (const e of emus) await e.close();
    emus = [];
    if (m.kind === 'close') process.exit(0);
    const out: HostOrg[] = [];
    for (const orgId of orgIds) {
      let started = 0;
      const emu = await startEmulator({
        org: generated.get(orgId)!,
        now: () => new Date(base + (started ? Date.now() - started : 0)),
        forceAppDir: join(root, 'force-app'),
      });
      started = Date.now();
      emus.push(emu);
      out.push({ orgId, loginUrl: emu.loginUrl, clientId: emu.clientId, clientSecret: emu.clientSecret });
    }
    process.send!(out);
  });
  process.send!('ready');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message as object);
  });
}

/** Starts a `pulse worker` in its own process group; resolves once it logged "worker started". */
function startWorker(env: Record<string, string>, orgs: string[]): Promise<ChildProcess> {
  const child = spawn('node', ['packages/server/bin/pulse.cjs', 'worker', '--org', ...orgs], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('"msg":"worker started"')) resolve(child);
      if (log.length > 100_000) log = log.slice(-50_000);
    });
    child.once('exit', (code) => reject(new Error(`pulse worker exited (${code}):\n${log.slice(-3000)}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

interface Measured {
  workers: number;
  wallMs: number;
  runMedianMs: number;
  statuses: Record<string, number>;
  loadStart: number;
  loadEnd: number;
}

async function measure(
  workers: number,
  hosts: ChildProcess[],
  orgs: string[],
  pgUrl: string,
  n: number,
  concurrency: number,
): Promise<Measured> {
  const signIns = (await Promise.all(hosts.map((h) => ask<HostOrg[]>(h, { kind: 'fresh' })))).flat();
  const name = `bench_pool_${process.pid}_${n}`;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  let db: Db | null = null;
  const children: ChildProcess[] = [];
  try {
    db = await openDb({ url: url.toString() });
    await migrate(db);
    for (const s of signIns) {
      await saveConnection(db, s.orgId, { kind: 'client_credentials', ...s }, SECRET);
    }
    const env = {
      DATABASE_URL: url.toString(),
      PULSE_SECRET_KEY: SECRET,
      PULSE_RUN_AT: '0 3 1 1 *',
      PULSE_WORKER_CONCURRENCY: String(concurrency),
      PULSE_RUN_RETRY_SECONDS: '2',
    };
    for (let i = 0; i < workers; i++) children.push(await startWorker(env, orgs));
    const settings = readPoolSettings({});
    const boss = await openQueue(url.toString(), settings, { workers: 0 });
    const slot = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const loadStart = loadavg()[0]!;
    const t0 = performance.now();
    await enqueueSlot(boss, orgs, slot);
    await boss.stop({ graceful: false });
    for (;;) {
      const r = await db.query<{ n: number }>(
        `SELECT count(DISTINCT org_id)::int AS n FROM runs WHERE kind = 'daily' AND state->>'scheduledFor' = $1
           AND status IN ('succeeded', 'partial', 'failed')`,
        [slot],
      );
      if (r.rows[0]!.n >= orgs.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const wallMs = performance.now() - t0;
    const loadEnd = loadavg()[0]!;
    const runs = await db.query<{ status: string; ms: number }>(
      `SELECT status, (state->>'durationMs')::int AS ms FROM runs WHERE kind = 'daily' AND state->>'scheduledFor' = $1
         AND status <> 'running'`,
      [slot],
    );
    const statuses: Record<string, number> = {};
    for (const r of runs.rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    return {
      workers,
      wallMs,
      runMedianMs: median(runs.rows.filter((r) => r.ms !== null).map((r) => r.ms)),
      statuses,
      loadStart,
      loadEnd,
    };
  } finally {
    for (const c of children) await stopWorker(c);
    await db?.close();
    // Without FORCE: every connection is closed by now, and a forced drop would kill a straggler's
    // pool (an unhandled error) instead of saying so.
    await admin
      .query(`DROP DATABASE IF EXISTS ${name}`)
      .catch((e: unknown) => console.error(`not dropped: ${name}: ${String(e)}`));
    await admin.end();
  }
}

async function main(): Promise<void> {
  const orgCount = arg('orgs', 50);
  const accounts = arg('accounts', 2000);
  const repeat = arg('repeat', 3);
  const hostCount = Math.min(arg('hosts', 2), orgCount);
  const concurrency = arg('concurrency', 2);
  const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const orgs = Array.from({ length: orgCount }, (_, i) => `bench-${String(i + 1).padStart(2, '0')}`);
  const hosts = Array.from({ length: hostCount }, (_, h) =>
    fork(__filename, ['--host'], {
      execArgv: ['-r', 'tsx/cjs'],
      env: {
        ...process.env,
        BENCH_ORGS: JSON.stringify(orgs.filter((_, i) => i % hostCount === h)),
        BENCH_ACCOUNTS: String(accounts),
      },
    }),
  );
  await Promise.all(hosts.map((h) => new Promise((resolve) => h.once('message', resolve))));
  console.log(
    `bench:pool — ${orgCount} orgs × ${accounts} accounts, ${concurrency} runs at once per worker, ${repeat} repeat(s), emulators in ${hostCount} processes`,
  );
  const results: Measured[] = [];
  let n = 0;
  try {
    for (let r = 0; r < repeat; r++) {
      for (const workers of [1, 2]) {
        const m = await measure(workers, hosts, orgs, pgUrl, n++, concurrency);
        results.push(m);
        console.log(
          `  repeat ${r + 1}, ${workers} worker(s): ${(m.wallMs / 1000).toFixed(1)} s wall, run median ${(m.runMedianMs / 1000).toFixed(1)} s, runs ${JSON.stringify(m.statuses)}, load ${m.loadStart.toFixed(2)} → ${m.loadEnd.toFixed(2)}`,
        );
      }
    }
  } finally {
    await Promise.all(
      hosts.map(
        (h) =>
          new Promise((resolve) => {
            h.once('exit', resolve);
            h.send({ kind: 'close' });
          }),
      ),
    );
  }
  console.log('\n| workers | wall (median) | run duration (median) | load avg (1 min) at start → end, medians |');
  console.log('| --- | --- | --- | --- |');
  const wall: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const ms = results.filter((m) => m.workers === workers);
    wall[workers] = median(ms.map((m) => m.wallMs));
    console.log(
      `| ${workers} | ${(wall[workers]! / 1000).toFixed(1)} s | ${(median(ms.map((m) => m.runMedianMs)) / 1000).toFixed(1)} s | ${median(ms.map((m) => m.loadStart)).toFixed(2)} → ${median(ms.map((m) => m.loadEnd)).toFixed(2)} |`,
    );
  }
  console.log(`\n1 worker / 2 workers wall-time ratio: ${(wall[1]! / wall[2]!).toFixed(2)}×`);
}

if (process.argv.includes('--host')) {
  void host();
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
