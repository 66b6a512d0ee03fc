import { auc, deciles, rankByScore, recallTop20, rocCurve, thin } from '../metrics';
import { populationOf } from '../population';
import { stabilityTable, summarize, type PopulationAccount } from '../summary';
import { bandOf } from '../../scoring/band';
import { parseModel } from '../../model/schema';

// The 20-account fixture. Ranked by score (ties by id), P = converted:
//   pos 0 A01 95 P | pos 1 A02 90 P | pos 2 A03 80 N | pos 3 A04 70 N | pos 4 A05 70 P (tie with A04)
//   pos 5 A06 60 N | pos 6 A07 50 N | pos 7 A08 40 P | pos 8 A09 30 N | pos 9 A10 20 N
//   pos 10–19 A11…A20 unscored (0), A15 P.
// 5 positives, 15 negatives, base rate 5 / 20 = 0.25.
const SCORES = [95, 90, 80, 70, 70, 60, 50, 40, 30, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const POSITIVE = new Set(['A01', 'A02', 'A05', 'A08', 'A15']);
const id = (i: number) => `A${String(i + 1).padStart(2, '0')}`;
const model = parseModel({
  version: 'hand-1',
  kpis: [{ key: 'meetings', label: 'Meetings', weight: 100, activities: { meeting: 1 } }],
});
// Listed out of order on purpose: the ranking must not depend on the input order.
const FIXTURE: PopulationAccount[] = SCORES.map((score, i): PopulationAccount => ({
  accountId: id(i),
  score,
  positive: POSITIVE.has(id(i)),
  band: bandOf(model, score),
  trend: score > 0 ? 'Neutral' : 'Unscored',
})).reverse();

describe('backtest arithmetic on the 20-account fixture, computed by hand', () => {
  it('ranks by score, ties by account id', () => {
    expect(
      rankByScore(FIXTURE)
        .map((a) => a.accountId)
        .slice(0, 6),
    ).toEqual(['A01', 'A02', 'A03', 'A04', 'A05', 'A06']);
  });

  it('AUC counts a tie as one half (average ranks)', () => {
    // Negatives below each positive (+ ½ per tied negative):
    //   A01 95: 15; A02 90: 15; A05 70: 13 + ½ (A04) = 13.5; A08 40: A09, A10 + 9 zeros = 11;
    //   A15 0: 0 + ½ × 9 zeros = 4.5. Σ = 59 → AUC = 59 / (5 × 15) = 0.78667.
    // Same by ranks: the ten 0s share rank 5.5; A04/A05 share 16.5; positive ranks 20 + 19 + 16.5 + 13 + 5.5
    // = 74 → U = 74 − 5·6/2 = 59.
    expect(auc(FIXTURE)).toBeCloseTo(59 / 75, 12);
  });

  it('AUC is undefined without both classes, 0.5 when every score ties', () => {
    expect(auc(FIXTURE.filter((a) => a.positive))).toBeNull();
    expect(auc(FIXTURE.map((a) => ({ ...a, score: 7 })))).toBe(0.5);
  });

  it('deciles of two accounts each, decile 1 the highest scores, lift = rate ÷ 0.25', () => {
    // D1 A01 P, A02 P → 1.0 (lift 4); D2 A03, A04 → 0; D3 A05 P, A06 → 0.5 (2); D4 A07, A08 P → 0.5 (2);
    // D5 A09, A10 → 0; D6 A11, A12; D7 A13, A14 → 0; D8 A15 P, A16 → 0.5 (2); D9, D10 → 0.
    const d = deciles(FIXTURE);
    expect(d.map((x) => x.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(d.map((x) => x.accounts)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(d.map((x) => x.positives)).toEqual([2, 0, 1, 1, 0, 0, 0, 1, 0, 0]);
    expect(d.map((x) => x.rate)).toEqual([1, 0, 0.5, 0.5, 0, 0, 0, 0.5, 0, 0]);
    expect(d.map((x) => x.lift)).toEqual([4, 0, 2, 2, 0, 0, 0, 2, 0, 0]);
  });

  it('recall in the top 20 % is the positives of deciles 1–2 over all positives', () => {
    // D1 + D2 = A01…A04 hold A01, A02: 2 of 5 = 0.4.
    expect(recallTop20(FIXTURE)).toBe(0.4);
  });

  it('deciles of fewer than ten accounts leave some empty, with no rate', () => {
    const d = deciles(FIXTURE.slice(0, 4));
    expect(d.reduce((s, x) => s + x.accounts, 0)).toBe(4);
    expect(d.filter((x) => x.accounts === 0).every((x) => x.rate === null && x.lift === null)).toBe(true);
  });

  it('the ROC curve goes from (0,0) to (1,1) and its area is the AUC', () => {
    const roc = rocCurve(FIXTURE);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(roc[roc.length - 1]).toEqual({ fpr: 1, tpr: 1 });
    // One point per distinct score (10) plus the origin.
    expect(roc).toHaveLength(11);
    let area = 0;
    for (let i = 1; i < roc.length; i++)
      area += ((roc[i]!.fpr - roc[i - 1]!.fpr) * (roc[i]!.tpr + roc[i - 1]!.tpr)) / 2;
    expect(area).toBeCloseTo(59 / 75, 12);
    expect(thin(roc, 4)).toEqual([roc[0], roc[3], roc[7], roc[10]]);
  });

  it('summarizes into the JSON contract, with bands by rounded score', () => {
    const { result } = summarize({ asOf: '2026-06-30', horizonDays: 90, modelVersion: 'hand-1' }, FIXTURE);
    expect(Object.keys(result)).toEqual([
      'asOf',
      'horizonDays',
      'modelVersion',
      'accounts',
      'positives',
      'baseRate',
      'auc',
      'topDecileLift',
      'recallTop20',
      'deciles',
      'bands',
      'trends',
    ]);
    expect(result).toMatchObject({ accounts: 20, positives: 5, baseRate: 0.25, topDecileLift: 4, recallTop20: 0.4 });
    expect(Object.keys(result.deciles[0]!)).toEqual(['decile', 'accounts', 'positives', 'rate', 'lift']);
    // Bands 25/50/75: Very High A01–A03 (2 P) → 2/3, lift 8/3; High A04–A07 (1 P) → 0.25, lift 1;
    // Medium A08, A09 (1 P) → 0.5, lift 2; Low A10 + ten 0s (1 P) → 1/11, lift 4/11.
    expect(result.bands.map((b) => [b.band, b.accounts, b.positives])).toEqual([
      ['Very High', 3, 2],
      ['High', 4, 1],
      ['Medium', 2, 1],
      ['Low', 11, 1],
    ]);
    expect(result.bands[0]!.lift).toBeCloseTo(8 / 3, 12);
    expect(result.bands[3]!.rate).toBeCloseTo(1 / 11, 12);
    expect(result.bands[3]!.lift).toBeCloseTo(4 / 11, 12);
    // Trends: the ten scored are Neutral (4 P), the ten unscored Unscored (1 P); the rest empty.
    const trends = Object.fromEntries(result.trends.map((t) => [t.trend, [t.accounts, t.positives]]));
    expect(trends).toEqual({
      Surging: [0, 0],
      Heating: [0, 0],
      Neutral: [10, 4],
      New: [0, 0],
      Cooling: [0, 0],
      Unscored: [10, 1],
    });
    expect(stabilityTable([result])).toEqual([
      {
        asOf: '2026-06-30',
        accounts: 20,
        positives: 5,
        baseRate: 0.25,
        auc: 59 / 75,
        topDecileLift: 4,
        recallTop20: 0.4,
      },
    ]);
  });
});

describe('the population of a backtest', () => {
  const asOf = '2026-06-30';
  it('leaves out accounts with an opportunity open on the day; positives are created in (asOf, asOf + horizon]', () => {
    const pop = populationOf(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      [
        { accountId: 'a', createdDay: '2026-05-01', closedDay: null }, // open: out
        { accountId: 'b', createdDay: '2026-05-01', closedDay: '2026-06-30' }, // closed that day: in
        { accountId: 'b', createdDay: '2026-07-01', closedDay: null }, // first day of the horizon: positive
        { accountId: 'c', createdDay: '2026-06-30', closedDay: '2026-07-02' }, // open on the day: out
        { accountId: 'd', createdDay: '2026-06-30', closedDay: '2026-06-30' }, // created and closed that day: in, not positive
        { accountId: 'e', createdDay: '2026-09-28', closedDay: null }, // asOf + 90 = 09-28: positive
        { accountId: 'f', createdDay: '2026-09-29', closedDay: null }, // one day too late
      ],
      asOf,
      90,
    );
    expect(pop).toEqual([
      { accountId: 'b', positive: true },
      { accountId: 'd', positive: false },
      { accountId: 'e', positive: true },
      { accountId: 'f', positive: false },
      { accountId: 'g', positive: false },
    ]);
  });
});
