/**
 * Load test of the ingestion API on loopback. For each store (PGlite on disk, then Postgres at
 * DATABASE_URL or postgres://postgres@127.0.0.1:5432/test in a throw-away schema) it starts the
 * server in this process, runs N concurrent clients in a worker thread posting batches of unique
 * events for ~20 s, and reports sustained events/s (median of the per-second rates), latency, and
 * proves none was lost: events in the store = events the server said it accepted.
 *
 *   npm run bench:ingest -- [--seconds 20] [--clients 8] [--batch 500] [--accounts 1000] [--only pglite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createApp } from '@pulse/server/src/http/app';
import { startServer } from '@pulse/server/src/http/server';
import { upsertAccounts } from '@pulse/server/src/store/accounts';
import { createApiKey } from '@pulse/server/src/store/apiKeys';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { countEvents } from '@pulse/server/src/store/events';
import { migrate } from '@pulse/server/src/store/migrate';
import { ensureOrg } from '@pulse/server/src/store/orgs';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const SECONDS = Number(arg('seconds', '20'));
const CLIENTS = Number(arg('clients', '8'));
const BATCH = Number(arg('batch', '500'));
const ACCOUNTS = Number(arg('accounts', '1000'));
const ONLY = arg('only', '');
const ORG = 'bench';

// The clients: plain JS in a worker thread, so building and sending requests does not share the
// server's event loop. Each client posts one batch at a time; ids are unique per client and sequence.
const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, clients, batch, seconds, accounts } = workerData;
const types = ['web_visit', 'web_visit', 'ad_impression', 'ad_click', 'intent'];
function body(client, seq) {
  const events = [];
  for (let i = 0; i < batch; i++) {
    const id = 'c' + client + '-' + seq + '-' + i;
    const t = types[i % types.length];
    const domain = 'company' + ((seq * batch + i) % (accounts + accounts / 10)) + '.example';
    const day = '2026-11-' + String(1 + (i % 23)).padStart(2, '0');
    if (t === 'web_visit') events.push({ id, type: t, occurredAt: day + 'T10:00:00Z', url: 'https://vendor.example/pricing', domain });
    else if (t === 'intent') events.push({ id, type: t, occurredAt: day, domain, topic: 'ABM', strength: i % 100 });
    else events.push({ id, type: t, occurredAt: day, domain, quantity: 1 + (i % 50) });
  }
  return JSON.stringify({ events });
}
const perSecond = new Map();
const latencies = [];
let accepted = 0, rejected = 0, failed = 0, requests = 0;
const start = Date.now();
const stopAt = start + seconds * 1000;
async function client(c) {
  let seq = 0;
  while (Date.now() < stopAt) {
    const b = body(c, seq++);
    const t0 = Date.now();
    try {
      const res = await fetch(url + '/v1/events', { method: 'POST', headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' }, body: b });
      const r = await res.json();
      requests++;
      latencies.push(Date.now() - t0);
      if (res.status === 200 || res.status === 207) {
        accepted += r.accepted; rejected += r.rejected;
        const s = Math.floor((Date.now() - start) / 1000);
        perSecond.set(s, (perSecond.get(s) || 0) + r.accepted);
      } else { failed++; }
    } catch (e) { failed++; }
  }
}
Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => {
  parentPort.postMessage({ accepted, rejected, failed, requests, latencies, perSecond: [...perSecond.entries()], ms: Date.now() - start });
});
`;

interface ClientResult {
  accepted: number;
  rejected: number;
  failed: number;
  requests: number;
  latencies: number[];
  perSecond: Array<[number, number]>;
  ms: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

async function runOn(name: string, db: Db): Promise<void> {
  await migrate(db);
  await ensureOrg(db, ORG);
  await upsertAccounts(
    db,
    ORG,
    Array.from({ length: ACCOUNTS }, (_, i) => ({
      id: `acc${i}`,
      name: `Company ${i}`,
      domain: `company${i}.example`,
    })),
  );
  const { key } = await createApiKey(db, ORG, 'bench');
  // No rate limit: the bench measures the server, not the limiter.
  const server = await startServer(createApp({ db, ingest: { rateLimit: false } }), 0, '127.0.0.1');
  const load0 = loadavg()[0]!;
  const result = await new Promise<ClientResult>((resolve, reject) => {
    const w = new Worker(CLIENT_CODE, {
      eval: true,
      workerData: { url: server.url, key, clients: CLIENTS, batch: BATCH, seconds: SECONDS, accounts: ACCOUNTS },
    });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const load1 = loadavg()[0]!;
  await server.close();
  const stored = await countEvents(db, ORG);
  // Whole seconds only: the first and the last are partial.
  const rates = result.perSecond.filter(([s]) => s >= 1 && s < Math.floor(result.ms / 1000)).map(([, n]) => n);
  const lines = [
    `${name}: ${CLIENTS} clients × ${BATCH}-event batches for ${(result.ms / 1000).toFixed(1)} s`,
    `  sustained ${Math.round(median(rates))} events/s (median of ${rates.length} per-second rates; min ${Math.min(...rates)}, max ${Math.max(...rates)})`,
    `  overall   ${Math.round(result.accepted / (result.ms / 1000))} events/s; ${result.requests} requests, latency p50 ${pct(result.latencies, 0.5)} ms, p95 ${pct(result.latencies, 0.95)} ms`,
    `  accepted ${result.accepted}, rejected ${result.rejected}, failed requests ${result.failed}`,
    `  stored ${stored} ${stored === result.accepted ? '= accepted: none lost' : `≠ accepted ${result.accepted}: LOST ${result.accepted - stored}`}`,
    `  load average (1 min) ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${cpus().length} cores`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (stored !== result.accepted || result.failed > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  if (ONLY !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-ingest-'));
    const db = await openDb({ dataDir: join(dir, 'pg') });
    try {
      await runOn('PGlite (on disk)', db);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (ONLY !== 'pglite') {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `bench_ingest_${process.pid}`;
    const db = await openDb({ url, schema });
    try {
      await runOn('Postgres', db);
    } finally {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-ingest: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
