import type { Db } from '../../store/db';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { parseModel, type ModelInput } from '../../model/schema';
import { HIGH_INTENT_PAGES, MEETINGS } from '../../../testing/workedExample';
import { publishModel, scoreOrg } from '../engine';
import { scoreDay } from '../day';
import type { AccountScore } from '../../scoring/finish';
import { backfill } from '../backfill';
import { addDays } from '../../scoring/days';
import { readSnapshots } from '../../store/snapshots';
import { activateModel, listModelVersions, loadActiveModel } from '../../store/models';
import { ValidationError } from '../../errors';
import { countAccounts } from '../../store/accounts';

const AS_OF = '2026-06-30';

// The worked example's two KPIs, meetings at 9 points and pricing pages only; one persona.
const MODEL: ModelInput = {
  version: 'worked-1',
  windowDays: 90,
  kpis: [
    { ...MEETINGS, activities: { meeting: 9 } },
    { ...HIGH_INTENT_PAGES, urls: ['*/pricing*'] },
  ],
  multipliers: [{ when: { titleMatches: 'intern' }, factor: 0, label: 'intern' }],
  committee: {
    engagedPoints: 1,
    personas: [{ key: 'mkt', label: 'Marketing', when: { department: ['marketing'] }, required: true }],
  },
  mqa: { minScore: 50, minEngagedPeople: 1, minCoveragePct: 100 },
};

let db: Db;

const at = (daysAgo: number, hour = 10): string =>
  `${addDays(AS_OF, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00Z`;

async function seed(orgId: string): Promise<void> {
  await db.query('INSERT INTO orgs (id, name) VALUES ($1, $1)', [orgId]);
  await db.query(`INSERT INTO accounts (org_id, id, name) VALUES ($1, 'acme', 'Acme'), ($1, 'quiet', 'Quiet')`, [
    orgId,
  ]);
  await db.query(
    `INSERT INTO people (org_id, id, account_id, title, seniority, department) VALUES
       ($1, 'cmo', 'acme', 'CMO', 'cxo', 'marketing'),
       ($1, 'intern', 'acme', 'Marketing Intern', 'individual', 'marketing')`,
    [orgId],
  );
  const events: [string, string, string, string | null, string | null, string | null][] = [
    ['m1', 'meeting', at(3), 'cmo', null, null], // 9 × (1 − 3/90) = 8.7
    ['w1', 'web_visit', at(30, 23), 'cmo', 'https://acme.com/Pricing', null], // 1 × 0.75
    ['w2', 'web_visit', at(1), 'cmo', 'https://acme.com/blog', null], // no KPI: not pricing
    ['m2', 'meeting', at(2), 'intern', null, null], // × 0
    ['m3', 'meeting', at(1), 'cmo', null, 'bot'], // excluded
    ['m4', 'meeting', at(-1), 'cmo', null, null], // future
    ['m5', 'meeting', at(120), 'cmo', null, null], // outside the window
  ];
  for (const [id, type, ts, person, url, excluded] of events) {
    await db.query(
      `INSERT INTO events (org_id, source, source_id, type, occurred_at, person_id, account_id, url, excluded_reason)
       VALUES ($1, 'test', $2, $3, $4, $5, 'acme', $6, $7)`,
      [orgId, id, type, ts, person, url, excluded],
    );
  }
}

beforeAll(async () => {
  db = await createTestDb();
  await seed('org1');
  await seed('org2');
  // Noise in another org must never reach org1's numbers.
  await db.query(
    `INSERT INTO events (org_id, source, source_id, type, occurred_at, person_id, account_id)
     VALUES ('org2', 'test', 'x1', 'meeting', $1, 'cmo', 'acme')`,
    [at(0)],
  );
});
afterAll(async () => {
  await dropTestDb(db);
});

describe('scoreDay', () => {
  test('the worked example: decayed points per KPI, exclusions, sub-scores and score', async () => {
    const model = parseModel(MODEL);
    const [acme, ...rest] = await scoreDay(db, {
      orgId: 'org1',
      model,
      references: { web_high_intent: 2 },
      asOf: AS_OF,
    });
    expect(rest).toEqual([]); // 'quiet' has no counted event: no score, not 0
    expect(acme!.accountId).toBe('acme');
    expect(acme!.kpis.meetings!.points).toBeCloseTo(8.7, 12);
    expect(acme!.kpis.web_high_intent!.points).toBeCloseTo(0.75, 12);
    const exact = 60 * (1 - Math.exp(-8.7 / 10)) + 40 * (1 - Math.exp(-0.75 / 2));
    expect(acme!.scoreExact).toBeCloseTo(exact, 10);
    expect(acme!.score).toBe(Math.round(exact));
    expect(acme!.topPeople.map((p) => p.personId)).toEqual(['cmo']);
    expect(acme!.peopleEngaged).toBe(1);
    expect(acme!.coveragePct).toBe(100);
    expect(acme!.lastActivity).toBe(addDays(AS_OF, -3));
    expect(acme!.trend).toBe('New');
  });
});

describe('publishModel and scoreOrg', () => {
  test('an invalid model is refused and nothing is stored', async () => {
    await expect(publishModel(db, 'org1', { ...MODEL, kpis: [] }, AS_OF)).rejects.toBeInstanceOf(ValidationError);
    expect(await listModelVersions(db, 'org1')).toEqual([]);
  });

  test('publish calibrates auto references, freezes them, activates and back-fills 90 days', async () => {
    const out = await publishModel(db, 'org1', MODEL, AS_OF);
    // One account with positive P (0.75): the 75th percentile is 0.75, floored to 1.
    expect(out.references).toEqual({ web_high_intent: 1 });
    const active = await loadActiveModel(db, 'org1');
    expect(active!.model.version).toBe('worked-1');
    expect(active!.references).toEqual({ web_high_intent: 1 });

    const rows = await readSnapshots(db, 'org1', 'worked-1', addDays(AS_OF, -89), AS_OF);
    expect(rows.every((r) => r.account_id === 'acme')).toBe(true);
    // The meeting 120 days ago is inside the window of the first 30 back-filled days, the pricing visit
    // and the recent meeting cover the rest: acme has a score on every one of the 90 days.
    expect(rows[0]!.day).toBe(addDays(AS_OF, -89));
    expect(rows).toHaveLength(90);
    // 31 days before as-of only the old meeting counts: 9 × (1 − 89/90).
    const early = rows.find((r) => r.day === addDays(AS_OF, -31))!;
    // History days are lean: sub-scores only (reference 10), no top lists.
    expect(early.kpis.meetings!.subscore).toBeCloseTo(100 * (1 - Math.exp(-0.1 / 10)), 10);
    expect(early.kpis.meetings!.points).toBeUndefined();
    expect(early.detail).toEqual({});
    const today = rows[rows.length - 1]!;
    expect(today.detail.trend).not.toBe('New');
    expect(today.detail.topPeople).toEqual([expect.objectContaining({ personId: 'cmo' })]);
    expect(today.kpis.meetings!.points).toBeGreaterThan(0);
    expect(out.snapshots).toBe(90);
  });

  test('lean history rows store what the full back-fill scores say, day by day', async () => {
    const active = (await loadActiveModel(db, 'org1'))!;
    const full = new Map<string, AccountScore[]>();
    await backfill(db, {
      orgId: 'org1',
      model: active.model,
      references: active.references,
      toDay: AS_OF,
      onScores: (day, scores) => full.set(day, scores),
    });
    const rows = await readSnapshots(db, 'org1', 'worked-1', addDays(AS_OF, -89), AS_OF);
    expect(rows).toHaveLength([...full.values()].reduce((n, s) => n + s.length, 0));
    for (const row of rows) {
      const s = full.get(row.day)!.find((x) => x.accountId === row.account_id)!;
      expect([row.day, row.score, row.band, row.people_engaged, row.coverage_pct, row.mqa, row.last_activity]).toEqual([
        row.day,
        s.scoreExact,
        s.band,
        s.peopleEngaged,
        s.coveragePct,
        s.mqa,
        s.lastActivity,
      ]);
      expect(row.missing_personas).toEqual(s.missingPersonas);
      for (const [key, k] of Object.entries(s.kpis)) expect(row.kpis[key]?.subscore ?? 0).toBe(k.subscore);
    }
  });

  test('the back-fill reports its progress: accounts filled of the org, from 0 to all, never back', async () => {
    const active = (await loadActiveModel(db, 'org1'))!;
    const seen: Array<{ done: number; total: number }> = [];
    await backfill(db, {
      orgId: 'org1',
      model: active.model,
      references: active.references,
      toDay: AS_OF,
      onProgress: (p) => void seen.push(p),
    });
    const total = await countAccounts(db, 'org1');
    expect(total).toBeGreaterThan(0);
    expect(seen[0]).toEqual({ done: 0, total });
    expect(seen[seen.length - 1]).toEqual({ done: total, total });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    expect(seen.every((p) => p.total === total && p.done <= total)).toBe(true);
  });

  test('the back-filled day equals scoreDay with the stored past; scoreOrg re-runs idempotently', async () => {
    const active = (await loadActiveModel(db, 'org1'))!;
    const [fresh] = await scoreDay(db, {
      orgId: 'org1',
      model: active.model,
      references: active.references,
      asOf: AS_OF,
    });
    const [stored] = (await readSnapshots(db, 'org1', 'worked-1', AS_OF, AS_OF)).filter((r) => r.account_id === 'acme');
    expect(fresh!.scoreExact).toBeCloseTo(stored!.score, 9);
    expect(fresh!.trend).toBe(stored!.detail.trend);
    expect(fresh!.change30d).toBe(stored!.detail.change30d);

    const first = await scoreOrg(db, { orgId: 'org1', asOf: AS_OF, history: true });
    const second = await scoreOrg(db, { orgId: 'org1', asOf: AS_OF, history: true });
    expect(second.snapshots).toBe(first.snapshots);
    expect((await readSnapshots(db, 'org1', 'worked-1', addDays(AS_OF, -89), AS_OF)).length).toBe(first.snapshots);
    expect(second.scores[0]!.scoreExact).toBeCloseTo(fresh!.scoreExact, 12);
  });

  test('a published version is immutable and activation names an existing version', async () => {
    await expect(
      publishModel(db, 'org1', { ...MODEL, mqa: { minScore: 10, minEngagedPeople: 1, minCoveragePct: 0 } }, AS_OF),
    ).rejects.toMatchObject({ code: 'MODEL_VERSION_EXISTS' });
    await expect(activateModel(db, 'org1', 'nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(scoreOrg(db, { orgId: 'org2', asOf: AS_OF })).rejects.toMatchObject({ code: 'NO_ACTIVE_MODEL' });
  });
});
