/**
 * Bulk API 2.0 query for large first pulls: one job (queryAll, so deletes come too), then the
 * CSV results page by page with `maxRecords` and the `Sforce-Locator` — one page in memory at a time.
 */
import type { Connection } from 'jsforce';
import { parse } from 'csv-parse/sync';
import { PulseError } from '../../errors';
import { API_VERSION } from './connection';
import type { ApiBudget } from './extract';
import type { SfRow } from './records';
import { realSleep as sleep, timedFetch } from '../retry';

const BOOLEAN_FIELDS = new Set(['IsDeleted', 'IsActive', 'IsConverted', 'IsClosed', 'IsWon', 'HasResponded']);
const NUMBER_FIELDS = new Set(['NumberOfEmployees', 'Amount', 'CallDurationInSeconds', 'DurationInMinutes']);

interface JobInfo {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  errorMessage?: string;
}

/** Bulk CSV carries text only: booleans and numbers of the fields Pulse reads get their JSON types back. */
export function typeBulkRow(row: Record<string, string | null>): SfRow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null) out[k] = null;
    else if (BOOLEAN_FIELDS.has(k)) out[k] = v === 'true';
    else if (NUMBER_FIELDS.has(k)) out[k] = Number(v);
    else out[k] = v;
  }
  return out as SfRow;
}

/** Parses one results page; an unquoted empty cell is null, a quoted one is ''. */
export function parseBulkCsv(text: string): SfRow[] {
  const rows = parse(text, {
    columns: true,
    skip_empty_lines: true,
    cast: (value, ctx) => (ctx.quoting ? value : value === '' ? null : value),
  }) as Array<Record<string, string | null>>;
  return rows.map(typeBulkRow);
}

/** A results page can be tens of megabytes of CSV: it gets longer than one REST call. */
const RESULTS_TIMEOUT_MS = 600_000;

/**
 * GETs one results page. Results are CSV with the next page's locator in a header, which jsforce's
 * request() does not return, so the download goes straight to the instance with the session token.
 * That bypasses jsforce's session refresh: a 401 here signs in again through the connection's own
 * refresh (connectSalesforce's auth) and retries the page once, like jsforce does for REST calls.
 */
async function downloadResults(
  conn: Connection,
  path: string,
  opts: { object: string; budget: ApiBudget },
): Promise<Response> {
  const get = () =>
    timedFetch(fetch, RESULTS_TIMEOUT_MS)(`${conn.instanceUrl}/services/data/v${API_VERSION}${path}`, {
      headers: { Authorization: `Bearer ${conn.accessToken}`, Accept: 'text/csv' },
    });
  const startedAt = Date.now();
  const res = await get();
  const refresher = conn._refreshDelegate;
  if (res.status !== 401 || !refresher) return res;
  await res.body?.cancel();
  try {
    // `startedAt`: a refresh another call made meanwhile is reused, not repeated.
    await refresher.refresh(startedAt);
  } catch (cause) {
    throw new PulseError(
      'SF_AUTH',
      `the session expired during the Bulk API 2.0 results download of ${opts.object} and signing in again failed: check the Salesforce connection`,
      { object: opts.object },
      { cause },
    );
  }
  opts.budget.take(opts.object);
  return get();
}

/** Streams a Bulk 2.0 queryAll job's results, `pageSize` records per API call. */
export async function* bulkQueryPages(
  conn: Connection,
  soql: string,
  opts: { object: string; budget: ApiBudget; pageSize?: number; pollMs?: number },
): AsyncGenerator<SfRow[]> {
  const base = `/jobs/query`;
  opts.budget.take(opts.object);
  let job = await conn.request<JobInfo>({
    method: 'POST',
    url: base,
    body: JSON.stringify({ operation: 'queryAll', query: soql }),
    headers: { 'Content-Type': 'application/json' },
  });
  let wait = opts.pollMs ?? 250;
  while (job.state === 'UploadComplete' || job.state === 'InProgress') {
    await sleep(wait);
    wait = Math.min(wait * 2, 5_000);
    opts.budget.take(opts.object);
    job = await conn.request<JobInfo>(`${base}/${job.id}`);
  }
  if (job.state !== 'JobComplete') {
    throw new PulseError(
      'SF_BULK',
      `Bulk API 2.0 query on ${opts.object} ended ${job.state}: ${job.errorMessage ?? ''}`,
      {
        object: opts.object,
        job: job.id,
      },
    );
  }
  let locator: string | null = '';
  while (locator !== null) {
    opts.budget.take(opts.object);
    const params = new URLSearchParams({ maxRecords: String(opts.pageSize ?? 50_000) });
    if (locator) params.set('locator', locator);
    const res = await downloadResults(conn, `${base}/${job.id}/results?${params}`, opts);
    if (!res.ok) {
      const body = await res.text();
      throw new PulseError('SF_BULK', `Bulk API 2.0 results of ${opts.object} failed (${res.status}): ${body}`, {
        object: opts.object,
        job: job.id,
      });
    }
    const next = res.headers.get('sforce-locator');
    locator = next && next !== 'null' ? next : null;
    const rows = parseBulkCsv(await res.text());
    if (rows.length > 0) yield rows;
  }
}
