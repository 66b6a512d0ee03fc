/**
 * `npm run bench [-- --accounts N --events N --people N --runs N --only pglite|postgres|citus] [--citus [URL]]`
 * Generates a synthetic org (default 100k accounts / 500k people / 5M events; loading is not timed),
 * then measures, as medians of several runs, one-day scoring (reduce + finish + snapshot write) and the
 * 90-day back-fill on PGlite (on disk) and on Postgres (DATABASE_URL or the local test database, in a
 * throw-away schema) and, with --citus, on a Citus coordinator (tables distributed by org_id), the back-fill ÷
 * one-day ratio and peak RSS. Prints a table and writes JSON to .bench/.
 * The timed runs happen in a child process of their own, so its peak RSS is the scoring's, not the
 * generator's (with PGlite, loading 5M events grows the WASM heap in the loading process).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { migrate } from '@pulse/server/src/store/migrate';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';
import { calibrateReferences } from '@pulse/server/src/engine/engine';
import { scoreAndStoreDay } from '@pulse/server/src/engine/day';
import { backfill } from '@pulse/server/src/engine/backfill';
import { generateOrg } from './generate';

const AS_OF = '2026-11-20';
/** Marks the measuring child's result line among its progress lines. */
const RESULT = 'RESULT ';
const ORG = 'bench';

interface Result {
  db: string;
  accounts: number;
  people: number;
  events: number;
  loadSeconds: number;
  oneDaySeconds: number[];
  backfillSeconds: number[];
  oneDayMedian: number;
  backfillMedian: number;
  ratio: number;
  scoredAccounts: number;
  snapshots: number;
  peakRssMb: number;
  /** 1-minute load average at the start and end of the timed runs (the machine is shared: read times with it). */
  loadAvg: [number, number];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes; PGlite's WASM heap lives in this process too, so it is included.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function say(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  global.gc?.();
  const t = process.hrtime.bigint();
  const out = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e9, out];
}

type Size = { accounts: number; people: number; events: number };

/** Where a bench database lives: a PGlite directory or a Postgres schema. */
type Target = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string; schema: string };

function open(target: Target): Promise<Db> {
  return target.kind === 'pglite'
    ? openDb({ dataDir: target.dir })
    : openDb({ url: target.url, schema: target.schema });
}

/** Generates the org into the target (untimed) and returns the load time. */
async function load(name: string, target: Target, size: Size): Promise<number> {
  const db = await open(target);
  try {
    await migrate(db);
    const [seconds] = await timed(() =>
      generateOrg(db, ORG, size, AS_OF, 42, (what, done) => {
        if (done % 500_000 === 0 || done === size[what as keyof Size]) say(`  ${name}: loaded ${done} ${what}`);
      }),
    );
    say(`  ${name}: load ${seconds.toFixed(1)} s`);
    return seconds;
  } finally {
    await db.close();
  }
}

/** The timed runs, in this (child) process: one-day scoring, then the back-fill. */
async function measure(name: string, target: Target, runs: number, withBackfill: boolean) {
  const db = await open(target);
  try {
    const model = DEFAULT_MODEL;
    const references = await calibrateReferences(db, ORG, model, AS_OF);
    const loadBefore = loadavg()[0]!;
    const oneDay: number[] = [];
    const fill: number[] = [];
    let scored = 0;
    let snapshots = 0;
    for (let r = 0; r < runs; r++) {
      const [t1, accounts] = await timed(() => scoreAndStoreDay(db, { orgId: ORG, model, references, asOf: AS_OF }));
      oneDay.push(t1);
      scored = accounts;
      say(`  ${name}: one day ${t1.toFixed(2)} s (${scored} accounts), rss ${peakRssMb()} MB`);
    }
    for (let r = 0; r < (withBackfill ? runs : 0); r++) {
      const [t2, out] = await timed(() => backfill(db, { orgId: ORG, model, references, toDay: AS_OF, days: 90 }));
      fill.push(t2);
      snapshots = out.snapshots;
      say(`  ${name}: back-fill ${t2.toFixed(2)} s (${snapshots} snapshots), rss ${peakRssMb()} MB`);
    }
    return {
      oneDaySeconds: oneDay,
      backfillSeconds: fill,
      scoredAccounts: scored,
      snapshots,
      peakRssMb: peakRssMb(),
      loadAvg: [loadBefore, loadavg()[0]!] as [number, number],
    };
  } finally {
    await db.close();
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;

/** Loads the target, then runs `measure` in a child process and reads its result. */
async function benchOne(name: string, target: Target, size: Size, runs: number, withBackfill: boolean) {
  const loadSeconds = await load(name, target, size);
  const args = [
    '--expose-gc',
    '-r',
    'tsx/cjs',
    __filename,
    '--measure',
    JSON.stringify({ name, target, runs, withBackfill }),
  ];
  // The child's progress lines show as they come; its result is the line marked RESULT.
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let resultLine = '';
  for await (const line of createInterface({ input: proc.stdout })) {
    if (line.startsWith(RESULT)) resultLine = line.slice(RESULT.length);
    else say(line);
  }
  const code = await new Promise<number | null>((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`${name}: the measuring process exited with ${code}`);
  if (!resultLine) throw new Error(`${name}: the measuring process printed no result`);
  const m = JSON.parse(resultLine) as Measured;
  const result: Result = {
    db: name,
    ...size,
    loadSeconds,
    oneDaySeconds: m.oneDaySeconds,
    backfillSeconds: m.backfillSeconds,
    oneDayMedian: median(m.oneDaySeconds),
    backfillMedian: m.backfillSeconds.length ? median(m.backfillSeconds) : NaN,
    ratio: m.backfillSeconds.length ? median(m.backfillSeconds) / median(m.oneDaySeconds) : NaN,
    scoredAccounts: m.scoredAccounts,
    snapshots: m.snapshots,
    peakRssMb: m.peakRssMb,
    loadAvg: m.loadAvg,
  };
  return result;
}

/** Benches a Postgres server (plain or a Citus coordinator) in a throw-away schema; null when it is not reachable. */
async function benchServer(
  name: string,
  url: string,
  size: Size,
  runs: number,
  withBackfill: boolean,
): Promise<Result | null> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  let db: Db;
  try {
    db = await openDb({ url, schema });
    await db.query('SELECT 1');
  } catch (e) {
    say(`${name}: not reachable at ${url}: ${(e as Error).message}; skipped`);
    return null;
  }
  say(`${name} (${schema})`);
  try {
    return await benchOne(name, { kind: 'postgres', url, schema }, size, runs, withBackfill);
  } finally {
    await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--measure');
  if (child > 0) {
    const job = JSON.parse(process.argv[child + 1]!) as {
      name: string;
      target: Target;
      runs: number;
      withBackfill: boolean;
    };
    const m = await measure(job.name, job.target, job.runs, job.withBackfill);
    say(`${RESULT}${JSON.stringify(m)}`);
    return;
  }
  const opts = new Command()
    .option('--accounts <n>', 'accounts', '100000')
    .option('--people <n>', 'people (default 5 × accounts)')
    .option('--events <n>', 'events', '5000000')
    .option('--runs <n>', 'timed runs per measure (median reported)', '3')
    .option('--only <db>', 'pglite, postgres or citus')
    .option('--citus [url]', 'also on a Citus coordinator (default postgres://postgres@127.0.0.1:5433/citus)')
    .option('--no-backfill', 'measure one-day scoring only (the 90-day back-fill writes ~90 × accounts rows)')
    .parse(process.argv)
    .opts<{
      accounts: string;
      people?: string;
      events: string;
      runs: string;
      only?: string;
      citus?: string | boolean;
      backfill: boolean;
    }>();
  const accounts = Number(opts.accounts);
  const size = { accounts, people: Number(opts.people ?? accounts * 5), events: Number(opts.events) };
  const runs = Number(opts.runs);
  const results: Result[] = [];
  mkdirSync('.bench', { recursive: true });

  if (!opts.only || opts.only === 'pglite') {
    const dir = join('.bench', `pglite-${randomBytes(4).toString('hex')}`);
    say(`PGlite (${dir})`);
    try {
      results.push(await benchOne('pglite', { kind: 'pglite', dir }, size, runs, opts.backfill));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (opts.only !== 'pglite' && opts.only !== 'citus') {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const r = await benchServer('postgres', url, size, runs, opts.backfill);
    if (r) results.push(r);
  }
  // Citus (docs/citus.md): the same figures with the tables distributed by org_id across the workers.
  if (opts.citus || opts.only === 'citus') {
    const url = typeof opts.citus === 'string' ? opts.citus : 'postgres://postgres@127.0.0.1:5433/citus';
    const r = await benchServer('citus', url, size, runs, opts.backfill);
    if (r) results.push(r);
  }

  say('');
  say(
    '| db | accounts | people | events | one day (median s) | back-fill 90 d (median s) | ratio | scored | peak RSS MB | load avg |',
  );
  say('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    say(
      `| ${r.db} | ${r.accounts} | ${r.people} | ${r.events} | ${r.oneDayMedian.toFixed(2)} | ${r.backfillMedian.toFixed(2)} | ${r.ratio.toFixed(1)} | ${r.scoredAccounts} | ${r.peakRssMb} | ${r.loadAvg.map((l) => l.toFixed(1)).join(' → ')} |`,
    );
  }
  const file = join('.bench', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ asOf: AS_OF, model: DEFAULT_MODEL.version, results }, null, 2));
  say(`\nwritten ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
