/**
 * The backtest's arithmetic, pure: ranking accounts by score, AUC with ties at their average rank,
 * deciles, conversion rates and lift by group, recall in the top fifth, the ROC curve.
 */
import { cmp } from '../scoring/sum';

/** One account of a backtest population: its score as of the day and whether it converted. */
export interface Outcome {
  accountId: string;
  /** The exact score; an unscored account counts as 0. */
  score: number;
  positive: boolean;
}

/** Conversion of a group of accounts: rate = positives ÷ accounts, lift = rate ÷ base rate (null when undefined). */
export interface RateRow {
  accounts: number;
  positives: number;
  rate: number | null;
  lift: number | null;
}

/** Highest score first; equal scores by account id, so every split of the ranking is reproducible. */
export function rankByScore<T extends Outcome>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.score - a.score || cmp(a.accountId, b.accountId));
}

/** A group's rate and lift against the base rate. */
export function rateRow(accounts: number, positives: number, baseRate: number | null): RateRow {
  const rate = accounts > 0 ? positives / accounts : null;
  const lift = rate !== null && baseRate !== null && baseRate > 0 ? rate / baseRate : null;
  return { accounts, positives, rate, lift };
}

/** Positives ÷ accounts of the whole population; null when it is empty. */
export function baseRateOf(items: readonly Outcome[]): number | null {
  if (items.length === 0) return null;
  return items.filter((i) => i.positive).length / items.length;
}

/**
 * The area under the ROC curve as the Mann–Whitney statistic: the chance that a random positive
 * scores above a random negative, a tie counting one half (ties take their average rank). Null
 * without at least one positive and one negative.
 */
export function auc(items: readonly Outcome[]): number | null {
  const positives = items.filter((i) => i.positive).length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    // Ranks i+1 … j share their average.
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.positive) rankSum += avg;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The decile (1 = highest scores) of the account at 0-based position `i` of a ranking of `n`. */
export function decileOf(i: number, n: number): number {
  return Math.floor((i * 10) / n) + 1;
}

/**
 * Ten deciles of the ranking (rankByScore): the account at position i goes to decile ⌊10 i / n⌋ + 1,
 * so decile sizes differ by at most one and decile 1 holds the highest scores. Ties across a
 * boundary are split by account id (the ranking's order).
 */
export function deciles(items: readonly Outcome[]): ({ decile: number } & RateRow)[] {
  const ranked = rankByScore(items);
  const base = baseRateOf(items);
  const counts = Array.from({ length: 10 }, () => ({ accounts: 0, positives: 0 }));
  ranked.forEach((item, i) => {
    const c = counts[decileOf(i, ranked.length) - 1]!;
    c.accounts++;
    if (item.positive) c.positives++;
  });
  return counts.map((c, i) => ({ decile: i + 1, ...rateRow(c.accounts, c.positives, base) }));
}

/** Share of all positives found in deciles 1 and 2 (the top fifth of the ranking); null without positives. */
export function recallTop20(items: readonly Outcome[]): number | null {
  const total = items.filter((i) => i.positive).length;
  if (total === 0) return null;
  const ranked = rankByScore(items);
  let found = 0;
  ranked.forEach((item, i) => {
    if (item.positive && decileOf(i, ranked.length) <= 2) found++;
  });
  return found / total;
}

/** Rate and lift per group (a band, a trend), in the order of `groups`; groups nobody is in stay, with 0 accounts. */
export function ratesBy<T extends Outcome, G extends string>(
  items: readonly T[],
  groupOf: (item: T) => G,
  groups: readonly G[],
): ({ group: G } & RateRow)[] {
  const base = baseRateOf(items);
  const counts = new Map<G, { accounts: number; positives: number }>(
    groups.map((g) => [g, { accounts: 0, positives: 0 }]),
  );
  for (const item of items) {
    const g = groupOf(item);
    let c = counts.get(g);
    if (!c) counts.set(g, (c = { accounts: 0, positives: 0 }));
    c.accounts++;
    if (item.positive) c.positives++;
  }
  return [...counts].map(([group, c]) => ({ group, ...rateRow(c.accounts, c.positives, base) }));
}

/** A point of the ROC curve: false-positive and true-positive rates at one score threshold. */
export interface RocPoint {
  fpr: number;
  tpr: number;
}

/**
 * The ROC curve from (0,0) to (1,1): one point per distinct score, highest first (tied accounts move
 * together, which draws the diagonal segment whose area counts a tie one half). Empty without at
 * least one positive and one negative.
 */
export function rocCurve(items: readonly Outcome[]): RocPoint[] {
  const positives = items.filter((i) => i.positive).length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return [];
  const ranked = [...items].sort((a, b) => b.score - a.score);
  const out: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < ranked.length;) {
    let j = i;
    while (j < ranked.length && ranked[j]!.score === ranked[i]!.score) {
      if (ranked[j]!.positive) tp++;
      else fp++;
      j++;
    }
    out.push({ fpr: fp / negatives, tpr: tp / positives });
    i = j;
  }
  return out;
}

/** At most `max` points of a curve, evenly picked, first and last kept (a chart needs no more). */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]!);
  return out;
}
