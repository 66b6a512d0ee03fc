/**
 * Soak of the web process (issue 16): `pulse serve` as production runs it (its own process, on
 * PostgreSQL, since the embedded store serves one process) takes a bounded loopback load — N
 * clients posting event batches for M minutes — while `pulse run` does a daily run (pull, publish
 * of the default model with its back-fill, score, write to the Salesforce emulator) and later a
 * publish of a changed model. It checks: no error answer, stored = accepted, and the server's RSS at
 * the end within 20% of its RSS after warm-up. Exits 1 when a check fails.
 *
 *   npm run soak -- [--minutes 10] [--clients 8] [--batch 100] [--accounts 300]
 *
 * Every server it starts runs in its own process group and is stopped with it, on success, failure
 * or Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { startEmulator } from '@pulse/sandbox/src/salesforce/server';
import { DEFAULT_MODEL_DOCUMENT } from '@pulse/server/src/model/defaults';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const MINUTES = Number(arg('minutes', '10'));
const CLIENTS = Number(arg('clients', '8'));
const BATCH = Number(arg('batch', '100'));
const ACCOUNTS = Number(arg('accounts', '300'));
const WARM_UP_MS = Math.min(60_000, (MINUTES * 60_000) / 5);
const root = join(__dirname, '../..');
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// The clients, in a worker thread so building requests does not share the soak's event loop.
const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, clients, batch, stopAt, domains } = workerData;
const types = ['web_visit', 'ad_impression', 'ad_click', 'intent'];
let accepted = 0, rejected = 0, requests = 0;
const errors = {};
function body(client, seq) {
  const events = [];
  for (let i = 0; i < batch; i++) {
    const id = 's' + client + '-' + seq + '-' + i;
    const type = types[i % types.length];
    const domain = domains[(seq * batch + i) % domains.length];
    const day = '2026-11-' + String(1 + (i % 28)).padStart(2, '0');
    if (type === 'web_visit') events.push({ id, type, occurredAt: day + 'T10:00:00Z', url: 'https://vendor.example/pricing', domain });
    else if (type === 'intent') events.push({ id, type, occurredAt: day, domain, topic: 'ABM', strength: i % 100 });
    else events.push({ id, type, occurredAt: day, domain, quantity: 1 + (i % 5) });
  }
  return JSON.stringify({ events });
}
async function client(c) {
  for (let seq = 0; Date.now() < stopAt; seq++) {
    let why;
    try {
      const res = await fetch(url + '/v1/events', { method: 'POST', headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' }, body: body(c, seq) });
      const r = await res.json();
      requests++;
      if (res.status === 200 || res.status === 207) { accepted += r.accepted; rejected += r.rejected; }
      else why = 'HTTP ' + res.status + ' ' + (r.error && r.error.code);
    } catch (e) { why = 'network: ' + e.message; }
    if (why) errors[why] = (errors[why] || 0) + 1;
  }
}
Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => parentPort.postMessage({ accepted, rejected, requests, errors }));
`;

/** Children in their own process groups, stopped with them at the end. */
const children = new Set<ChildProcess>();
function stopAll(): void {
  for (const c of children) {
    try {
      if (c.pid) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  children.clear();
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

function pulse(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn('node', ['packages/server/bin/pulse.cjs', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs a pulse command to its end: exit code, stdout and stderr. */
function pulseDone(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = Date.now();
  const child = pulse(args, env);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err, ms: Date.now() - t0 })));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function sql(query: string): Promise<void> {
  const c = new Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

async function main(): Promise<number> {
  const dbName = `soak_${process.pid}`;
  await sql(`CREATE DATABASE ${dbName}`);
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'pulse-soak-'));
  const emu = await startEmulator({ org: { accounts: ACCOUNTS, seed: 7 }, forceAppDir: join(root, 'force-app') });
  const env = {
    DATABASE_URL: url.toString(),
    SF_LOGIN_URL: emu.loginUrl,
    SF_CLIENT_ID: emu.clientId,
    SF_CLIENT_SECRET: emu.clientSecret,
  };
  const db = new Client({ connectionString: url.toString() });
  try {
    const migrated = await pulseDone(['migrate'], env);
    if (migrated.code !== 0) throw new Error(`pulse migrate failed: ${migrated.err}`);
    // A key belongs to a known org: a first pull makes it (the daily run under load pulls again).
    const synced = await pulseDone(['sync', '--org', 'default'], env);
    if (synced.code !== 0) throw new Error(`pulse sync failed: ${synced.err}`);
    const keyed = await pulseDone(['keys', 'create', '--org', 'default'], env);
    if (keyed.code !== 0) throw new Error(`pulse keys create failed: ${keyed.err}`);
    const key = keyed.out.trim().split('\n').at(-1)!;

    const port = await freePort();
    const server = pulse(['serve', '--rate-limit', '0'], { ...env, PORT: String(port) });
    const web = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error('pulse serve exited at start');
      const up = await fetch(`${web}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 300) throw new Error('pulse serve did not answer /healthz in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const domains = [...emu.store.all('Account')]
      .map((a) => String(a.Website ?? '').replace(/^https?:\/\/(www\.)?/, ''))
      .filter(Boolean);

    const started = Date.now();
    const stopAt = started + MINUTES * 60_000;
    const worker = new Worker(CLIENT_CODE, {
      eval: true,
      workerData: { url: web, key, clients: CLIENTS, batch: BATCH, stopAt, domains },
    });
    const load = new Promise<{ accepted: number; rejected: number; requests: number; errors: Record<string, number> }>(
      (resolve, reject) => {
        worker.on('message', resolve);
        worker.on('error', reject);
      },
    );

    const samples: Array<{ s: number; mb: number }> = [];
    const sampler = setInterval(
      () => samples.push({ s: (Date.now() - started) / 1000, mb: rssMb(server.pid!) }),
      5_000,
    );

    // The daily run after warm-up (the first one publishes the default model with its back-fill),
    // then a publish of a changed model (a second back-fill), both while the load goes on.
    await new Promise((r) => setTimeout(r, WARM_UP_MS));
    const warmRss = rssMb(server.pid!);
    const runs: Array<{ what: string; code: number | null; status: string; ms: number }> = [];
    const daily = await pulseDone(['run', '--json'], env);
    runs.push({
      what: 'daily run (publishes default-2)',
      code: daily.code,
      status: lastJson(daily.out).status,
      ms: daily.ms,
    });
    const model = structuredClone(DEFAULT_MODEL_DOCUMENT) as { version: string; kpis: Array<{ weight: number }> };
    model.version = 'soak-2';
    const [a, b] = [model.kpis[0]!, model.kpis[1]!];
    const moved = Math.min(5, b.weight);
    a.weight += moved;
    b.weight -= moved;
    const modelFile = join(dir, 'model.json');
    writeFileSync(modelFile, JSON.stringify(model));
    const publish = await pulseDone(['run', '--json'], { ...env, PULSE_MODEL_FILE: modelFile });
    runs.push({
      what: 'publish soak-2 + run',
      code: publish.code,
      status: lastJson(publish.out).status,
      ms: publish.ms,
    });

    const result = await load;
    clearInterval(sampler);
    const endRss = rssMb(server.pid!);
    await db.connect();
    const stored = Number(
      (await db.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE org_id = 'default' AND source = 'api'`))
        .rows[0]!.n,
    );

    const growth = (endRss - warmRss) / warmRss;
    const errorAnswers = Object.values(result.errors).reduce((s, n) => s + n, 0);
    const checks = [
      { check: 'no error answers', ok: errorAnswers === 0, detail: JSON.stringify(result.errors) },
      {
        check: 'stored = accepted',
        ok: stored === result.accepted,
        detail: `${stored} stored, ${result.accepted} accepted`,
      },
      {
        check: 'RSS at the end within 20% of after warm-up',
        ok: Math.abs(growth) <= 0.2,
        detail: `${warmRss.toFixed(0)} → ${endRss.toFixed(0)} MB (${(growth * 100).toFixed(1)}%)`,
      },
      {
        check: 'both runs succeeded',
        ok: runs.every((r) => r.code === 0 && r.status === 'succeeded'),
        detail: runs.map((r) => `${r.what}: ${r.status} in ${(r.ms / 1000).toFixed(1)} s`).join('; '),
      },
    ];
    const [l1, l5, l15] = loadavg();
    console.log(
      `soak: ${MINUTES} min, ${CLIENTS} clients × ${BATCH} events a request, ${ACCOUNTS} accounts, PostgreSQL`,
    );
    console.log(`load average at the end: ${l1!.toFixed(2)} ${l5!.toFixed(2)} ${l15!.toFixed(2)}`);
    console.log(
      `requests ${result.requests}, events accepted ${result.accepted}, rejected ${result.rejected}, ${(result.accepted / (MINUTES * 60)).toFixed(0)} events/s`,
    );
    console.log(`server RSS (MB) every 5 s: ${samples.map((x) => x.mb.toFixed(0)).join(' ')}`);
    for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`);
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    stopAll();
    await db.end().catch(() => undefined);
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
    await sql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

/** The JSON summary a `--json` command prints as its last line. */
function lastJson(out: string): { status: string } {
  try {
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { status: string };
  } catch {
    return { status: `no summary: ${out.slice(-200)}` };
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    stopAll();
    console.error(e);
    process.exit(1);
  },
);
