import { parseModel, type CountKpi } from '../../model/schema';
import { calibrateReference, countSubscore, rateSubscore, resolveReference } from '../subscore';

describe('countSubscore', () => {
  it.each([
    [0, 10, 0],
    [10, 10, 100 * (1 - Math.exp(-1))], // 63.212…
    [10 * Math.LN2, 10, 50],
    [1000, 1, 100],
  ])('P=%f reference=%f → %f', (p, ref, s) => {
    expect(countSubscore(p, ref)).toBeCloseTo(s, 9);
  });
});

describe('rateSubscore', () => {
  const rate = { numerator: 'a', denominator: 'b', minDenominator: 100, target: 0.02 };
  it.each([
    [1, 100, 50], // 1% of a 2% target
    [2, 100, 100],
    [5, 100, 100], // capped
    [3, 99, 0], // below the minimum denominator
    [0, 0, 0],
  ])('%i / %i → %f', (num, den, s) => {
    expect(rateSubscore(num, den, rate)).toBeCloseTo(s, 9);
  });

  it('a zero denominator scores 0 even with no minimum', () => {
    expect(rateSubscore(1, 0, { ...rate, minDenominator: 0 })).toBe(0);
  });
});

describe('calibrateReference (nearest rank 75th percentile, ≥ 1)', () => {
  it.each<[number[], number]>([
    [[], 1],
    [[0, 0], 1],
    [[0.2, 0.5], 1],
    [[5], 5],
    [[4, 1, 3, 2], 3], // rank ceil(3) = 3
    [[10, 20, 30, 40, 50], 40], // rank ceil(3.75) = 4
    [[8, 2, 6, 4, 0], 6], // zero dropped: [2,4,6,8], rank ceil(3) = 3
  ])('%j → %f', (ps, ref) => {
    expect(calibrateReference(ps)).toBe(ref);
  });
});

describe('resolveReference', () => {
  const model = parseModel({
    version: 'v',
    kpis: [
      { key: 'a', label: 'A', weight: 50, activities: { meeting: 1 }, reference: 7 },
      { key: 'b', label: 'B', weight: 50, activities: { call: 1 } },
    ],
    references: { b: 4 },
  });
  const [a, b] = model.kpis as [CountKpi, CountKpi];
  it('uses a fixed reference, then the given map, then the model map', () => {
    expect(resolveReference(model, a, { a: 99 })).toBe(7);
    expect(resolveReference(model, b, { b: 3 })).toBe(3);
    expect(resolveReference(model, b, {})).toBe(4);
  });
  it('fails clearly when an auto reference was never calibrated', () => {
    expect(() => resolveReference({ ...model, references: undefined }, b, {})).toThrow(/KPI "b" has reference "auto"/);
  });
});
