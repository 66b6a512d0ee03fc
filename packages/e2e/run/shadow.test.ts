/**
 * Shadow versions: a candidate model set with `pulse model shadow` is scored by every daily run and
 * stored under its own version, and nothing of it reaches Salesforce; `pulse model compare` shows the
 * band changes it would make.
 */
import { runModelCompare, runModelShadow } from '@pulse/server/src/cli/model';
import { DEFAULT_MODEL_DOCUMENT } from '@pulse/server/src/model/defaults';
import { parseModel } from '@pulse/server/src/model/schema';
import { bandOf, roundScore } from '@pulse/server/src/scoring/band';
import { addDays } from '@pulse/server/src/scoring/days';
import type { Comparison } from '@pulse/server/src/backtest/compare';
import { loadActiveModel, loadShadowModel } from '@pulse/server/src/store/models';
import { readDayBands } from '@pulse/server/src/store/snapshots';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engagementFields, startScenario, type Scenario } from './harness';

let s: Scenario;
const ORG = 'shadow';
// The candidate differs from the live default only in its band thresholds, so its scores equal the
// live ones and the band each account should get can be worked out from the live score.
const candidate = (() => {
  const doc = structuredClone(DEFAULT_MODEL_DOCUMENT) as unknown as {
    version: string;
    bands: { medium: number; high: number; veryHigh: number };
  };
  doc.version = 'candidate-2';
  doc.bands = { medium: 5, high: 12, veryHigh: 30 };
  return doc;
})();
const collect = () => {
  let text = '';
  return { write: (t: string) => void (text += t), text: () => text };
};

beforeAll(async () => {
  s = await startScenario(ORG, 50);
  await s.run();
  const file = join(mkdtempSync(join(tmpdir(), 'pulse-shadow-')), 'candidate.json');
  writeFileSync(file, JSON.stringify(candidate));
  const o = collect();
  await runModelShadow(file, { org: ORG }, o, { db: s.db, now: () => s.clock.now });
  expect(o.text()).toContain('shadow candidate-2 set for org shadow');
}, 120_000);
afterAll(async () => {
  await s?.close();
});

it('the daily run scores the shadow and stores it under its own version; Salesforce gets only the live scores', async () => {
  s.clock.now = new Date(s.clock.now.getTime() + 86_400_000);
  const day = s.clock.now.toISOString().slice(0, 10);
  const r = await s.run();
  expect(r.status).toBe('succeeded');
  expect(r.modelVersion).toBe(DEFAULT_MODEL_DOCUMENT.version);
  expect(r.shadow).toMatchObject({ version: 'candidate-2', accounts: r.accountsScored, backfilled: false });
  expect((await loadActiveModel(s.db, ORG))!.model.version).toBe(DEFAULT_MODEL_DOCUMENT.version);

  const live = await readDayBands(s.db, ORG, DEFAULT_MODEL_DOCUMENT.version, day);
  const shadow = await readDayBands(s.db, ORG, 'candidate-2', day);
  expect(shadow).toHaveLength(live.length);
  // The emulator holds the live band and version of every scored account, and nothing of the shadow.
  const fields = engagementFields(s);
  for (const row of live) {
    expect(fields.get(row.accountId)).toMatchObject({
      Engagement_Band__c: row.band,
      Engagement_Model_Version__c: DEFAULT_MODEL_DOCUMENT.version,
    });
  }
  expect(JSON.stringify([...fields.values()])).not.toContain('candidate-2');
});

it('pulse model compare shows the band changes the shadow would make, and both backtests', async () => {
  const o = collect();
  const c: Comparison = await runModelCompare({ org: ORG, format: 'json' }, o, { db: s.db });
  expect(JSON.parse(o.text())).toEqual(JSON.parse(JSON.stringify(c)));
  expect(c).toMatchObject({ live: DEFAULT_MODEL_DOCUMENT.version, shadow: 'candidate-2' });
  const live = await readDayBands(s.db, ORG, DEFAULT_MODEL_DOCUMENT.version, c.asOf);
  const model = parseModel(candidate);
  const expected = live
    .map((r) => ({ accountId: r.accountId, from: r.band, to: bandOf(model, roundScore(r.score)) }))
    .filter((x) => x.from !== x.to);
  expect(expected.length).toBeGreaterThan(0);
  expect(c.changes.map((m) => ({ accountId: m.accountId, from: m.live.band, to: m.shadow.band })).sort(byId)).toEqual(
    expected.sort(byId),
  );
  // Same scores under both versions: nobody moves, only the bands differ.
  expect(c.topMovers).toEqual([]);
  const total = (k: 'live' | 'shadow') => c.bands.reduce((a, b) => a + b[k], 0);
  expect(total('live')).toBe(live.length);
  expect(total('shadow')).toBe(live.length);
  // The generated org's opportunities: either real figures or "not enough outcomes", for both.
  for (const f of [c.backtest.live, c.backtest.shadow]) {
    expect(f.enoughOutcomes ? f.positives : f.note).toBeTruthy();
  }

  const text = collect();
  await runModelCompare({ org: ORG }, text, { db: s.db });
  expect(text.text()).toContain(`accounts that change band: ${expected.length}`);
  const one = c.changes[0]!;
  expect(text.text()).toContain(`${one.accountId}  ${one.live.band} → ${one.shadow.band}`);

  // A one-day horizon ending on the compared day: the generated org has no opportunity created then.
  const none = await runModelCompare({ org: ORG, horizonDays: '1', format: 'json' }, collect(), { db: s.db });
  expect(none.backtest.live).toEqual({
    enoughOutcomes: false,
    asOf: addDays(c.asOf, -1),
    horizonDays: 1,
    note: 'not enough outcomes',
  });
  expect(none.backtest.shadow).toMatchObject({ enoughOutcomes: false, note: 'not enough outcomes' });
  await expect(runModelCompare({ org: ORG, asOf: '2020-01-01' }, collect(), { db: s.db })).rejects.toMatchObject({
    code: 'NO_SHADOW_SCORES',
  });
});

it('pulse model shadow --off removes the shadow: the next run scores only the live version', async () => {
  const o = collect();
  await runModelShadow(undefined, { org: ORG, off: true }, o, { db: s.db });
  expect(o.text()).toBe('shadow candidate-2 removed from org shadow\n');
  expect(await loadShadowModel(s.db, ORG)).toBeNull();
  s.clock.now = new Date(s.clock.now.getTime() + 86_400_000);
  const r = await s.run();
  expect(r.shadow).toBeNull();
  expect(await readDayBands(s.db, ORG, 'candidate-2', r.asOf)).toEqual([]);
});

const byId = (a: { accountId: string }, b: { accountId: string }) => a.accountId.localeCompare(b.accountId);
