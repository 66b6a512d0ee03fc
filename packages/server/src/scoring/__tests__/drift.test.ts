import { bandShares, psi, PSI_FLOOR, type BandShares } from '../drift';

const shares = (vh: number, h: number, m: number, l: number): BandShares => ({
  'Very High': vh,
  High: h,
  Medium: m,
  Low: l,
});

describe('bandShares', () => {
  it('is the share of accounts per band', () => {
    expect(bandShares(['Low', 'Low', 'Low', 'High'])).toEqual(shares(0, 0.25, 0, 0.75));
  });
  it('is all zero when nothing was scored', () => {
    expect(bandShares([])).toEqual(shares(0, 0, 0, 0));
  });
});

describe('psi', () => {
  it('is 0 for the same shares', () => {
    expect(psi(shares(0.1, 0.2, 0.3, 0.4), shares(0.1, 0.2, 0.3, 0.4))).toBe(0);
  });

  it('by hand: 0.5/0.5 against 0.25/0.75 in two bands', () => {
    // (0.5−0.25)·ln(0.5/0.25) + (0.5−0.75)·ln(0.5/0.75) = 0.25·0.693147 + 0.25·0.405465 = 0.274653
    // (the two empty bands add (1e-4 − 1e-4)·ln 1 = 0).
    expect(psi(shares(0, 0, 0.5, 0.5), shares(0, 0, 0.25, 0.75))).toBeCloseTo(0.274653, 6);
  });

  it('by hand: a small shift stays under 0.2', () => {
    // 0.1→0.12: 0.02·ln(1.2) = 0.0036464; 0.9→0.88: −0.02·ln(0.88/0.9) = 0.0004494; total 0.0040958.
    expect(psi(shares(0, 0, 0.12, 0.88), shares(0, 0, 0.1, 0.9))).toBeCloseTo(0.0040958, 6);
  });

  it('floors an empty band at PSI_FLOOR instead of going infinite', () => {
    // Very High 0 → 0.1: (0.1 − 1e-4)·ln(0.1/1e-4) = 0.0999·6.907755 = 0.690085;
    // Low 1 → 0.9: (0.9 − 1)·ln(0.9) = 0.0105361; total 0.700621.
    const v = psi(shares(0.1, 0, 0, 0.9), shares(0, 0, 0, 1));
    expect(v).toBeCloseTo((0.1 - PSI_FLOOR) * Math.log(0.1 / PSI_FLOOR) + 0.1 * Math.log(1 / 0.9), 9);
    expect(v).toBeCloseTo(0.700621, 5);
  });

  it('is symmetric in its arguments', () => {
    const a = shares(0.05, 0.15, 0.3, 0.5);
    const b = shares(0.2, 0.2, 0.2, 0.4);
    expect(psi(a, b)).toBeCloseTo(psi(b, a), 12);
  });
});
