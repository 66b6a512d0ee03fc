import type { Model } from '../model/schema';

/** The engagement bands, as Salesforce's picklist spells them. */
export type Band = 'Low' | 'Medium' | 'High' | 'Very High';

/** Rounds a score half up to a whole number; a 1e-9 tolerance lets a float sum meant as x.5 (e.g. 24.4999999999) round up. */
export function roundScore(score: number): number {
  return Math.floor(score + 0.5 + 1e-9);
}

/** The band of a rounded score: Low < medium ≤ Medium < high ≤ High < veryHigh ≤ Very High. */
export function bandOf(model: Model, roundedScore: number): Band {
  const b = model.bands;
  if (roundedScore >= b.veryHigh) return 'Very High';
  if (roundedScore >= b.high) return 'High';
  if (roundedScore >= b.medium) return 'Medium';
  return 'Low';
}
