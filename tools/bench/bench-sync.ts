/**
 * Bench of the Salesforce pull: the emulator runs in a child process (so its memory is not
 * counted), this process pulls into a fresh store and reports records/s, API calls and peak RSS;
 * then 1% of the activity records change and an incremental pull reports its API calls.
 *
 *   npx tsx scripts/bench-sync.ts --accounts 90000 [--seed 7] [--pg]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connectSalesforce } from '@pulse/server/src/sources/salesforce/connection';
import { syncSalesforce } from '@pulse/server/src/sources/salesforce/sync';
import { openDb } from '@pulse/server/src/store/db';
import { startEmulator } from '@pulse/sandbox/src/salesforce/server';
import { migrate } from '@pulse/server/src/store/migrate';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};

/** Child mode: start the emulator, print its URLs as JSON, change 1% of activity on "mutate". */
async function serve(): Promise<void> {
  const t0 = Date.now();
  const emu = await startEmulator({
    org: { accounts: Number(arg('accounts', '1000')), seed: Number(arg('seed', '7')) },
    forceAppDir: null,
    apiDailyLimit: 5_000_000,
  });
  const activity = ['Task', 'Event', 'CampaignMember'].reduce((n, o) => n + emu.store.count(o), 0);
  process.stdout.write(
    `${JSON.stringify({ loginUrl: emu.loginUrl, clientId: emu.clientId, clientSecret: emu.clientSecret, activity, loadMs: Date.now() - t0 })}\n`,
  );
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'mutate') {
      let n = 0;
      for (const o of ['Task', 'Event']) {
        const every = 100;
        let i = 0;
        // Collect first: updating while iterating the store's map is fine, but keep it obvious.
        const picked = [...emu.store.all(o)].filter(() => i++ % every === 0);
        for (const r of picked) emu.store.update(o, r.Id, { Subject: `${String(r.Subject)} (edited)` });
        n += picked.length;
      }
      process.stdout.write(`${JSON.stringify({ mutated: n })}\n`);
    }
  }
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', ...process.argv.slice(2)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const info = JSON.parse((await lines.next()).value as string) as {
    loginUrl: string;
    clientId: string;
    clientSecret: string;
    activity: number;
    loadMs: number;
  };
  process.stderr.write(`emulator ready: ${info.activity} activity records (${info.loadMs} ms)\n`);
  const db = await openDb(
    process.argv.includes('--pg')
      ? { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema: `bench_${process.pid}` }
      : { dataDir: 'memory' },
  );
  await migrate(db);
  const conn = await connectSalesforce({ kind: 'client_credentials', ...info });
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const t0 = Date.now();
  const first = await syncSalesforce({ db, orgId: 'bench', conn, budgetShare: 1 });
  const ms = Date.now() - t0;
  const records = Object.values(first.counts).reduce((a, b) => a + b, 0);
  child.stdin!.write('mutate\n');
  const mutated = JSON.parse((await lines.next()).value as string) as { mutated: number };
  const t1 = Date.now();
  const inc = await syncSalesforce({ db, orgId: 'bench', conn, budgetShare: 1 });
  const incMs = Date.now() - t1;
  clearInterval(sample);
  const out = {
    activityRecords: info.activity,
    first: {
      status: first.status,
      records,
      seconds: ms / 1000,
      recordsPerSecond: Math.round(records / (ms / 1000)),
      apiCalls: first.apiCalls.total,
      byObject: first.apiCalls.byObject,
    },
    incremental: {
      status: inc.status,
      mutated: mutated.mutated,
      seconds: incMs / 1000,
      apiCalls: inc.apiCalls.total,
      records: Object.values(inc.counts).reduce((a, b) => a + b, 0),
    },
    peakRssMb: Math.round(Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1048576),
    db: db.kind,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  child.kill();
  if (db.kind === 'postgres') await db.exec(`DROP SCHEMA bench_${process.pid} CASCADE`);
  await db.close();
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
