/**
 * The org's daily API allowance, as a pull or a write budgets against it. GET /limits says it best,
 * but Salesforce serves it only to users with "View Setup and Configuration", which an integration
 * user need not have; then the Sforce-Limit-Info header every REST answer carries (the refused call's
 * too) gives used/max, and failing that a configured daily allowance is assumed.
 */
import type { Connection } from 'jsforce';
import { log } from '../../log';

/** Where the allowance came from: /limits, the Sforce-Limit-Info header, or the configured assumption. */
export type AllowanceSource = 'limits' | 'header' | 'configured';

/** What a run may plan with. */
export interface DailyAllowance {
  /** API requests left today (never below 0: daily limits are soft, usage can pass the maximum). */
  remaining: number;
  max: number;
  source: AllowanceSource;
  /** Bulk API 2.0 query jobs left today (null when /limits could not be read). */
  bulkQueryJobsRemaining: number | null;
  /** Bulk API (and 2.0 ingest) batches left today (null when /limits could not be read). */
  bulkBatchesRemaining: number | null;
  /** Why /limits was not used, for the run log (absent when it was). */
  note?: string;
}

/** Assumed daily requests when neither /limits nor the header answers (Developer Edition's 15,000, the smallest). */
export const DEFAULT_ASSUMED_DAILY_REQUESTS = 15_000;

interface LimitsBody {
  DailyApiRequests?: { Max: number; Remaining: number };
  DailyBulkV2QueryJobs?: { Max: number; Remaining: number };
  DailyBulkApiBatches?: { Max: number; Remaining: number };
}

/** Errors of GET /limits that mean "this user may not read it", not "the org is out of calls". */
const NOT_ALLOWED = new Set(['INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'FORBIDDEN']);

/**
 * Reads the allowance (one API call). A /limits refused for lack of permission falls back to the
 * Sforce-Limit-Info header, then to `assumedDailyRequests`; REQUEST_LIMIT_EXCEEDED and every other
 * error propagate.
 */
export async function readDailyAllowance(
  conn: Connection,
  orgId: string,
  opts: { assumedDailyRequests?: number } = {},
): Promise<DailyAllowance> {
  try {
    const body = await conn.request<LimitsBody>(`/services/data/v${conn.version}/limits`);
    const d = body.DailyApiRequests;
    return {
      remaining: Math.max(0, d?.Remaining ?? 0),
      max: d?.Max ?? 0,
      source: 'limits',
      bulkQueryJobsRemaining: body.DailyBulkV2QueryJobs ? Math.max(0, body.DailyBulkV2QueryJobs.Remaining) : null,
      bulkBatchesRemaining: body.DailyBulkApiBatches ? Math.max(0, body.DailyBulkApiBatches.Remaining) : null,
    };
  } catch (e) {
    const code = (e as { errorCode?: string }).errorCode ?? '';
    if (!NOT_ALLOWED.has(code)) throw e;
    const why = `GET /limits was refused (${code}: the integration user lacks "View Setup and Configuration")`;
    const usage = conn.limitInfo?.apiUsage;
    const allowance: DailyAllowance = usage
      ? {
          remaining: Math.max(0, usage.limit - usage.used),
          max: usage.limit,
          source: 'header',
          bulkQueryJobsRemaining: null,
          bulkBatchesRemaining: null,
          note: `${why}; budgeting from the Sforce-Limit-Info header (api-usage=${usage.used}/${usage.limit}) — grant View Setup and Configuration to the integration user to read /limits`,
        }
      : {
          remaining: opts.assumedDailyRequests ?? DEFAULT_ASSUMED_DAILY_REQUESTS,
          max: opts.assumedDailyRequests ?? DEFAULT_ASSUMED_DAILY_REQUESTS,
          source: 'configured',
          bulkQueryJobsRemaining: null,
          bulkBatchesRemaining: null,
          note: `${why} and no Sforce-Limit-Info header came back; assuming ${opts.assumedDailyRequests ?? DEFAULT_ASSUMED_DAILY_REQUESTS} daily requests — grant View Setup and Configuration to the integration user`,
        };
    log.warn({ org: orgId, source: allowance.source, remaining: allowance.remaining }, allowance.note);
    return allowance;
  }
}
