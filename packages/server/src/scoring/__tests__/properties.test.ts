import fc from 'fast-check';
import { DEFAULT_MODEL } from '../../model/defaults';
import { parseModel, type Decay } from '../../model/schema';
import { ValidationError } from '../../errors';
import { roundScore } from '../band';
import { decayFactor } from '../decay';
import { finishAccount } from '../finish';

const decayArb: fc.Arbitrary<Decay> = fc.oneof(
  fc.constant<Decay>({ kind: 'none' }),
  fc.integer({ min: 1, max: 400 }).map((d): Decay => ({ kind: 'linear', lifespanDays: d })),
  fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }).map((d): Decay => ({ kind: 'step', days: d })),
  fc.integer({ min: 1, max: 400 }).map((d): Decay => ({ kind: 'halfLife', days: d })),
  fc
    .uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 4 })
    .chain((ages) =>
      fc
        .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: ages.length + 1, maxLength: ages.length + 1 })
        .map((fs) => ({ ages: [0, ...ages.sort((a, b) => a - b)], fs })),
    )
    .map(({ ages, fs }): Decay => ({ kind: 'piecewise', points: ages.map((a, i) => [a, fs[i] ?? 0]) })),
);

describe('decay properties', () => {
  it('stays in [0, 1] and is 0 outside [0, window)', () => {
    fc.assert(
      fc.property(decayArb, fc.integer({ min: -30, max: 500 }), fc.integer({ min: 1, max: 365 }), (d, age, w) => {
        const f = decayFactor(d, age, w);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(1);
        if (age < 0 || age >= w) expect(f).toBe(0);
      }),
      { seed: 7 },
    );
  });

  it('never grows with age for linear, step and halfLife', () => {
    fc.assert(
      fc.property(decayArb, fc.integer({ min: 0, max: 300 }), (d, age) => {
        fc.pre(d.kind !== 'piecewise');
        expect(decayFactor(d, age + 1, 365)).toBeLessThanOrEqual(decayFactor(d, age, 365));
      }),
      { seed: 7 },
    );
  });
});

describe('finishAccount properties (default model)', () => {
  const countKeys = DEFAULT_MODEL.kpis.filter((k) => !('rate' in k)).map((k) => k.key);
  const kpisArb = fc.dictionary(
    fc.constantFrom(...countKeys),
    fc.record({ points: fc.double({ min: 0, max: 1e4, noNaN: true }), count: fc.integer({ min: 0, max: 500 }) }),
  );
  it('scores in [0, 100], rounds the exact score, and KPI shares sum to 1 when all fit', () => {
    fc.assert(
      fc.property(kpisArb, (kpis) => {
        const r = finishAccount(DEFAULT_MODEL, {}, { accountId: 'a', kpis, people: [], lastActivity: null });
        const counted = Object.values(kpis).some((k) => k.count > 0);
        if (!counted) return expect(r).toBeNull();
        expect(r).not.toBeNull();
        if (!r) return;
        expect(r.scoreExact).toBeGreaterThanOrEqual(0);
        expect(r.scoreExact).toBeLessThanOrEqual(100 + 1e-9);
        expect(r.score).toBe(roundScore(r.scoreExact));
        const positive = Object.entries(r.kpis).filter(([key, k]) => {
          const w = DEFAULT_MODEL.kpis.find((x) => x.key === key)?.weight ?? 0;
          return (w * k.subscore) / 100 > 0;
        }).length;
        const shareSum = r.topKpis.reduce((s, k) => s + k.share, 0);
        if (positive <= 5 && positive > 0) expect(shareSum).toBeCloseTo(1, 9);
        else expect(shareSum).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { seed: 11 },
    );
  });
});

describe('parseModel robustness', () => {
  it('rejects arbitrary JSON only with a ValidationError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseModel(v);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect((e as ValidationError).issues.length).toBeGreaterThan(0);
        }
      }),
      { seed: 3 },
    );
  });

  it('rejects any mangled copy of the defaults only with a ValidationError', () => {
    const base = JSON.parse(JSON.stringify(DEFAULT_MODEL)) as Record<string, unknown>;
    const keys = Object.keys(base);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        try {
          parseModel({ ...base, [key]: value });
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { seed: 5 },
    );
  });
});
