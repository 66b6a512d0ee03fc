/**
 * Daily API allowance from the store's real per-day call counter, and the /limits body
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm).
 * The daily request limit is soft: Salesforce keeps serving calls a while past Max (the usage header
 * then reads e.g. `api-usage=10018/10000`) before it refuses with REQUEST_LIMIT_EXCEEDED
 * (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm);
 * `softShare` is how far past Max (0.1 = 10%). Bulk API 2.0 query jobs and ingest batches/records
 * have their own daily limits
 * (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_bulkapi.htm).
 */
import type { BulkLimits, Limits } from './context';
import type { Faults } from './faults';
import type { OrgStore } from './store';

/** Salesforce's Bulk API 2.0 daily limits: 10,000 query jobs, 15,000 batches, 150,000,000 ingested records. */
export const DEFAULT_BULK_LIMITS: BulkLimits = { queryJobs: 10_000, batches: 15_000, records: 150_000_000 };

/** Records per Bulk API 2.0 ingest batch: Salesforce splits job data into batches of 10,000 records. */
export const RECORDS_PER_BATCH = 10_000;

/** Limits backed by OrgStore's per-day counters; `faults.limitExceeded()` forces exhaustion. */
export function createLimits(
  store: OrgStore,
  faults: Faults,
  dailyMax: number,
  opts: { softShare?: number; bulk?: Partial<BulkLimits> } = {},
): Limits {
  const hardMax = Math.floor(dailyMax * (1 + (opts.softShare ?? 0)));
  const bulk: BulkLimits = { ...DEFAULT_BULK_LIMITS, ...opts.bulk };
  return {
    dailyMax,
    bulk,
    used: () => store.apiCallsToday(),
    consume(n = 1) {
      if (faults.limitExhausted) return false;
      if (store.apiCallsToday() + n > hardMax) return false;
      store.countApiCall(n);
      return true;
    },
    bulkUsed: (what) => store.dailyCount(what),
    consumeBulk(what, n) {
      if (store.dailyCount(what) + n > bulk[what]) return false;
      store.countDaily(what, n);
      return true;
    },
  };
}

/** The `/limits` response: flat `{Name: {Max, Remaining}}` (values other than DailyApiRequests are static). */
export function limitsBody(limits: Limits): Record<string, unknown> {
  const remaining = Math.max(0, limits.dailyMax - limits.used());
  const fixed = (max: number) => ({ Max: max, Remaining: max });
  const live = (max: number, used: number) => ({ Max: max, Remaining: Math.max(0, max - used) });
  return {
    ConcurrentAsyncGetReportInstances: fixed(200),
    ConcurrentSyncReportRuns: fixed(20),
    DailyApiRequests: { Max: limits.dailyMax, Remaining: remaining },
    DailyAsyncApexExecutions: fixed(250000),
    DailyBulkApiBatches: live(limits.bulk.batches, limits.bulkUsed('batches')),
    DailyBulkV2QueryFileStorageMB: fixed(1000000),
    DailyBulkV2QueryJobs: live(limits.bulk.queryJobs, limits.bulkUsed('queryJobs')),
    DataStorageMB: fixed(1024),
    FileStorageMB: fixed(2048),
    HourlyODataCallout: fixed(10000),
    SingleEmail: fixed(5000),
  };
}

/** The `Sforce-Limit-Info` header value. */
export function limitInfoHeader(limits: Limits): string {
  return `api-usage=${limits.used()}/${limits.dailyMax}`;
}
