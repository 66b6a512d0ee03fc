/**
 * Emulator benchmarks (issue 4):
 *  1. records/s of a 1M-row Bulk API 2.0 query streamed through jsforce 3 (`conn.bulk2.query`);
 *  2. the emulator's peak RSS holding a 100k-account generated org.
 * Each runs the emulator in its own child process so client work and memory do not mix.
 * Usage: npm run bench:emulator [-- --rows 1000000 --accounts 100000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Connection } from 'jsforce';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { SOBJECTS } from '@pulse/sandbox/src/generator/types';

interface Ready {
  type: 'ready';
  instanceUrl: string;
  token: string;
  loadMs: number;
  records: Record<string, number>;
}
interface Stats {
  type: 'stats';
  rssMb: number;
  maxRssMb: number;
  heapUsedMb: number;
}
type Msg = Ready | Stats;

const NOW = new Date('2026-11-24T12:00:00.000Z');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function stats(): Stats {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const m = process.memoryUsage();
  return {
    type: 'stats',
    rssMb: mb(m.rss),
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    heapUsedMb: mb(m.heapUsed),
  };
}

/** Child: 1M synthetic Task rows (compact records, realistic field mix). */
async function serveQuery(rows: number): Promise<void> {
  const emu = await startEmulator({ now: () => NOW, forceAppDir: null });
  const t0 = Date.now();
  const acc = emu.store.insert('Account', { Name: 'Bench Account' });
  const base = NOW.getTime() - 180 * 86_400_000;
  const BATCH = 50_000;
  for (let at = 0; at < rows; at += BATCH) {
    const batch = [];
    for (let i = at; i < Math.min(rows, at + BATCH); i++) {
      const when = new Date(base + (i % 180) * 86_400_000 + (i % 86_400) * 1000).toISOString().replace('Z', '+0000');
      batch.push({
        Subject: i % 3 === 0 ? 'Call' : 'Email',
        TaskSubtype: i % 3 === 0 ? 'Call' : 'Email',
        Status: 'Completed',
        ActivityDate: when.slice(0, 10),
        WhatId: acc.Id,
        CallDurationInSeconds: i % 3 === 0 ? i % 900 : null,
        CreatedDate: when,
        LastModifiedDate: when,
        SystemModstamp: when,
      });
    }
    emu.store.load('Task', batch);
  }
  await announce(emu, Date.now() - t0, { Task: rows });
}

/** Child: a generated 100k-account org (E's generator), else synthetic accounts. */
async function serveOrg(accounts: number): Promise<void> {
  const t0 = Date.now();
  const emu = await startEmulator({ now: () => NOW, org: { accounts, seed: 7 }, forceAppDir: null });
  if (emu.store.count('Account') < accounts) {
    const batch = Array.from({ length: accounts }, (_, i) => ({ Name: `Synthetic ${i}`, NumberOfEmployees: i % 5000 }));
    emu.store.load('Account', batch);
  }
  const records: Record<string, number> = {};
  for (const o of SOBJECTS) {
    records[o] = emu.store.count(o, { includeDeleted: true });
  }
  await announce(emu, Date.now() - t0, records);
}

async function announce(emu: Emulator, loadMs: number, records: Record<string, number>): Promise<void> {
  const send = (m: Msg) => process.send?.(m);
  send({ type: 'ready', instanceUrl: emu.instanceUrl, token: emu.issueToken(), loadMs, records });
  process.on('message', (m: unknown) => {
    if (m === 'stats') send(stats());
    if (m === 'exit') void emu.close().then(() => process.exit(0));
  });
}

function startChild(mode: string, n: number): { child: ChildProcess; next: () => Promise<Msg> } {
  const child = fork(__filename, [mode, String(n)], {
    execArgv: ['--expose-gc', '--max-old-space-size=6144', '-r', 'tsx/cjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: Msg[] = [];
  const waiters: Array<(m: Msg) => void> = [];
  child.on('message', (m: Msg) => {
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const next = () =>
    new Promise<Msg>((resolve, reject) => {
      const q = queue.shift();
      if (q) return resolve(q);
      waiters.push(resolve);
      child.once('exit', (code) => reject(new Error(`emulator child exited (${String(code)})`)));
    });
  return { child, next };
}

const QUERY =
  'SELECT Id, Subject, TaskSubtype, Status, ActivityDate, WhatId, What.Name, CallDurationInSeconds, CreatedDate FROM Task';

/** Times the emulator's side alone: create a query job, then download its results page without parsing. */
async function rawResultsRate(ready: Ready, soql: string): Promise<{ rows: number; bytes: number; secs: number }> {
  const base = `${ready.instanceUrl}/services/data/v62.0/jobs/query`;
  const headers = { Authorization: `Bearer ${ready.token}`, 'Content-Type': 'application/json' };
  const t0 = process.hrtime.bigint();
  const job = (await (
    await fetch(base, { method: 'POST', headers, body: JSON.stringify({ operation: 'query', query: soql }) })
  ).json()) as { id: string };
  for (;;) {
    const info = (await (await fetch(`${base}/${job.id}`, { headers })).json()) as { state: string };
    if (info.state === 'JobComplete') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const res = await fetch(`${base}/${job.id}/results`, { headers });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  }
  return { rows: lines - 1, bytes, secs: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function benchQuery(rows: number): Promise<void> {
  const { child, next } = startChild('serve-query', rows);
  const ready = (await next()) as Ready;
  console.log(`query: emulator loaded ${rows.toLocaleString()} Task rows in ${ready.loadMs} ms`);
  const conn = new Connection({ instanceUrl: ready.instanceUrl, accessToken: ready.token, version: '62.0' });
  conn.bulk2.pollInterval = 100;
  conn.bulk2.pollTimeout = 600_000;
  const t0 = process.hrtime.bigint();
  const stream = await conn.bulk2.query(QUERY, { pollInterval: 100, pollTimeout: 600_000 });
  let n = 0;
  for await (const r of stream) if ((r as { Id?: string }).Id !== 'Id') n++;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const server = await rawResultsRate(ready, QUERY);
  child.send('stats');
  const s = (await next()) as Stats;
  child.send('exit');
  console.log(
    `query: the emulator alone serves the same result as CSV at ${Math.round(server.rows / server.secs).toLocaleString()} ` +
      `rows/s (${server.rows.toLocaleString()} rows, ${(server.bytes / 1e6).toFixed(0)} MB in ${server.secs.toFixed(1)} s, plain fetch, no parsing)`,
  );
  console.log(
    `query: ${n.toLocaleString()} rows through jsforce bulk2.query in ${secs.toFixed(1)} s = ` +
      `${Math.round(n / secs).toLocaleString()} records/s (emulator peak RSS ${s.maxRssMb} MB)`,
  );
  if (n !== rows) throw new Error(`expected ${rows} rows, got ${n}`);
}

async function benchOrg(accounts: number): Promise<void> {
  const { child, next } = startChild('serve-org', accounts);
  const ready = (await next()) as Ready;
  const conn = new Connection({ instanceUrl: ready.instanceUrl, accessToken: ready.token, version: '62.0' });
  // Touch the org the way a sync would, so the peak includes query work, not just the load.
  const count = await conn.query('SELECT COUNT() FROM Account');
  const page = await conn.query('SELECT Id, Name, Owner.Name FROM Account ORDER BY Name LIMIT 2000');
  child.send('stats');
  const s = (await next()) as Stats;
  child.send('exit');
  const counts = Object.entries(ready.records)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v.toLocaleString()}`)
    .join(', ');
  console.log(
    `org: ${counts} loaded in ${ready.loadMs} ms (COUNT() = ${count.totalSize}, page ${page.records.length})`,
  );
  console.log(`org: emulator RSS ${s.rssMb} MB after GC, peak RSS ${s.maxRssMb} MB, heap used ${s.heapUsedMb} MB`);
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'serve-query') return serveQuery(Number(process.argv[3]));
  if (mode === 'serve-org') return serveOrg(Number(process.argv[3]));
  await benchQuery(arg('rows', 1_000_000));
  await benchOrg(arg('accounts', 100_000));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
