/**
 * Fault tests: an expired session, REQUEST_LIMIT_EXCEEDED, 503s, a crash between batches and
 * a tight API budget each end, after re-running, with exactly the store a clean run gives.
 * Every scenario pulls the same emulated org into its own Pulse org, which also shows that
 * orgs never mix. Bad configuration fails fast and names the fix.
 */
import { closeScene, openScene } from '../support/scene';
import type { Connection } from 'jsforce';
import { connectSalesforce } from '@pulse/server/src/sources/salesforce/connection';
import { syncSalesforce, type SyncOptions } from '@pulse/server/src/sources/salesforce/sync';
import type { Db } from '@pulse/server/src/store/db';
import { listRuns } from '@pulse/server/src/store/runs';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';

const now = new Date('2026-11-24T10:00:00.000Z');
let emu: Emulator;
let db: Db;
let conn: Connection;
let clean: string;

const auth = () => ({
  kind: 'client_credentials' as const,
  loginUrl: emu.loginUrl,
  clientId: emu.clientId,
  clientSecret: emu.clientSecret,
});

/** Everything a pull stores for an org, without the org id and load timestamps. */
async function contents(orgId: string): Promise<string> {
  const q = async (sql: string) => (await db.query(sql, [orgId])).rows;
  return JSON.stringify({
    accounts: await q(
      'SELECT id, name, domain, owner_name, parent_id, industry, employees, is_deleted FROM accounts WHERE org_id = $1 ORDER BY id',
    ),
    people: await q(
      `SELECT id, kind, account_id, email, seniority, department, match_method, match_confidence, merged_into, is_deleted
       FROM people WHERE org_id = $1 ORDER BY id`,
    ),
    events: await q(
      `SELECT source_id, type, occurred_at, person_id, account_id, attributes, excluded_reason
       FROM events WHERE org_id = $1 ORDER BY source_id`,
    ),
    opportunities: await q('SELECT * FROM opportunities WHERE org_id = $1 ORDER BY id'),
  }).replaceAll(`"${orgId}"`, '"ORG"');
}

const pull = (orgId: string, extra: Partial<SyncOptions> = {}) =>
  syncSalesforce({ db, orgId, conn, pageSize: 200, ...extra });

beforeAll(async () => {
  ({ emu, db, conn } = await openScene({ org: { accounts: 60, seed: 5 }, now: () => now }));
  const r = await pull('clean');
  expect(r.status).toBe('succeeded');
  clean = await contents('clean');
});
afterAll(() => closeScene({ emu, db }));
afterEach(() => {
  emu.faults.clear();
  emu.permissions.clear();
});

it('pulls several pages per object, so the fault tests below hit a pull mid-way', () => {
  expect(emu.store.count('Task')).toBeGreaterThan(200);
  expect(JSON.parse(clean).events.length).toBeGreaterThan(200);
});

it('signs in again when the session expires mid-run', async () => {
  const r = await pull('expired', {
    afterPage: (object, page) => {
      if (object === 'Task' && page === 0) emu.faults.expireSessions();
    },
  });
  expect(r.status).toBe('succeeded');
  expect(await contents('expired')).toBe(clean);
});

it('stops on REQUEST_LIMIT_EXCEEDED, records it, and the next run completes the same store', async () => {
  const r = await pull('limited', {
    afterPage: (object, page) => {
      if (object === 'Task' && page === 1) emu.faults.limitExceeded();
    },
  });
  expect(r.status).toBe('failed');
  expect((await listRuns(db, 'limited'))[0]).toMatchObject({
    status: 'failed',
    errors: [expect.objectContaining({ code: 'REQUEST_LIMIT_EXCEEDED' })],
  });
  emu.faults.clear();
  const again = await pull('limited');
  expect(again.status).toBe('succeeded');
  expect(await contents('limited')).toBe(clean);
});

it('rides out 503s (jsforce retries GETs)', async () => {
  emu.faults.serviceUnavailable({ count: 2 });
  const r = await pull('unavailable');
  expect(r.status).toBe('succeeded');
  expect(await contents('unavailable')).toBe(clean);
});

it('resumes after a crash between batches from the checkpoints, counting nothing twice', async () => {
  const crash = await pull('crashed', {
    afterPage: (object, page) => {
      if (object === 'Task' && page === 0) throw new Error('killed');
    },
  });
  expect(crash.status).toBe('failed');
  const resumed = await pull('crashed');
  expect(resumed.status).toBe('succeeded');
  // One Task page was stored before the crash; the resumed run starts after them.
  expect(resumed.counts.Task).toBeLessThan(emu.store.count('Task'));
  expect(resumed.counts.Account).toBeLessThan(emu.store.count('Account'));
  expect(await contents('crashed')).toBe(clean);
});

it('stays inside its share of the daily API calls and finishes over several runs', async () => {
  const remaining = (await conn.limits()).DailyApiRequests!.Remaining;
  const share = 25 / remaining;
  const statuses: string[] = [];
  for (let i = 0; i < 15 && statuses.at(-1) !== 'succeeded'; i++) {
    const r = await pull('budget', { budgetShare: share });
    expect(r.apiCalls.total).toBeLessThanOrEqual(r.apiCalls.allowed);
    statuses.push(r.reason ? `${r.status}:${r.reason}` : r.status);
  }
  expect(statuses[0]).toBe('partial:budget');
  expect((await listRuns(db, 'budget')).at(-1)).toMatchObject({
    status: 'partial',
    state: { full: false, reason: 'budget' },
    errors: [expect.objectContaining({ code: 'SF_BUDGET' })],
  });
  expect(statuses.at(-1)).toBe('succeeded');
  expect(await contents('budget')).toBe(clean);
});

it('uses Bulk API 2.0 for large first pulls, paged, with the same store as REST', async () => {
  emu.callLog.clear();
  const r = await pull('bulk', { bulkThreshold: 100, bulkPageSize: 150, bulkPollMs: 10 });
  expect(r.status).toBe('succeeded');
  const resultCalls = emu.callLog.entries.filter((e) => /\/jobs\/query\/[^/]+\/results$/.test(e.path));
  // Task alone (> 200 records) needs several 150-record pages.
  expect(resultCalls.length).toBeGreaterThan(5);
  expect(await contents('bulk')).toBe(clean);
  // The next run is incremental over REST from the bulk-set watermarks.
  emu.callLog.clear();
  const next = await pull('bulk', { bulkThreshold: 100 });
  expect(next.status).toBe('succeeded');
  expect(emu.callLog.entries.some((e) => e.path.includes('/jobs/'))).toBe(false);
});

it('signs in again when the session expires between a Bulk job completing and its results download', async () => {
  emu.faults.expireSessionsOn(/\/jobs\/query\/[^/]+\/results$/);
  emu.callLog.clear();
  const r = await pull('bulk-expired', { bulkThreshold: 100, bulkPageSize: 150, bulkPollMs: 10 });
  expect(r.status).toBe('succeeded');
  const results = emu.callLog.entries.filter((e) => /\/jobs\/query\/[^/]+\/results$/.test(e.path));
  // The first download met the expired session, the same page was fetched again with the new token.
  expect(results.slice(0, 2).map((e) => e.status)).toEqual([401, 200]);
  expect(await contents('bulk-expired')).toBe(clean);
});

it('fails fast naming the field and the fix when the integration user cannot read it', async () => {
  emu.permissions.set('Task.CallDurationInSeconds', { read: false, edit: false });
  await expect(pull('no-permission')).rejects.toThrow(
    /grant Read on Task\.CallDurationInSeconds to the integration user/,
  );
  expect((await listRuns(db, 'no-permission'))[0]?.status).toBe('failed');
});

it('fails fast on a wrong client secret, naming the variables to check', async () => {
  await expect(connectSalesforce({ ...auth(), clientSecret: 'wrong' })).rejects.toThrow(
    /SF_CLIENT_ID\/SF_CLIENT_SECRET/,
  );
});
