/**
 * `npm run bench:backtest [-- --accounts N --people N --events N --opportunities N --runs N --keep]`
 * Writes a seeded synthetic export (default 100k accounts / 500k people / 5M events / 10k opportunities,
 * over the 180 days before 2026-11-20; writing it is not timed) and runs the real command on it,
 * `pulse backtest --data DIR --as-of 2026-08-22` (90 days before the end, the default 90-day horizon),
 * several times, each in a process of its own under GNU time: wall time and peak RSS of the whole command
 * (load the CSV into its private in-memory store, score as of the day, measure). Prints the runs, their
 * medians and the 1-minute load average around each, and writes JSON to .bench/.
 */
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { ACTIVITY_URLS, activityPicker, rng } from './generate';

const END = '2026-11-20';
const AS_OF = '2026-08-22';
const ROOT = resolve(__dirname, '../..');
const PULSE = join(ROOT, 'packages/server/bin/pulse.cjs');

/** Sizes of the synthetic export. */
interface Size {
  accounts: number;
  people: number;
  events: number;
  opportunities: number;
}

interface Run {
  seconds: number;
  peakRssMb: number;
  loadAvg: [number, number];
}

const TITLES = [
  'Chief Marketing Officer',
  'VP Marketing',
  'Marketing Ops Manager',
  'Marketing Analyst',
  'IT Director',
  'CISO',
  'Controller',
  'Intern',
];
const INDUSTRIES = ['Software', 'Retail', 'Finance', 'Healthcare', ''];

const say = (msg: string): void => void process.stdout.write(`${msg}\n`);
const accountId = (i: number): string => `A${String(i).padStart(7, '0')}`;
const personId = (i: number): string => `P${String(i).padStart(8, '0')}`;
const day = (ms: number): string => new Date(ms).toISOString();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Writes a header and the generated lines to `file`, waiting when the stream's buffer is full (constant memory). */
async function writeLines(file: string, header: string, lines: Iterable<string>): Promise<void> {
  const out: WriteStream = createWriteStream(file);
  let chunk: string[] = [header];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length < 10_000) continue;
    if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
    chunk = [];
  }
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}

/**
 * The export: busy accounts are few (activity skewed by the square of a uniform draw, as the scoring
 * bench does), and opportunities lean toward the busy ones (half of them), so the backtest has signal.
 */
async function writeExport(dir: string, size: Size): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const rand = rng(42);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pickType = activityPicker(rand);
  await writeLines(
    join(dir, 'accounts.csv'),
    'id,name,domain,industry,employees',
    (function* () {
      for (let i = 0; i < size.accounts; i++) {
        const id = accountId(i);
        yield `${id},${id},${id.toLowerCase()}.example,${pick(INDUSTRIES)},${Math.floor(rand() * 5000)}`;
      }
    })(),
  );
  say(`  wrote ${size.accounts} accounts`);
  await writeLines(
    join(dir, 'people.csv'),
    'id,accountId,email,name,title,department',
    (function* () {
      for (let i = 0; i < size.people; i++) {
        const id = personId(i);
        const acct = accountId(i % size.accounts);
        yield `${id},${acct},${id.toLowerCase()}@${acct.toLowerCase()}.example,${id},${pick(TITLES)},`;
      }
    })(),
  );
  say(`  wrote ${size.people} people`);
  const end = Date.parse(`${END}T23:59:59Z`);
  const span = 180 * 86_400_000;
  await writeLines(
    join(dir, 'events.csv'),
    'id,type,occurredAt,personId,accountId,domain,url,quantity,strength',
    (function* () {
      for (let k = 0; k < size.events; k++) {
        const type = pickType();
        const p = Math.floor(Math.pow(rand(), 2) * size.people);
        const personLess = type === 'ad_impression' || type === 'intent';
        const url = type === 'web_visit' ? pick(ACTIVITY_URLS) : '';
        const qty = type === 'ad_impression' ? 1 + Math.floor(rand() * 20) : '';
        const strength = type === 'intent' ? 50 + Math.floor(rand() * 50) : '';
        const when = day(end - Math.floor(rand() * span));
        yield `E${k},${type},${when},${personLess ? '' : personId(p)},${accountId(p % size.accounts)},,${url},${qty},${strength}`;
      }
    })(),
  );
  say(`  wrote ${size.events} events`);
  await writeLines(
    join(dir, 'opportunities.csv'),
    'id,accountId,createdAt,closedAt,stage,amount,isWon,type',
    (function* () {
      for (let i = 0; i < size.opportunities; i++) {
        const a =
          rand() < 0.5
            ? Math.floor(Math.pow(rand(), 2) * size.people) % size.accounts
            : Math.floor(rand() * size.accounts);
        const created = end - Math.floor(rand() * span);
        const closed = created + (30 + Math.floor(rand() * 90)) * 86_400_000;
        const isClosed = closed <= end && rand() < 0.7;
        const won = isClosed && rand() < 0.4;
        yield `O${i},${accountId(a)},${day(created)},${isClosed ? day(closed) : ''},${isClosed ? (won ? 'Closed Won' : 'Closed Lost') : 'Prospecting'},${10_000 + Math.floor(rand() * 90_000)},${won},New Business`;
      }
    })(),
  );
  say(`  wrote ${size.opportunities} opportunities`);
}

/** One run of `pulse backtest --data DIR` in its own process under GNU time (`%e` wall s, `%M` peak RSS KB). */
async function runOnce(dir: string, out: string): Promise<Run> {
  const timeFile = join(dir, '..', 'time.txt');
  const before = loadavg()[0]!;
  const proc = spawn(
    '/usr/bin/time',
    ['-f', '%e %M', '-o', timeFile, process.execPath, PULSE, 'backtest', '--data', dir, '--as-of', AS_OF, '--out', out],
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT },
  );
  const [code] = (await once(proc, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`pulse backtest exited with ${code}`);
  const [seconds, kb] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return { seconds: seconds!, peakRssMb: Math.round(kb! / 1024), loadAvg: [before, loadavg()[0]!] };
}

async function main(): Promise<void> {
  const o = new Command('bench-backtest')
    .option('--accounts <n>', 'accounts', '100000')
    .option('--people <n>', 'people', '500000')
    .option('--events <n>', 'events', '5000000')
    .option('--opportunities <n>', 'opportunities', '10000')
    .option('--runs <n>', 'timed runs', '3')
    .option('--keep', 'keep the export in .bench/ after')
    .parse(process.argv)
    .opts<Record<'accounts' | 'people' | 'events' | 'opportunities' | 'runs', string> & { keep?: boolean }>();
  const size: Size = {
    accounts: Number(o.accounts),
    people: Number(o.people),
    events: Number(o.events),
    opportunities: Number(o.opportunities),
  };
  const base = join(ROOT, '.bench', `backtest-${process.pid}`);
  const dir = join(base, 'data');
  say(`writing the export (${JSON.stringify(size)}) to ${dir} (not timed)`);
  await writeExport(dir, size);
  const runs: Run[] = [];
  let result: unknown;
  try {
    for (let r = 0; r < Number(o.runs); r++) {
      const out = join(base, 'backtest.json');
      const run = await runOnce(dir, out);
      runs.push(run);
      result = JSON.parse(readFileSync(out, 'utf8'));
      say(
        `  run ${r + 1}: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb} MB, load ${run.loadAvg[0].toFixed(2)} → ${run.loadAvg[1].toFixed(2)}`,
      );
    }
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  const { accounts, positives, auc, topDecileLift } = result as Record<string, number>;
  const summary = {
    command: `pulse backtest --data DIR --as-of ${AS_OF}`,
    size,
    backtest: { accounts, positives, auc, topDecileLift },
    runs,
    medianSeconds: median(runs.map((r) => r.seconds)),
    medianPeakRssMb: median(runs.map((r) => r.peakRssMb)),
    cpus: (await import('node:os')).cpus().length,
  };
  say(`median ${summary.medianSeconds.toFixed(1)} s, peak RSS ${summary.medianPeakRssMb} MB over ${runs.length} runs`);
  const file = join(ROOT, '.bench', `backtest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  say(`wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
