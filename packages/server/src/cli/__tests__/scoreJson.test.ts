import fc from 'fast-check';
import { scoreOutputJson, type ScoreOutput } from '../score';

const accountArb = fc.record({
  accountId: fc.string(),
  score: fc.integer({ min: 0, max: 100 }),
  scoreExact: fc.double({ min: 0, max: 100, noNaN: true }),
  band: fc.constantFrom('Low', 'High'),
  trend: fc.constantFrom('New', 'Surging'),
  change30d: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
  missingPersonas: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
  mqa: fc.boolean(),
  kpis: fc.dictionary(
    fc.string({ maxLength: 4 }),
    fc.record({ points: fc.double({ noNaN: true }), subscore: fc.double({ noNaN: true }) }),
    { maxKeys: 2 },
  ),
  topPeople: fc.array(
    fc.record({ personId: fc.string(), points: fc.double({ noNaN: true }), share: fc.double({ noNaN: true }) }),
    { maxLength: 2 },
  ),
  topKpis: fc.array(
    fc.record({ key: fc.string(), points: fc.double({ noNaN: true }), share: fc.double({ noNaN: true }) }),
    { maxLength: 2 },
  ),
});

test('the JSON printed a piece at a time is JSON.stringify(output, null, 2) byte for byte', () => {
  fc.assert(
    fc.property(fc.array(accountArb, { maxLength: 7 }), fc.integer({ min: 1, max: 4 }), (accounts, per) => {
      const out = { asOf: '2026-03-31', modelVersion: 'v"1\n', accounts } as unknown as ScoreOutput;
      expect([...scoreOutputJson(out, per)].join('')).toBe(`${JSON.stringify(out, null, 2)}\n`);
    }),
    { numRuns: 500 },
  );
});
