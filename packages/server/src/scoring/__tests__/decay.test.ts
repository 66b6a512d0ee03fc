import { ageDays, decayFactor } from '../decay';
import type { Decay } from '../../model/schema';

const linear90: Decay = { kind: 'linear', lifespanDays: 90 };
const piecewise: Decay = {
  kind: 'piecewise',
  points: [
    [0, 1],
    [60, 0.5],
    [180, 0],
  ],
};

describe('decayFactor', () => {
  it('linear lifespan 90: 9 points 3 days old → 8.7', () => {
    expect(9 * decayFactor(linear90, 3, 90)).toBeCloseTo(8.7, 12);
  });

  it.each([
    [30, 0.75],
    [60, 0.5],
    [120, 0.25],
    [180, 0],
    [0, 1],
    [200, 0],
  ])('piecewise [[0,1],[60,0.5],[180,0]] at age %i → %f', (age, f) => {
    expect(decayFactor(piecewise, age, 365)).toBeCloseTo(f, 12);
  });

  it('piecewise keeps the last point at its own age and is 0 beyond it', () => {
    const d: Decay = {
      kind: 'piecewise',
      points: [
        [0, 1],
        [10, 0.4],
      ],
    };
    expect(decayFactor(d, 10, 90)).toBeCloseTo(0.4, 12);
    expect(decayFactor(d, 11, 90)).toBe(0);
  });

  it.each<[string, Decay, number, number]>([
    ['linear at lifespan', linear90, 90, 0],
    ['linear beyond lifespan floors at 0', { kind: 'linear', lifespanDays: 30 }, 45, 0],
    ['linear half way', { kind: 'linear', lifespanDays: 60 }, 30, 0.5],
    ['step before days', { kind: 'step', days: 14 }, 13, 1],
    ['step at days', { kind: 'step', days: 14 }, 14, 0],
    ['step defaults to the window', { kind: 'step' }, 89, 1],
    ['halfLife one half-life', { kind: 'halfLife', days: 14 }, 14, 0.5],
    ['halfLife two half-lives', { kind: 'halfLife', days: 14 }, 28, 0.25],
    ['halfLife same day', { kind: 'halfLife', days: 7 }, 0, 1],
    ['none inside window', { kind: 'none' }, 89, 1],
    ['none at the window', { kind: 'none' }, 90, 0],
    ['none in the future', { kind: 'none' }, -1, 0],
    ['step at the window', { kind: 'step' }, 90, 0],
  ])('%s', (_name, decay, age, f) => {
    expect(decayFactor(decay, age, 90)).toBeCloseTo(f, 12);
  });

  it('the window cuts a slower decay', () => {
    expect(decayFactor(piecewise, 120, 90)).toBe(0);
  });
});

describe('ageDays', () => {
  it.each([
    ['2026-11-24T00:00:00Z', '2026-11-24', 0],
    ['2026-11-24T23:59:59Z', '2026-11-24', 0],
    ['2026-11-23T23:59:59Z', '2026-11-24', 1],
    ['2026-08-26T12:00:00Z', '2026-11-24', 90],
    ['2026-11-25T00:00:00Z', '2026-11-24', -1],
    ['2024-02-28T10:00:00Z', '2024-03-01', 2],
  ])('%s as of %s → %i', (at, asOf, age) => {
    expect(ageDays(new Date(at), asOf)).toBe(age);
  });

  it('uses the UTC date, not local offsets in the timestamp', () => {
    expect(ageDays(new Date('2026-11-24T01:00:00+05:00'), '2026-11-24')).toBe(1);
  });
});
