/**
 * Band drift, pure: the share of scored accounts in each band on a day, and the population-stability
 * index (PSI) of one day's shares against a baseline's. PSI = Σ (a − e) · ln(a / e) over the bands,
 * a the actual share, e the expected (baseline) one; an empty band counts as PSI_FLOOR so the log
 * stays finite. Above DRIFT_THRESHOLD (0.2, the usual "significant shift" line) the run warns.
 */
import type { Band } from './band';

/** The bands, highest first, as drift lists them. */
export const DRIFT_BANDS: readonly Band[] = ['Very High', 'High', 'Medium', 'Low'];

/** Share of accounts per band, each in [0, 1], summing to 1 (all 0 when nothing was scored). */
export type BandShares = Record<Band, number>;

/** The share an empty band counts as (0.01%): ln(0) would make one empty band infinite drift. */
export const PSI_FLOOR = 0.0001;

/** PSI above this is a warning. */
export const DRIFT_THRESHOLD = 0.2;

/** The band shares of a day's scores. */
export function bandShares(bands: Iterable<Band>): BandShares {
  const counts: BandShares = { 'Very High': 0, High: 0, Medium: 0, Low: 0 };
  let n = 0;
  for (const b of bands) {
    counts[b] += 1;
    n += 1;
  }
  if (n === 0) return counts;
  for (const b of DRIFT_BANDS) counts[b] /= n;
  return counts;
}

/** The population-stability index of `actual` against `expected`, with empty bands floored. */
export function psi(actual: BandShares, expected: BandShares): number {
  let sum = 0;
  for (const b of DRIFT_BANDS) {
    const a = Math.max(actual[b] ?? 0, PSI_FLOOR);
    const e = Math.max(expected[b] ?? 0, PSI_FLOOR);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
