import { PulseError } from '../errors';
import type { CountKpi, Model, RateKpi } from '../model/schema';

/** Saturating sub-score of a count KPI: 100 × (1 − e^(−P/reference)). */
export function countSubscore(points: number, reference: number): number {
  if (points <= 0) return 0;
  return 100 * (1 - Math.exp(-points / reference));
}

/** Sub-score of a rate KPI: min(100, 100 × (num/den)/target); 0 when den is 0 or below minDenominator. */
export function rateSubscore(numerator: number, denominator: number, rate: RateKpi['rate']): number {
  if (denominator <= 0 || denominator < rate.minDenominator) return 0;
  return Math.min(100, (100 * (numerator / denominator)) / rate.target);
}

/** The observed rate (num/den), 0 when the denominator is below its minimum. */
export function rateValue(numerator: number, denominator: number, rate: RateKpi['rate']): number {
  if (denominator <= 0 || denominator < rate.minDenominator) return 0;
  return numerator / denominator;
}

/** The frozen references for "auto" KPIs, by KPI key. */
export type References = Record<string, number>;

/** The KPI's reference: its number, else the frozen value from `references`, else from model.references. */
export function resolveReference(model: Model, kpi: CountKpi, references: References): number {
  if (typeof kpi.reference === 'number') return kpi.reference;
  const r = references[kpi.key] ?? model.references?.[kpi.key];
  if (r === undefined) {
    throw new PulseError(
      'REFERENCE_MISSING',
      `KPI "${kpi.key}" has reference "auto" but model ${model.version} has no calibrated reference for it; publish the model to calibrate`,
      { kpi: kpi.key, model: model.version },
    );
  }
  return r;
}

/**
 * Calibrates an "auto" reference: the 75th percentile of the positive P values by nearest rank
 * (sorted ascending, the value at rank ⌈0.75 n⌉), at least 1; 1 when there are none.
 */
export function calibrateReference(positivePs: number[]): number {
  const ps = positivePs.filter((p) => p > 0).sort((a, b) => a - b);
  if (ps.length === 0) return 1;
  const rank = Math.ceil(0.75 * ps.length);
  return Math.max(1, ps[rank - 1] as number);
}
