import type { Model } from '../model/schema';

/** The trend picklist values. */
export type Trend = 'New' | 'Cooling' | 'Neutral' | 'Heating' | 'Surging';

/** A trend and the change it was computed from (null change when New). */
export interface TrendResult {
  trend: Trend;
  change: number | null;
}

/**
 * Trend from rounded scores: today (null = no score today, counts as 0) against `trend.days`
 * earlier (null = no score then → New). Δ ≤ cooling → Cooling; Δ ≥ surging → Surging;
 * Δ ≥ heating → Heating; else Neutral. Null when there is no score on either day.
 */
export function trendOf(model: Model, today: number | null, past: number | null): TrendResult | null {
  if (past === null) return today === null ? null : { trend: 'New', change: null };
  const change = (today ?? 0) - past;
  const t = model.trend;
  if (change <= t.cooling) return { trend: 'Cooling', change };
  if (change >= t.surging) return { trend: 'Surging', change };
  if (change >= t.heating) return { trend: 'Heating', change };
  return { trend: 'Neutral', change };
}
