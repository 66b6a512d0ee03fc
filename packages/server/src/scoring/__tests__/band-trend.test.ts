import { DEFAULT_MODEL } from '../../model/defaults';
import { bandOf, roundScore } from '../band';
import { trendOf } from '../trend';

describe('roundScore (half up)', () => {
  it.each([
    [24.5, 25],
    [24.49, 24],
    [0.5, 1],
    [99.5, 100],
    [0, 0],
    [0.1 + 0.2 + 24.2, 25], // 24.500000000000004
    [24.499999999999996, 25], // a float sum meant as 24.5
  ])('%f → %i', (x, r) => {
    expect(roundScore(x)).toBe(r);
  });
});

describe('bandOf', () => {
  it.each([
    [0, 'Low'],
    [24, 'Low'],
    [25, 'Medium'],
    [49, 'Medium'],
    [50, 'High'],
    [74, 'High'],
    [75, 'Very High'],
    [100, 'Very High'],
  ])('%i → %s', (score, band) => {
    expect(bandOf(DEFAULT_MODEL, score)).toBe(band);
  });
});

describe('trendOf', () => {
  it.each([
    [40, 50, 'Cooling', -10],
    [41, 50, 'Neutral', -9],
    [59, 50, 'Neutral', 9],
    [60, 50, 'Heating', 10],
    [74, 50, 'Heating', 24],
    [75, 50, 'Surging', 25],
    [0, 0, 'Neutral', 0],
  ])('today %i vs %i → %s (Δ %i)', (today, past, trend, change) => {
    expect(trendOf(DEFAULT_MODEL, today, past)).toEqual({ trend, change });
  });

  it('is New when there was no score trend.days earlier', () => {
    expect(trendOf(DEFAULT_MODEL, 30, null)).toEqual({ trend: 'New', change: null });
  });

  it('counts no score today as 0', () => {
    expect(trendOf(DEFAULT_MODEL, null, 12)).toEqual({ trend: 'Cooling', change: -12 });
    expect(trendOf(DEFAULT_MODEL, null, 5)).toEqual({ trend: 'Neutral', change: -5 });
  });

  it('has no trend without a score on either day', () => {
    expect(trendOf(DEFAULT_MODEL, null, null)).toBeNull();
  });

  it('follows the model thresholds', () => {
    const model = { ...DEFAULT_MODEL, trend: { days: 30, cooling: -5, heating: 5, surging: 15 } };
    expect(trendOf(model, 55, 50)?.trend).toBe('Heating');
    expect(trendOf(model, 45, 50)?.trend).toBe('Cooling');
    expect(trendOf(model, 65, 50)?.trend).toBe('Surging');
  });
});
