import type { Connection } from 'jsforce';
import { PulseError } from '../../errors';
import type { SfRow } from './records';
import { VIEW_ALL_DATA_FIX } from './readPreflight';

/** Thrown before a call that would pass the run's API budget; the run stops cleanly. */
export class BudgetExhausted extends PulseError {
  constructor(used: number, allowed: number) {
    super(
      'SF_BUDGET',
      `API budget reached: ${used} of ${allowed} calls used; the next run resumes from the checkpoints`,
      {
        used,
        allowed,
      },
    );
  }
}

/** Counts API calls per object against the share of the daily allowance a run may use. */
export class ApiBudget {
  used = 0;
  readonly byObject: Record<string, number> = {};

  constructor(public allowed: number) {}

  /** Books one call for `object`, or throws BudgetExhausted when it would pass the budget. */
  take(object: string): void {
    if (this.used + 1 > this.allowed) throw new BudgetExhausted(this.used, this.allowed);
    this.used++;
    this.byObject[object] = (this.byObject[object] ?? 0) + 1;
  }
}

interface QueryPage {
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<SfRow & { attributes?: unknown }>;
}

/**
 * Streams the result of a SOQL query page by page (queryAll, so deleted rows arrive with
 * IsDeleted = true). Only one page is in memory at a time; every page is one API call.
 */
export async function* queryPages(
  conn: Connection,
  soql: string,
  opts: { object: string; budget: ApiBudget; pageSize?: number; all?: boolean },
): AsyncGenerator<SfRow[]> {
  const headers = opts.pageSize ? { 'Sforce-Query-Options': `batchSize=${opts.pageSize}` } : undefined;
  let url: string | undefined = `/${opts.all === false ? 'query' : 'queryAll'}?q=${encodeURIComponent(soql)}`;
  while (url) {
    opts.budget.take(opts.object);
    let page: QueryPage;
    try {
      page = await conn.request<QueryPage>({ method: 'GET', url, headers });
    } catch (cause) {
      // Salesforce checks sharing row by row for a user without View All Data, and gives up on big activity queries.
      if ((cause as { errorCode?: string }).errorCode !== 'OPERATION_TOO_LARGE') throw cause;
      throw new PulseError(
        'SF_PERMISSION',
        `Salesforce refused the ${opts.object} query (OPERATION_TOO_LARGE): the integration user lacks View All Data — ${VIEW_ALL_DATA_FIX}`,
        { object: opts.object, permission: 'ViewAllData' },
        { cause },
      );
    }
    yield page.records.map(stripAttributes);
    url = page.done ? undefined : page.nextRecordsUrl;
  }
}

function stripAttributes(r: SfRow & { attributes?: unknown }): SfRow {
  const { attributes: _attributes, ...rest } = r;
  return rest as SfRow;
}
