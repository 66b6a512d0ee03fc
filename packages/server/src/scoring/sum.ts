/**
 * How reduced cells add up into a finish input, the same in every engine: the one-day SQL reduction and
 * the back-fill's prefix sums reach an account's totals by different paths and must agree to the bit.
 */

/**
 * A cell's points to 12 significant digits. The one-day SQL and the back-fill's prefix sums reach the
 * same decayed sum by different float paths (e.g. 1 vs 0.9999999999999999 for a fresh event), and the
 * finish compares points with exact thresholds (an engaged person has ≥ engagedPoints): settling both
 * to one representation keeps the two engines in agreement; 1e-12 is far below anything shown.
 */
export function settle(points: number): number {
  if (points === 0 || !Number.isFinite(points)) return points;
  // Rounding by a power of ten instead of toPrecision: the same 12 significant digits at a tenth of the
  // cost (the back-fill settles every cell of every day). Powers up to 1e22 are exact doubles.
  const decimals = 11 - Math.floor(Math.log10(points < 0 ? -points : points));
  if (decimals >= 0 && decimals <= 22) return Math.round(points * POW10[decimals]!) / POW10[decimals]!;
  if (decimals < 0 && decimals >= -22) return Math.round(points / POW10[-decimals]!) * POW10[-decimals]!;
  return Number(points.toPrecision(12));
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Byte-order comparison of ids, the order every engine sums people in (and ties are broken by). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The summing order of an account's (person, KPI) cells: person-less cells first, then by person id in
 * byte order, then by KPI position. Summing in one fixed order gives every caller bit-identical totals.
 */
export function sumOrder(personA: string | null, kpiA: number, personB: string | null, kpiB: number): number {
  return (personA === null ? 0 : 1) - (personB === null ? 0 : 1) || cmp(personA ?? '', personB ?? '') || kpiA - kpiB;
}
