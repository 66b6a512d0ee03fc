/**
 * Who a backtest counts and who converted, pure: the population is every account without an
 * opportunity open on the as-of day; a positive has an opportunity created in (as-of, as-of + horizon].
 */
import { addDays } from '../scoring/days';

/** An opportunity by UTC days (store/opportunities.ts reads them so). */
export interface OpportunityDays {
  accountId: string;
  createdDay: string;
  /** Null while open. */
  closedDay: string | null;
}

/** Open at the end of `day`: created on or before it and not closed by then (closed that day is closed). */
export function isOpenOn(o: OpportunityDays, day: string): boolean {
  return o.createdDay <= day && (o.closedDay === null || o.closedDay > day);
}

/** Created in (asOf, asOf + horizonDays]. */
export function isCreatedWithin(o: OpportunityDays, asOf: string, horizonDays: number): boolean {
  return o.createdDay > asOf && o.createdDay <= addDays(asOf, horizonDays);
}

/** The accounts a backtest of `asOf` counts, in the given order, each with whether it converted. */
export function populationOf(
  accountIds: readonly string[],
  opportunities: readonly OpportunityDays[],
  asOf: string,
  horizonDays: number,
): { accountId: string; positive: boolean }[] {
  const open = new Set<string>();
  const converted = new Set<string>();
  for (const o of opportunities) {
    if (isOpenOn(o, asOf)) open.add(o.accountId);
    if (isCreatedWithin(o, asOf, horizonDays)) converted.add(o.accountId);
  }
  return accountIds.filter((id) => !open.has(id)).map((id) => ({ accountId: id, positive: converted.has(id) }));
}
