/**
 * Daily API allowance from the store's real per-day call counter, and the /limits body
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm).
 */
import type { Faults } from './faults';
import type { Limits } from './context';
import type { OrgStore } from './store';

/** Limits backed by OrgStore's per-day counter; `faults.limitExceeded()` forces exhaustion. */
export function createLimits(store: OrgStore, faults: Faults, dailyMax: number): Limits {
  return {
    dailyMax,
    used: () => store.apiCallsToday(),
    consume(n = 1) {
      if (faults.limitExhausted) return false;
      if (store.apiCallsToday() + n > dailyMax) return false;
      store.countApiCall(n);
      return true;
    },
  };
}

/** The `/limits` response: flat `{Name: {Max, Remaining}}` (values other than DailyApiRequests are static). */
export function limitsBody(limits: Limits): Record<string, unknown> {
  const remaining = Math.max(0, limits.dailyMax - limits.used());
  const fixed = (max: number) => ({ Max: max, Remaining: max });
  return {
    ConcurrentAsyncGetReportInstances: fixed(200),
    ConcurrentSyncReportRuns: fixed(20),
    DailyApiRequests: { Max: limits.dailyMax, Remaining: remaining },
    DailyAsyncApexExecutions: fixed(250000),
    DailyBulkApiBatches: fixed(15000),
    DailyBulkV2QueryFileStorageMB: fixed(1000000),
    DailyBulkV2QueryJobs: fixed(10000),
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
