import { apportion, suggestWeights } from '../weights';
import { suggestedVersion } from '../suggest';

describe('suggested weights', () => {
  it('apportions whole numbers that total exactly the budget', () => {
    // 1:1:1 of 100 → 33.33 each; the first gets the one left over.
    expect(apportion([1, 1, 1], 100)).toEqual([34, 33, 33]);
    // 3:1 of 90 → 67.5 and 22.5 → 68 and 22.
    expect(apportion([3, 1], 90)).toEqual([68, 22]);
    expect(apportion([0, 0], 100)).toEqual([0, 0]);
  });

  it('shares what the kept KPIs leave among positive coefficients; a negative one gets 0', () => {
    const r = suggestWeights([
      { key: 'meetings', currentWeight: 20, coefficient: 3 },
      { key: 'pricing', currentWeight: 20, coefficient: 1 },
      { key: 'email_opens', currentWeight: 50, coefficient: -0.4 },
      { key: 'calls', currentWeight: 10, coefficient: null },
    ]);
    // calls keeps 10; 90 is shared 3:1:0 → 67.5, 22.5 → 68, 22, 0.
    expect(r).toEqual({ weights: [68, 22, 0, 10], learned: true });
    expect(r.weights.reduce((s, w) => s + w, 0)).toBe(100);
  });

  it('keeps every weight when nothing positive was learned', () => {
    expect(
      suggestWeights([
        { key: 'a', currentWeight: 60, coefficient: -1 },
        { key: 'b', currentWeight: 40, coefficient: 0 },
      ]),
    ).toEqual({ weights: [60, 40], learned: false });
  });

  it('names the suggested version after the current one, within 40 characters', () => {
    expect(suggestedVersion('acme-1', '2026-09-30')).toBe('acme-1-suggested-20260930');
    const long = suggestedVersion('x'.repeat(40), '2026-09-30');
    expect(long).toHaveLength(40);
    expect(long.endsWith('-suggested-20260930')).toBe(true);
  });
});
