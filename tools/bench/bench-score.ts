/**
 * `npm run bench:score -- [--accounts 10000] [--events 500000] [--runs 3] [--only pglite|postgres]
 * [--pulse PATH] [--label NAME] [--args "--history"]`: times `pulse score` as a user runs it — a child
 * process, end to end (load the CSV export, calibrate, score, print) — on PGlite and on Postgres
 * (DATABASE_URL, default the machine's; a throw-away database per run). Reports the median wall time,
 * the peak RSS (`/usr/bin/time`'s maximum resident set size of the child), the 1-minute load average
 * before and after each run, and the SHA-256 of what was printed (the same bytes give the same hash).
 * `--pulse` points at another checkout's `packages/server/bin/pulse.cjs` to measure the code before.
 * The export is generated once per size under .bench/ (tools/bench/exportCsv.ts).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { writeExport } from './exportCsv';

const AS_OF = '2026-11-24';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** One timed run of the command. */
interface Run {
  seconds: number;
  peakRssMb: number;
  /** User + system CPU seconds of the command's process (with PGlite the database's work is in it). */
  cpuSeconds: number;
  loadBefore: number;
  loadAfter: number;
  sha256: string;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex').slice(0, 16);
}

/** Runs `pulse score` once under /usr/bin/time, stdout to a file. */
async function timeOnce(pulse: string, data: string, env: NodeJS.ProcessEnv, extra: string[], out: string) {
  const timeFile = `${out}.time`;
  const loadBefore = loadavg()[0]!;
  const t0 = performance.now();
  const code = await new Promise<number>((done, fail) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%M %U %S', '-o', timeFile, process.execPath, pulse, 'score', '--data', data, '--as-of', AS_OF, ...extra],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const sink = createWriteStream(out);
    child.stdout.pipe(sink);
    child.on('error', fail);
    child.on('close', (c) => done(c ?? 1));
  });
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`pulse score exited with ${code}`);
  const [peakKb, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return {
    seconds,
    peakRssMb: Math.round(peakKb! / 1024),
    cpuSeconds: user! + sys!,
    loadBefore,
    loadAfter: loadavg()[0]!,
    sha256: await sha256(out),
  };
}

/** A fresh database on the Postgres of `url` for one run; dropped after. */
async function withDatabase<T>(url: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `pulse_bench_score_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    return await use(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const accounts = Number(arg('accounts', '10000'));
  const events = Number(arg('events', '500000'));
  const runs = Number(arg('runs', '3'));
  const only = arg('only', '');
  const label = arg('label', 'this checkout');
  const pulse = resolve(arg('pulse', join(__dirname, '..', '..', 'packages', 'server', 'bin', 'pulse.cjs')));
  const extra = arg('args', '').split(' ').filter(Boolean);
  const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const bench = join(__dirname, '..', '..', '.bench');
  const data = join(bench, `export-${accounts}-${events}`);
  if (!existsSync(join(data, 'events.csv'))) {
    console.error(`generating ${accounts} accounts / ${events} events into ${data}`);
    await writeExport(data, { accounts, events, asOf: AS_OF });
  }
  mkdirSync(bench, { recursive: true });
  const out = join(bench, `score-out-${process.pid}`);
  const stores = (['pglite', 'postgres'] as const).filter((s) => !only || s === only);
  const results: { store: string; runs: Run[] }[] = [];
  for (const store of stores) {
    const list: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const env = { ...process.env };
      delete env.DATABASE_URL;
      const r =
        store === 'postgres'
          ? await withDatabase(pgUrl, (url) => timeOnce(pulse, data, { ...env, DATABASE_URL: url }, extra, out))
          : await timeOnce(pulse, data, env, extra, out);
      console.error(
        `${store} run ${i + 1}: ${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s), peak RSS ${r.peakRssMb} MB, load ${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)}, output ${r.sha256}`,
      );
      list.push(r);
    }
    results.push({ store, runs: list });
  }
  rmSync(out, { force: true });
  rmSync(`${out}.time`, { force: true });
  console.log(`\n${label}: pulse score ${extra.join(' ')} at ${accounts} accounts / ${events} events\n`);
  console.log(
    '| store | median | runs | CPU of the command (median) | peak RSS (max) | load avg (1 min, before → after) | output sha256 |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { store, runs: rs } of results) {
    const secs = rs.map((r) => r.seconds);
    const loads = rs.map((r) => `${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)}`).join(', ');
    console.log(
      `| ${store} | ${median(secs).toFixed(1)} s | ${secs.map((s) => s.toFixed(1)).join(', ')} | ${median(rs.map((r) => r.cpuSeconds)).toFixed(1)} s | ${Math.max(...rs.map((r) => r.peakRssMb))} MB | ${loads} | ${[...new Set(rs.map((r) => r.sha256))].join(', ')} |`,
    );
  }
  const file = join(bench, `bench-score-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ label, pulse, accounts, events, extra, results }, null, 2)}\n`);
  console.log(`\n(${file})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
