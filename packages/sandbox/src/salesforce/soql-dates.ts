/**
 * SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_MONTH, …) as half-open UTC day ranges.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 * The emulator's user time zone is UTC and its fiscal year is the calendar year (the org default),
 * so FISCAL variants equal their calendar twins. Weeks start on Sunday (en_US locale).
 */

/** A half-open range [start, end) of UTC instants, in epoch milliseconds. */
export interface DateRange {
  start: number;
  end: number;
}

const DAY = 86_400_000;

function utcDay(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

function addMonths(monthIndexFromEpoch: number): number {
  const y = Math.floor(monthIndexFromEpoch / 12);
  const m = monthIndexFromEpoch - y * 12;
  return Date.UTC(y, m, 1);
}

type Unit = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

/** The start of the unit containing `now`, plus `k` units, as epoch ms. */
function unitStart(now: Date, unit: Unit, k: number): number {
  const today = utcDay(now);
  switch (unit) {
    case 'DAY':
      return today + k * DAY;
    case 'WEEK':
      return today - now.getUTCDay() * DAY + k * 7 * DAY;
    case 'MONTH':
      return addMonths(now.getUTCFullYear() * 12 + now.getUTCMonth() + k);
    case 'QUARTER':
      return addMonths(now.getUTCFullYear() * 12 + Math.floor(now.getUTCMonth() / 3) * 3 + 3 * k);
    case 'YEAR':
      return Date.UTC(now.getUTCFullYear() + k, 0, 1);
  }
}

/** [start of unit k0, start of unit k1) relative to the unit containing now. */
function span(now: Date, unit: Unit, k0: number, k1: number): DateRange {
  return { start: unitStart(now, unit, k0), end: unitStart(now, unit, k1) };
}

const UNIT_WORDS: Record<string, Unit> = {
  DAYS: 'DAY',
  WEEKS: 'WEEK',
  MONTHS: 'MONTH',
  QUARTERS: 'QUARTER',
  FISCAL_QUARTERS: 'QUARTER',
  YEARS: 'YEAR',
  FISCAL_YEARS: 'YEAR',
};

/**
 * The range a date literal covers at `now`, or undefined when the name is unknown.
 * `n` is the number after the colon of an N-literal.
 */
export function dateLiteralRange(literal: string, now: Date, n?: number): DateRange | undefined {
  const name = literal.toUpperCase().split(':')[0] ?? '';
  const fixed: Record<string, [Unit, number, number]> = {
    YESTERDAY: ['DAY', -1, 0],
    TODAY: ['DAY', 0, 1],
    TOMORROW: ['DAY', 1, 2],
    LAST_WEEK: ['WEEK', -1, 0],
    THIS_WEEK: ['WEEK', 0, 1],
    NEXT_WEEK: ['WEEK', 1, 2],
    LAST_MONTH: ['MONTH', -1, 0],
    THIS_MONTH: ['MONTH', 0, 1],
    NEXT_MONTH: ['MONTH', 1, 2],
    LAST_QUARTER: ['QUARTER', -1, 0],
    THIS_QUARTER: ['QUARTER', 0, 1],
    NEXT_QUARTER: ['QUARTER', 1, 2],
    LAST_FISCAL_QUARTER: ['QUARTER', -1, 0],
    THIS_FISCAL_QUARTER: ['QUARTER', 0, 1],
    NEXT_FISCAL_QUARTER: ['QUARTER', 1, 2],
    LAST_YEAR: ['YEAR', -1, 0],
    THIS_YEAR: ['YEAR', 0, 1],
    NEXT_YEAR: ['YEAR', 1, 2],
    LAST_FISCAL_YEAR: ['YEAR', -1, 0],
    THIS_FISCAL_YEAR: ['YEAR', 0, 1],
    NEXT_FISCAL_YEAR: ['YEAR', 1, 2],
    // Documented as "starts 00:00:00 of the current day and continues for the last 90 days".
    LAST_90_DAYS: ['DAY', -90, 1],
    NEXT_90_DAYS: ['DAY', 1, 91],
  };
  const f = fixed[name];
  if (f && n === undefined) return span(now, f[0], f[1], f[2]);
  if (n === undefined || !Number.isInteger(n) || n < 0) return undefined;
  const m = /^(LAST|NEXT)_N_(.+)$/.exec(name) ?? /^N_(.+)_AGO$/.exec(name);
  if (!m) return undefined;
  if (m.length === 2) {
    const unit = UNIT_WORDS[m[1] ?? ''];
    return unit ? span(now, unit, -n, -n + 1) : undefined;
  }
  const unit = UNIT_WORDS[m[2] ?? ''];
  if (!unit) return undefined;
  if (m[1] === 'LAST') {
    // LAST_N_DAYS includes today; LAST_N_WEEKS/MONTHS/… end at the start of the current unit.
    return unit === 'DAY' ? span(now, unit, -n, 1) : span(now, unit, -n, 0);
  }
  // NEXT_N_* start at the next unit (NEXT_N_DAYS starts tomorrow).
  return span(now, unit, 1, n + 1);
}

/** Epoch ms of a 'YYYY-MM-DD' date at 00:00 UTC. */
export function dateToMs(date: string): number {
  return Date.parse(date.slice(0, 10) + 'T00:00:00Z');
}

/** Epoch ms of a SOQL or Salesforce-JSON datetime (`Z`, `+hh:mm` or `+hhmm` offsets). */
export function dateTimeToMs(value: string): number {
  const fixed = value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  return Date.parse(fixed);
}
