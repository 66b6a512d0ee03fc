/**
 * What a real org does that a System Administrator's sandbox hides: the integration user without
 * "View Setup and Configuration" cannot read /limits (pull and write still budget, from the
 * Sforce-Limit-Info header, and the run log says so); an active lead assignment rule reassigns every
 * lead a write touches unless the write says not to.
 */
import { closeScene, openScene } from '../support/scene';
import type { Connection } from 'jsforce';
import { syncSalesforce } from '@pulse/server/src/sources/salesforce/sync';
import type { Db } from '@pulse/server/src/store/db';
import { listRuns } from '@pulse/server/src/store/runs';
import { apiBudget } from '@pulse/server/src/writeback/writeback';
import { writeBackLeads } from '@pulse/server/src/writeback/leads';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { connectTo } from '../support/scene';

const now = new Date('2026-11-24T10:00:00.000Z');
let emu: Emulator;
let db: Db;
let conn: Connection;

beforeAll(async () => {
  ({ emu, db, conn } = await openScene({
    org: { accounts: 50, seed: 11 },
    now: () => now,
    forceAppDir: 'force-app',
    apiDailyLimit: 20_000,
  }));
});
afterAll(() => closeScene({ emu, db }));
afterEach(() => {
  emu.faults.clear();
  emu.user.reset();
  Object.assign(emu.context.limits.bulk, { queryJobs: 10_000, batches: 15_000 });
});

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
// ("available … for API users with the View Setup and Configuration permission") and
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
describe('an integration user without View Setup and Configuration', () => {
  beforeEach(() => emu.user.revoke('ViewSetup'));

  it('pulls on a budget from the Sforce-Limit-Info header, and the run log says so', async () => {
    const r = await syncSalesforce({ db, orgId: 'no-setup', conn });
    expect(r.status).toBe('succeeded');
    expect(r.apiCalls.limitsSource).toBe('header');
    // The refused /limits call is counted too, so the header shows it.
    const usedBefore = emu.store.apiCallsToday() - r.apiCalls.total;
    expect(r.apiCalls.remainingAtStart).toBe(20_000 - usedBefore - 1);
    expect(r.apiCalls.allowed).toBe(Math.floor(r.apiCalls.remainingAtStart * 0.1));
    expect(r.notes.join()).toMatch(/View Setup and Configuration.*Sforce-Limit-Info/);
    const [run] = await listRuns(db, 'no-setup', 'sync', 1);
    expect(run!.errors).toContainEqual(expect.objectContaining({ code: 'SF_LIMITS_FALLBACK' }));
    expect(run!.status).toBe('succeeded');
  });

  it('writes on a budget from the header (Accounts and Leads)', async () => {
    const used = emu.store.apiCallsToday();
    // The /limits call itself is refused but counted: the header after it shows used + 1.
    expect(await apiBudget(conn, 0.5, 'no-setup')).toBe(Math.floor((20_000 - used - 1) * 0.5));
    const w = await writeBackLeads({ db, orgId: 'no-setup', conn, budgetShare: 0.1, pollIntervalMs: 1 });
    expect(w.status).toBe('ok');
    expect(w.leadsWritten).toBeGreaterThan(0);
  });
});

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
// (no header: the active assignment rules run) and the generated org's active "Inbound lead routing" rule
describe('an org with an active lead assignment rule', () => {
  it.each([
    ['collections', 2000],
    ['bulk', 0],
  ])('keeps every lead owner when Pulse writes the match fields (%s)', async (mode, bulkThreshold) => {
    const orgId = `owners-${mode}`;
    expect(emu.assignmentRules.active()).toBeDefined();
    expect((await syncSalesforce({ db, orgId, conn })).status).toBe('succeeded');
    const owners = new Map([...emu.store.all('Lead')].map((l) => [l.Id, l.OwnerId]));
    const w = await writeBackLeads({ db, orgId, conn, bulkThreshold, pollIntervalMs: 1 });
    expect(w).toMatchObject({ status: 'ok', mode, failures: [] });
    expect(w.leadsWritten).toBeGreaterThan(0);
    const rule = emu.assignmentRules.active()!;
    expect([...owners.values()].filter((o) => o !== rule.ownerId).length).toBeGreaterThan(0);
    for (const l of emu.store.all('Lead')) expect(l.OwnerId).toBe(owners.get(l.Id));
  });
});

/** What a pull stored for an org, without the org id. */
async function stored(orgId: string): Promise<string> {
  const q = async (sql: string) => (await db.query(sql, [orgId])).rows;
  return JSON.stringify({
    accounts: await q('SELECT id, name, domain, is_deleted FROM accounts WHERE org_id = $1 ORDER BY id'),
    people: await q('SELECT id, kind, account_id, email, merged_into FROM people WHERE org_id = $1 ORDER BY id'),
    events: await q(
      'SELECT source_id, type, occurred_at, person_id, account_id, excluded_reason FROM events WHERE org_id = $1 ORDER BY source_id',
    ),
  });
}

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
// ("There is no guarantee that the requested batch size is the actual batch size")
describe('query pages shorter than the batch size asked for', () => {
  it('pull the same store as full pages do', async () => {
    expect((await syncSalesforce({ db, orgId: 'full-pages', conn, pageSize: 200 })).status).toBe('succeeded');
    emu.faults.shortPages({ share: 0.7, seed: 2 });
    emu.callLog.clear();
    const r = await syncSalesforce({ db, orgId: 'short-pages', conn, pageSize: 200 });
    expect(r.status).toBe('succeeded');
    expect(await stored('short-pages')).toBe(await stored('full-pages'));
    expect(r.counts.Task).toBe(emu.store.count('Task', { includeDeleted: true }));
  });
});

// https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_bulkapi.htm
// (Bulk API 2.0: query jobs and ingest batches per 24 hours) and resources_limits.htm (DailyBulkV2QueryJobs, DailyBulkApiBatches)
describe("the day's Bulk API 2.0 limits spent", () => {
  const spend = (what: 'queryJobs' | 'batches') => (emu.context.limits.bulk[what] = emu.context.limits.bulkUsed(what));

  it.each([
    ['/limits says so', true],
    ['Salesforce refuses the job', false],
  ])('a large first pull goes through REST pages instead (%s)', async (_how, viewSetup) => {
    spend('queryJobs');
    if (!viewSetup) emu.user.revoke('ViewSetup');
    const orgId = `no-bulk-jobs-${String(viewSetup)}`;
    const r = await syncSalesforce({ db, orgId, conn, pageSize: 200, bulkThreshold: 10 });
    expect(r.status).toBe('succeeded');
    expect(r.notes.join()).toMatch(/Bulk API 2\.0.*REST queryAll/);
    expect(await stored(orgId)).toBe(await stored('full-pages'));
  });

  it.each([
    ['/limits says so', 0.1],
    ['Salesforce refuses the job', undefined],
  ])('a large write goes through collections instead (%s)', async (_how, budgetShare) => {
    const orgId = `no-batches-${String(budgetShare)}`;
    expect((await syncSalesforce({ db, orgId, conn })).status).toBe('succeeded');
    spend('batches');
    const w = await writeBackLeads({ db, orgId, conn, bulkThreshold: 0, budgetShare, pollIntervalMs: 1 });
    expect(w).toMatchObject({ status: 'ok', mode: 'collections', failures: [], pending: 0 });
    expect(w.leadsWritten).toBe(w.leadsChanged);
  });
});

// https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
// (the daily request limit is soft) and headers_api_usage.htm (api-usage=10018/100000)
describe('an org already past its soft daily limit', () => {
  it('pulls nothing beyond the one call that finds out, with or without /limits', async () => {
    const soft = await startEmulator({
      org: { accounts: 50, seed: 11 },
      forceAppDir: null,
      apiDailyLimit: 100,
      apiSoftLimitShare: 0.5,
      now: () => now,
    });
    try {
      const c = await connectTo(soft);
      for (let i = 0; i < 110; i++) await c.request('/sobjects');
      expect(c.limitInfo.apiUsage).toEqual({ used: 110, limit: 100 });
      for (const viewSetup of [true, false]) {
        if (!viewSetup) soft.user.revoke('ViewSetup');
        const before = soft.store.apiCallsToday();
        const r = await syncSalesforce({ db, orgId: `past-limit-${String(viewSetup)}`, conn: c });
        expect(r).toMatchObject({ status: 'partial', reason: 'budget' });
        expect(r.apiCalls).toMatchObject({ total: 1, remainingAtStart: 0 });
        expect(soft.store.apiCallsToday() - before).toBe(1);
      }
    } finally {
      await soft.close();
    }
  });
});

// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm (OPERATION_TOO_LARGE),
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_userpermissionaccess.htm
// and https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm
describe('sharing and archived activity', () => {
  it('a first pull without View All Data stops in the preflight, naming the permission and the fix', async () => {
    emu.user.revoke('ViewAllData');
    await expect(syncSalesforce({ db, orgId: 'no-view-all', conn })).rejects.toMatchObject({
      code: 'SF_PERMISSION',
      message: expect.stringMatching(/lacks View All Data.*assign the Engagement_Integration permission set/),
    });
    expect(await stored('no-view-all')).toBe(JSON.stringify({ accounts: [], people: [], events: [] }));
  });

  it('a later pull refused with OPERATION_TOO_LARGE names View All Data too', async () => {
    emu.user.revoke('ViewAllData');
    emu.user.activityQueryLimit = 1;
    emu.store.load('Task', [{ Subject: 'Call', Type: 'Call', Status: 'Completed', ActivityDate: '2026-11-20' }]);
    await expect(syncSalesforce({ db, orgId: 'no-setup', conn })).rejects.toMatchObject({
      code: 'SF_PERMISSION',
      message: expect.stringMatching(/OPERATION_TOO_LARGE.*View All Data/),
    });
  });

  it('pulls activities archived a year ago (queryAll returns them)', async () => {
    const contact = [...emu.store.all('Contact')][0]!;
    const [task, event] = [
      emu.store.insert('Task', {
        Subject: 'Call with the CFO',
        Type: 'Call',
        TaskSubtype: 'Call',
        CallDurationInSeconds: 600,
        Status: 'Completed',
        ActivityDate: '2025-09-01',
        WhoId: contact.Id,
      }),
      emu.store.insert('Event', {
        Subject: 'On-site workshop',
        ActivityDateTime: '2025-09-02T10:00:00.000+0000',
        StartDateTime: '2025-09-02T10:00:00.000+0000',
        EndDateTime: '2025-09-02T11:00:00.000+0000',
        DurationInMinutes: 60,
        WhoId: contact.Id,
      }),
    ];
    const plain = await conn.query<{ Id: string }>(`SELECT Id FROM Task WHERE Id = '${task.Id}'`);
    expect(plain.totalSize).toBe(0);
    expect((await syncSalesforce({ db, orgId: 'archived', conn })).status).toBe('succeeded');
    const ids = JSON.parse(await stored('archived')).events.map((e: { source_id: string }) => e.source_id);
    expect(ids).toEqual(expect.arrayContaining([task.Id, event.Id]));
  });
});
