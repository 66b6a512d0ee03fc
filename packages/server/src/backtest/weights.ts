/**
 * Suggested KPI weights from fitted coefficients, pure: positive coefficients share what the KPIs
 * that keep their weight leave of 100, in proportion, rounded to whole numbers that total exactly 100.
 */

/** One KPI going into the suggestion. */
export interface WeightInput {
  key: string;
  currentWeight: number;
  /** The fitted coefficient; null when the KPI keeps its weight (too little support, or not learned). */
  coefficient: number | null;
}

/**
 * Whole numbers proportional to `shares` that total `total` (largest remainder; ties to the earlier
 * one). All-zero shares give all zeros.
 */
export function apportion(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((s, x) => s + x, 0);
  if (sum <= 0 || total <= 0) return shares.map(() => 0);
  const exact = shares.map((s) => (s / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

/**
 * The suggested weight of each KPI, in input order. KPIs without a coefficient keep their weight;
 * the others share the rest of 100 in proportion to their coefficient, a negative one counting as 0
 * (a weight cannot be negative). When no learned coefficient is positive nothing is learned and every
 * KPI keeps its weight (`learned` false).
 */
export function suggestWeights(kpis: readonly WeightInput[]): { weights: number[]; learned: boolean } {
  const kept = kpis.reduce((s, k) => s + (k.coefficient === null ? k.currentWeight : 0), 0);
  const positive = kpis.map((k) => (k.coefficient === null ? 0 : Math.max(0, k.coefficient)));
  if (positive.every((p) => p === 0) || kept > 100)
    return { weights: kpis.map((k) => k.currentWeight), learned: false };
  const shared = apportion(positive, 100 - kept);
  return { weights: kpis.map((k, i) => (k.coefficient === null ? k.currentWeight : shared[i]!)), learned: true };
}
