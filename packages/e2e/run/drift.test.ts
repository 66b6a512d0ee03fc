/**
 * Band drift in the daily run: a day whose band mix matches the model version's first day is quiet;
 * once the org's activity changes so the mix shifts (PSI above 0.2) the run warns, and stays succeeded.
 */
import { formatRuns } from '@pulse/server/src/cli/run';
import type { DailyRunResult } from '@pulse/server/src/run/daily';
import { listRuns } from '@pulse/server/src/store/runs';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
let first: DailyRunResult;
beforeAll(async () => {
  s = await startScenario('drift', 50);
  first = await s.run();
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const nextDay = () => void (s.clock.now = new Date(s.clock.now.getTime() + 86_400_000));

it('the first run of a version stores its band shares as the baseline, with no drift to measure', () => {
  expect(first.status).toBe('succeeded');
  expect(first.drift).toMatchObject({ modelVersion: first.modelVersion, baseline: null, psi: null });
  const shares = Object.values(first.drift!.shares);
  expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  expect(first.warnings).toEqual([]);
});

it('a day with the same activity does not warn', async () => {
  nextDay();
  const r = await s.run();
  expect(r.status).toBe('succeeded');
  expect(r.drift!.baseline).toMatchObject({ runId: first.runId, day: first.asOf });
  expect(r.drift!.psi).toBeLessThanOrEqual(0.2);
  expect(r.warnings).toEqual([]);
});

it('activity that changes (the org goes quiet) so the band mix shifts is a BAND_DRIFT warning: in the run record (pulse runs --json) and pulse runs, the run succeeded', async () => {
  // The org goes quiet for 60 days: its engagement decays, and the accounts once in Medium and High
  // fall to Low (the run back-fills the missed days first, as any run after a gap does).
  s.clock.now = new Date(s.clock.now.getTime() + 60 * 86_400_000);
  const r = await s.run();
  expect(r.status).toBe('succeeded');
  expect(r.drift!.psi).toBeGreaterThan(0.2);
  expect(r.warnings).toEqual([
    expect.objectContaining({
      stage: 'score',
      code: 'BAND_DRIFT',
      message: expect.stringContaining(`first day ${first.asOf}`),
    }),
  ]);
  const [row] = await listRuns(s.db, 'drift', 'daily', 1);
  expect(row!.status).toBe('succeeded');
  expect(row!.state).toMatchObject({ drift: { psi: r.drift!.psi }, warnings: r.warnings, bandShares: r.drift!.shares });
  expect(formatRuns([row!])).toMatch(/daily\s+succeeded .*warning BAND_DRIFT: band mix drifted/);
});
