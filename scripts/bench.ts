/**
 * `npm run bench [-- --accounts N --events N --people N --runs N --only pglite|postgres]`
 * Generates a synthetic org (default 100k accounts / 500k people / 5M events; loading is not timed),
 * then measures, as medians of several runs, one-day scoring (reduce + finish + snapshot write) and the
 * 90-day back-fill on PGlite (on disk) and on Postgres (DATABASE_URL or the local test database, in a
 * throw-away schema), the back-fill ÷ one-day ratio and peak RSS. Prints a table and writes JSON to .bench/.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { openDb, type Db } from '../server/src/store/db';
import { migrate } from '../server/src/store/migrate';
import { DEFAULT_MODEL } from '../server/src/model/defaults';
import { calibrateReferences, scoreAndStoreDay } from '../server/src/scoring/engine';
import { backfill } from '../server/src/scoring/backfill';
import { generateOrg } from './bench/generate';

const AS_OF = '2026-11-20';
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

async function benchOne(
  name: string,
  db: Db,
  size: { accounts: number; people: number; events: number },
  runs: number,
  withBackfill: boolean,
) {
  await migrate(db);
  const [loadSeconds] = await timed(() =>
    generateOrg(db, ORG, size, AS_OF, 42, (what, done) => {
      if (done % 500_000 === 0 || done === size[what as keyof typeof size]) say(`  ${name}: loaded ${done} ${what}`);
    }),
  );
  say(`  ${name}: load ${loadSeconds.toFixed(1)} s`);
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
  const result: Result = {
    db: name,
    ...size,
    loadSeconds,
    oneDaySeconds: oneDay,
    backfillSeconds: fill,
    oneDayMedian: median(oneDay),
    backfillMedian: fill.length ? median(fill) : NaN,
    ratio: fill.length ? median(fill) / median(oneDay) : NaN,
    scoredAccounts: scored,
    snapshots,
    peakRssMb: peakRssMb(),
    loadAvg: [loadBefore, loadavg()[0]!],
  };
  return result;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--accounts <n>', 'accounts', '100000')
    .option('--people <n>', 'people (default 5 × accounts)')
    .option('--events <n>', 'events', '5000000')
    .option('--runs <n>', 'timed runs per measure (median reported)', '3')
    .option('--only <db>', 'pglite or postgres')
    .option('--no-backfill', 'measure one-day scoring only (the 90-day back-fill writes ~90 × accounts rows)')
    .parse(process.argv)
    .opts<{ accounts: string; people?: string; events: string; runs: string; only?: string; backfill: boolean }>();
  const accounts = Number(opts.accounts);
  const size = { accounts, people: Number(opts.people ?? accounts * 5), events: Number(opts.events) };
  const runs = Number(opts.runs);
  const results: Result[] = [];
  mkdirSync('.bench', { recursive: true });

  if (opts.only !== 'postgres') {
    const dir = join('.bench', `pglite-${randomBytes(4).toString('hex')}`);
    say(`PGlite (${dir})`);
    const db = await openDb({ dataDir: dir });
    try {
      results.push(await benchOne('pglite', db, size, runs, opts.backfill));
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (opts.only !== 'pglite') {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    let db: Db | null = null;
    try {
      db = await openDb({ url, schema });
      await db.query('SELECT 1');
    } catch (e) {
      say(`Postgres not reachable at ${url}: ${(e as Error).message}; skipped`);
      db = null;
    }
    if (db) {
      say(`Postgres (${schema})`);
      try {
        results.push(await benchOne('postgres', db, size, runs, opts.backfill));
      } finally {
        await db.exec(`DROP SCHEMA ${schema} CASCADE`);
        await db.close();
      }
    }
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
