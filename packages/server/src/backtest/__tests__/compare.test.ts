import { compareDay } from '../compare';

const row = (accountId: string, score: number, band: string) => ({ accountId, score, band });

describe('compareDay', () => {
  // a: Low → High (+30), b: unchanged, c: Medium → Low (−20), d: scored by the shadow only (Low 0 → Medium 30),
  // e: same band, +2.
  const live = [row('a', 10, 'Low'), row('b', 40, 'Medium'), row('c', 30, 'Medium'), row('e', 60, 'High')];
  const shadow = [
    row('a', 40, 'High'),
    row('b', 40, 'Medium'),
    row('c', 10, 'Low'),
    row('d', 30, 'Medium'),
    row('e', 62, 'High'),
  ];
  const c = compareDay(live, shadow, 3);

  it('counts accounts per band under each version (unscored counts as Low)', () => {
    expect(c.bands).toEqual([
      { band: 'Very High', live: 0, shadow: 0 },
      { band: 'High', live: 1, shadow: 2 },
      { band: 'Medium', live: 2, shadow: 2 },
      { band: 'Low', live: 2, shadow: 1 },
    ]);
  });

  it('lists the band changes, the biggest band jump first, then the biggest score change', () => {
    expect(c.changes.map((m) => `${m.accountId} ${m.live.band}→${m.shadow.band}`)).toEqual([
      'a Low→High',
      'd Low→Medium',
      'c Medium→Low',
    ]);
  });

  it('lists the top movers by score change either way, at most `top`', () => {
    expect(c.topMovers.map((m) => [m.accountId, m.delta])).toEqual([
      ['a', 30],
      ['d', 30],
      ['c', -20],
    ]);
  });
});
