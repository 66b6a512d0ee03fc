import type { Db } from '../db';
import { ensureOrg } from '../orgs';
import { insertSnapshots, readPastScores, readSnapshots } from '../snapshots';
import type { AccountScore, HistoryRow } from '../../scoring/finish';
import { createTestDb, dropTestDb } from '../../../testing/db';

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
  await ensureOrg(db, 'org\\1');
});
afterAll(async () => {
  await dropTestDb(db);
});

// Labels, keys and ids a model or an org may well contain, and that COPY's text format must escape.
const awkward = ['Security "approver"', 'Ops\\Finance', 'tab\there', 'a, b {c}'];

const lean: HistoryRow = {
  accountId: 'acct\t1',
  score: 42,
  scoreExact: 41.87654321098765,
  band: 'Medium',
  peopleEngaged: 2,
  coveragePct: 50,
  missingPersonas: awkward,
  mqa: false,
  subscores: { 'web "visits"': 12.345678901234567, emails: 0 },
  lastActivity: '2026-11-20',
};
const { subscores: _, ...shared } = lean;
const full: AccountScore = {
  ...shared,
  accountId: 'acct\\2',
  trend: 'Neutral',
  change30d: 3,
  missingPersonas: [],
  lastActivity: null,
  mqa: true,
  kpis: { 'web "visits"': { points: 3.5, subscore: 12.345678901234567 }, emails: { points: 0, subscore: 0 } },
  topPeople: [{ personId: 'p\n1', points: 3.5, share: 1 }],
  topKpis: [{ key: 'web "visits"', points: 3.5, share: 1 }],
  changeDrivers: [{ key: 'web "visits"', change: 1.5 }],
};

test('snapshot rows keep every value through COPY: lean history days and fully written days', async () => {
  expect(
    await insertSnapshots(db, 'org\\1', 'v"1', [
      { day: '2026-11-19', score: lean },
      { day: '2026-11-20', score: lean },
      { day: '2026-11-20', score: full },
    ]),
  ).toBe(3);
  const rows = await readSnapshots(db, 'org\\1', 'v"1', '2026-11-19', '2026-11-20');
  expect(rows.map((r) => [r.account_id, r.day])).toEqual([
    ['acct\t1', '2026-11-19'],
    ['acct\t1', '2026-11-20'],
    ['acct\\2', '2026-11-20'],
  ]);
  expect(rows[0]).toMatchObject({
    score: lean.scoreExact,
    band: 'Medium',
    kpis: { 'web "visits"': { subscore: 12.345678901234567 } },
    people_engaged: 2,
    coverage_pct: 50,
    missing_personas: awkward,
    mqa: false,
    last_activity: '2026-11-20',
    detail: {},
  });
  expect(rows[2]).toMatchObject({
    kpis: { 'web "visits"': { points: 3.5, subscore: 12.345678901234567 } },
    missing_personas: [],
    mqa: true,
    last_activity: null,
    detail: {
      score: 42,
      trend: 'Neutral',
      change30d: 3,
      topPeople: full.topPeople,
      topKpis: full.topKpis,
      changeDrivers: full.changeDrivers,
    },
  });
  const past = await readPastScores(db, 'org\\1', 'v"1', '2026-11-20', ['acct\t1', 'acct\\2']);
  expect(past.get('acct\t1')).toEqual({
    score: 42,
    scoreExact: lean.scoreExact,
    subscores: { 'web "visits"': 12.345678901234567 },
  });
});

test('a row already stored fails the whole insert and keeps what was there', async () => {
  await expect(
    db.transaction((tx) =>
      insertSnapshots(tx, 'org\\1', 'v"1', [
        { day: '2026-11-18', score: lean },
        { day: '2026-11-19', score: { ...lean, scoreExact: 99 } },
      ]),
    ),
  ).rejects.toThrow(/duplicate key/);
  const rows = await readSnapshots(db, 'org\\1', 'v"1', '2026-11-18', '2026-11-19');
  expect(rows.map((r) => [r.day, r.score])).toEqual([['2026-11-19', lean.scoreExact]]);
});
