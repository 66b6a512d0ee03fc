/**
 * The default model means something on the demo org (issue 15, "Defaults that mean something"): the org
 * `npm start` generates (2,000 accounts, seed 7), exported as `pulse score --data` reads it and scored by
 * the real commands' library functions. Every band is populated, none holds more than 70% of the scored
 * accounts, Very High is not empty, and `pulse backtest` at a 90-day horizon finds a top-decile lift of
 * at least 3× and an AUC of at least 0.75. How the defaults were chosen: docs/models.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrg, toCsvExport } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg } from '@pulse/sandbox/src/generator/types';
import { runScore, type ScoreOutput } from '@pulse/server/src/cli/score';
import { runBacktestCommand } from '@pulse/server/src/cli/backtest';
import type { BacktestResult } from '@pulse/server/src/backtest/summary';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';

const NOW = new Date('2026-11-24T10:00:00Z');
const TODAY = '2026-11-24';
/** 90 days before the org's now, so the whole horizon's opportunities are in the data. */
const AS_OF = '2026-08-26';

let dir: string;
let db: Db;
let org: GeneratedOrg;
let scored: ScoreOutput;
let backtest: BacktestResult;
const sink = { write: (): void => undefined };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-demo-defaults-'));
  org = generateOrg({ accounts: 2000, seed: 7, now: NOW, days: 180 });
  await toCsvExport(org, dir);
  db = await createTestDb();
  scored = await runScore({ data: dir, asOf: TODAY, org: 'demo-score' }, sink, { db });
  const [report] = await runBacktestCommand({ data: dir, asOf: AS_OF, horizonDays: '90' }, sink, {
    db,
    dataOrg: 'demo-backtest',
  });
  backtest = report!.result;
}, 600_000);

afterAll(async () => {
  await dropTestDb(db);
  rmSync(dir, { recursive: true, force: true });
});

test('every band is populated, none above 70% of the scored accounts, Very High not empty', () => {
  expect(scored.modelVersion).toBe(DEFAULT_MODEL.version);
  const n = scored.accounts.length;
  expect(n).toBeGreaterThan(1800);
  for (const band of ['Very High', 'High', 'Medium', 'Low']) {
    const share = scored.accounts.filter((a) => a.band === band).length / n;
    expect({ band, populated: share > 0, atMost70: share <= 0.7 }).toEqual({ band, populated: true, atMost70: true });
  }
});

test('the default model’s backtest at 90 days: top-decile lift ≥ 3×, AUC ≥ 0.75', () => {
  expect(backtest).toMatchObject({ asOf: AS_OF, horizonDays: 90, modelVersion: DEFAULT_MODEL.version });
  expect(backtest.positives).toBeGreaterThan(100);
  expect(backtest.topDecileLift).toBeGreaterThanOrEqual(3);
  expect(backtest.auc).toBeGreaterThanOrEqual(0.75);
});

test('the planted stories hold: Northwind surges at the top in Very High, Coldwater cools, CM Inc. is no MQA', () => {
  const of = (id: string) => scored.accounts.find((a) => a.accountId === id);
  expect(scored.accounts[0]?.accountId).toBe(org.stories.surging.accountId);
  expect(of(org.stories.surging.accountId)).toMatchObject({ band: 'Very High', trend: 'Surging' });
  expect(of(org.stories.cooling.accountId)?.trend).toBe('Cooling');
  const loneWolf = of(org.stories.loneWolf.accountId);
  expect(loneWolf).toMatchObject({ peopleEngaged: 2, mqa: false });
  expect(loneWolf?.missingPersonas).toContain('Marketing executive');
});
