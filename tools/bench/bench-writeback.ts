/**
 * Write-back benchmark (issue 6): writing N changed accounts (default 100k, every output) through
 *  1. one Bulk API 2.0 ingest job (the writer above its threshold),
 *  2. sObject collections, 200 records per call (the writer below it),
 *  3. per-record REST updates (PATCH /sobjects/Account/id) on a sample, extrapolated to N.
 * API calls, wall time and the writer process's peak RSS; ratios against Bulk. The emulator runs in a
 * child process so its memory is not counted; the database is the embedded PGlite, or Postgres with DATABASE_URL.
 * Usage: npm run bench:writeback [-- --accounts 100000 --sample 1000]
 */
import { fork } from 'node:child_process';
import { Connection } from 'jsforce';
import { startEmulator } from '@pulse/sandbox/src/salesforce/server';
import { openDb } from '@pulse/server/src/store/db';
import { migrate } from '@pulse/server/src/store/migrate';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import { accountOutputs } from '@pulse/server/src/writeback/outputs';
import { defaultFieldMapping } from '@pulse/server/src/contract/fieldMapping';
import { accountValues } from '@pulse/server/src/writeback/writeback';
import { writeAccounts, type AccountValues } from '@pulse/server/src/writeback/writer';
import type { AccountScore } from '@pulse/server/src/scoring/finish';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

async function child(n: number): Promise<void> {
  const emu = await startEmulator();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(emu.store.insert('Account', { Name: `Bench ${i}` }).Id);
  process.send!({ instanceUrl: emu.instanceUrl, token: emu.issueToken(), ids });
}

/** Realistic values of every output for account i (`salt` makes every field change between modes). */
function values(ids: string[], salt: number): AccountValues[] {
  const mapping = defaultFieldMapping();
  const people = new Map(
    Array.from({ length: 5 }, (_, k) => [`p${k}`, { name: `Person ${k} Example`, title: `VP Function ${k}` }]),
  );
  return ids.map((id, i) => {
    const s = (i * 7 + salt) % 101;
    const score: AccountScore = {
      accountId: id,
      score: s,
      scoreExact: s,
      band: s < 25 ? 'Low' : s < 50 ? 'Medium' : s < 75 ? 'High' : 'Very High',
      trend: (['New', 'Cooling', 'Neutral', 'Heating', 'Surging'] as const)[s % 5]!,
      change30d: (s % 41) - 20,
      peopleEngaged: s % 9,
      coveragePct: (s % 4) * 25,
      missingPersonas: s % 2 ? ['Finance', 'Security'] : [],
      mqa: s > 60,
      kpis: {},
      topPeople: [...people.keys()].map((p, k) => ({ personId: p, points: 30 - k * 5, share: (30 - k * 5) / 100 })),
      topKpis: ['meetings', 'pricing_page', 'email_click'].map((k, j) => ({
        key: k,
        points: 20 - j,
        share: 0.3 - j / 10,
      })),
      changeDrivers: [{ key: 'meetings', change: s % 13 }],
      lastActivity: '2026-11-20',
    };
    const out = accountOutputs(score, {
      kpiLabels: { meetings: 'Meetings', pricing_page: 'Pricing pages', email_click: 'Email clicks' },
      people,
      history: Array.from({ length: 90 }, (_, d) => (d + s + salt) % 101),
      mqaSince: s > 60 ? '2026-11-01' : null,
      modelVersion: 'v1',
      scoredAt: new Date(Date.UTC(2026, 10, 24, 6, 0, salt)),
    });
    return { accountId: id, values: accountValues(mapping, out) };
  });
}

async function main(): Promise<void> {
  const n = arg('accounts', 100_000);
  const sample = Math.min(arg('sample', 1000), n);
  if (process.argv.includes('--child')) return child(n);

  const proc = fork(__filename, ['--child', '--accounts', String(n)], { execArgv: ['-r', 'tsx/cjs'] });
  const ready = await new Promise<{ instanceUrl: string; token: string; ids: string[] }>((resolve) =>
    proc.once('message', (m) => resolve(m as never)),
  );
  const conn = new Connection({ instanceUrl: ready.instanceUrl, accessToken: ready.token, version: '62.0' });
  // With DATABASE_URL the marks go to Postgres (a throw-away schema), else to an in-memory PGlite.
  const url = process.env.DATABASE_URL;
  const schema = url ? `bench_wb_${process.pid}` : undefined;
  const db = await openDb(url ? { url, schema } : { dataDir: 'memory' });
  await migrate(db);
  const rows: { mode: string; calls: number; ms: number; note: string }[] = [];
  try {
    for (const [mode, threshold, salt] of [
      ['bulk 2.0', 0, 1],
      ['collections', Infinity, 2],
    ] as const) {
      const orgId = `bench-${salt}`;
      await ensureOrg(db, orgId);
      const accounts = values(ready.ids, salt);
      let waited = 0;
      let marked = 0;
      let mark0 = 0;
      const sleep = (ms: number) => {
        waited += ms;
        return new Promise<void>((res) => setTimeout(res, ms));
      };
      const t0 = performance.now();
      const r = await writeAccounts({
        db,
        conn,
        orgId,
        accounts,
        bulkThreshold: threshold,
        sleep,
        afterBatch: () => {
          marked += performance.now() - mark0;
        },
        onSettle: () => {
          mark0 = performance.now();
        },
      });
      const ms = performance.now() - t0;
      if (r.status !== 'ok' || r.accountsWritten !== n) throw new Error(`${mode}: ${JSON.stringify(r)}`);
      rows.push({
        mode,
        calls: r.apiCalls,
        ms,
        note: `${r.fieldsWritten} fields; ${(r.apiMs / 1000).toFixed(1)} s in API calls, ${(waited / 1000).toFixed(1)} s polling waits, ${(marked / 1000).toFixed(1)} s marking in the DB`,
      });
    }
    const accounts = values(ready.ids.slice(0, sample), 3);
    const t0 = performance.now();
    for (const a of accounts) {
      const res = await conn.sobject('Account').update({ Id: a.accountId, ...a.values } as never);
      if (!(res as unknown as { success: boolean }).success) throw new Error(JSON.stringify(res));
    }
    const ms = ((performance.now() - t0) * n) / sample;
    rows.push({ mode: 'per-record REST', calls: n, ms, note: `sample of ${sample} timed, extrapolated; no DB marks` });
  } finally {
    proc.kill();
    if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
  const bulk = rows[0]!;
  const peak = mb(process.resourceUsage().maxRSS);
  process.stdout.write(
    `write-back of ${n} changed accounts (all 15 outputs), DB ${db.kind}, writer process peak RSS ${peak} MB\n`,
  );
  process.stdout.write('| path | API calls | time | calls ÷ bulk | time ÷ bulk | note |\n|---|---|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(
      `| ${r.mode} | ${r.calls} | ${(r.ms / 1000).toFixed(1)} s | ${(r.calls / bulk.calls).toFixed(0)}× | ${(r.ms / bulk.ms).toFixed(1)}× | ${r.note} |\n`,
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
