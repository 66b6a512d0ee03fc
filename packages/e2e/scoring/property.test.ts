/**
 * The SQL reduction (scoreDay) and the sliding-sum back-fill against a tiny reference evaluator written
 * here with plain loops over events (per-event math from the pure scoring modules), on random models,
 * people and events. Runs on PGlite, and on Postgres under `npm run test:pg`.
 */
import fc from 'fast-check';
import type { Db } from '@pulse/server/src/store/db';
import { withTestDb } from '@pulse/server/testing/db';
import type { Model } from '@pulse/server/src/model/schema';
import { AS_OF, dataArb, modelArb, type Data } from './arbitraries';
import { scoreDay } from '@pulse/server/src/engine/day';
import { settle } from '@pulse/server/src/scoring/sum';
import { backfill } from '@pulse/server/src/engine/backfill';
import { readSnapshots } from '@pulse/server/src/store/snapshots';
import { addDays } from '@pulse/server/src/scoring/days';
import { finishAccount, type AccountScore, type FinishInput } from '@pulse/server/src/scoring/finish';
import { kpiIndexForEvent, basePoints } from '@pulse/server/src/scoring/kpi';
import { multiplier } from '@pulse/server/src/scoring/multiplier';
import { ageDays, decayFactor } from '@pulse/server/src/scoring/decay';
import type { CountKpi } from '@pulse/server/src/model/schema';

/**
 * The reference: every event of every account through plain loops, then the finish. Like the engine,
 * an (account, person, KPI) cell's points are settled to 12 significant digits before they are added
 * up (the contract's representation: a person at exactly the engaged threshold is engaged).
 */
function reference(model: Model, refs: Record<string, number>, data: Data, asOf: string): Map<string, FinishInput> {
  const people = new Map(data.people.map((p) => [p.id, p]));
  const accounts = new Map(data.accounts.map((a) => [a.id, a]));
  type Cell = { personId: string | null; kpi: number; points: number; count: number };
  const cells = new Map<string, Map<string, Cell>>();
  const lastActivity = new Map<string, string>();
  for (const e of data.events) {
    if (e.excluded) continue;
    const ev = {
      type: e.type,
      url: e.url,
      quantity: e.quantity,
      strength: e.strength,
      attributes: e.campaignType ? { campaignType: e.campaignType } : {},
    };
    const i = kpiIndexForEvent(model, ev);
    if (i < 0 || !model.kpis[i]!.enabled) continue;
    const kpi = model.kpis[i] as CountKpi;
    const age = ageDays(e.occurredAt, asOf);
    if (age < 0 || age >= model.windowDays) continue;
    const person = e.personId ? (people.get(e.personId) ?? null) : null;
    const account = accounts.get(e.accountId)!;
    const f = multiplier(model, person, account).factor;
    if (f === 0) continue;
    const c = basePoints(kpi, ev) * f * decayFactor(kpi.decay, age, model.windowDays);
    let byCell = cells.get(e.accountId);
    if (!byCell) cells.set(e.accountId, (byCell = new Map()));
    const key = `${person?.id ?? ''}|${i}`;
    let cell = byCell.get(key);
    if (!cell) byCell.set(key, (cell = { personId: person?.id ?? null, kpi: i, points: 0, count: 0 }));
    cell.points += c;
    cell.count += e.quantity;
    const day = e.occurredAt.toISOString().slice(0, 10);
    if ((lastActivity.get(e.accountId) ?? '') < day) lastActivity.set(e.accountId, day);
  }
  const out = new Map<string, FinishInput>();
  for (const [accountId, byCell] of cells) {
    const acc: FinishInput = { accountId, kpis: {}, people: [], lastActivity: lastActivity.get(accountId) ?? null };
    // People in id order after the account-level cells, KPIs in model order: the engine's summing order.
    const ordered = [...byCell.values()].sort(
      (a, b) =>
        (a.personId === null ? 0 : 1) - (b.personId === null ? 0 : 1) ||
        byteOrder(a.personId ?? '', b.personId ?? '') ||
        a.kpi - b.kpi,
    );
    for (const cell of ordered) {
      const key = model.kpis[cell.kpi]!.key;
      const points = settle(cell.points);
      const k = (acc.kpis[key] ??= { points: 0, count: 0 });
      k.points += points;
      k.count += cell.count;
      if (cell.personId === null) continue;
      const person = people.get(cell.personId)!;
      let p = acc.people.find((x) => x.personId === cell.personId);
      if (!p) {
        p = {
          personId: person.id,
          points: 0,
          kpiPoints: {},
          seniority: person.seniority,
          department: person.department,
          title: person.title,
        };
        acc.people.push(p);
      }
      p.points += points;
      p.kpiPoints[key] = (p.kpiPoints[key] ?? 0) + points;
    }
    out.set(accountId, acc);
  }
  return out;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function expectSame(got: AccountScore[], want: AccountScore[], what: string): void {
  const g = new Map(got.map((s) => [s.accountId, s]));
  expect([...g.keys()].sort()).toEqual(want.map((s) => s.accountId).sort());
  for (const w of want) {
    const s = g.get(w.accountId)!;
    const ctx = `${what} ${w.accountId}`;
    if (!close(s.scoreExact, w.scoreExact)) throw new Error(`${ctx}: scoreExact ${s.scoreExact} ≠ ${w.scoreExact}`);
    expect([ctx, Object.keys(s.kpis).sort()]).toEqual([ctx, Object.keys(w.kpis).sort()]);
    for (const [key, k] of Object.entries(w.kpis)) {
      const sk = s.kpis[key]!;
      if (!close(sk.points, k.points) || !close(sk.subscore, k.subscore))
        throw new Error(`${ctx} ${key}: ${JSON.stringify(sk)} ≠ ${JSON.stringify(k)}`);
    }
    expect([ctx, s.score, s.trend, s.peopleEngaged, s.coveragePct, s.mqa, s.lastActivity]).toEqual([
      ctx,
      w.score,
      w.trend,
      w.peopleEngaged,
      w.coveragePct,
      w.mqa,
      w.lastActivity,
    ]);
    // Same people with the same points; the order of near-equal points may differ in the last bit.
    expect([ctx, s.topPeople.map((p) => p.personId).sort()]).toEqual([ctx, w.topPeople.map((p) => p.personId).sort()]);
    for (const wp of w.topPeople) {
      const sp = s.topPeople.find((p) => p.personId === wp.personId)!;
      if (!close(sp.points, wp.points)) throw new Error(`${ctx} ${wp.personId}: ${sp.points} ≠ ${wp.points}`);
    }
  }
}

let db: Db;
let run = 0;

withTestDb((d) => (db = d));

async function load(orgId: string, data: Data): Promise<void> {
  await db.query('INSERT INTO orgs (id, name) VALUES ($1, $1)', [orgId]);
  await db.query(
    `INSERT INTO accounts (org_id, id, industry, employees)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[])`,
    [
      orgId,
      data.accounts.map((a) => a.id),
      data.accounts.map((a) => a.industry),
      data.accounts.map((a) => a.employees),
    ],
  );
  await db.query(
    `INSERT INTO people (org_id, id, account_id, seniority, department, title)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      orgId,
      data.people.map((p) => p.id),
      data.people.map((p) => p.account_id),
      data.people.map((p) => p.seniority),
      data.people.map((p) => p.department),
      data.people.map((p) => p.title),
    ],
  );
  const ev = data.events;
  await db.query(
    `INSERT INTO events (org_id, source, source_id, type, occurred_at, person_id, account_id, url, quantity, strength,
       attributes, excluded_reason)
     SELECT $1, 'test', * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
       $8::float8[], $9::float8[], $10::jsonb[], $11::text[])`,
    [
      orgId,
      ev.map((e) => e.id),
      ev.map((e) => e.type),
      ev.map((e) => e.occurredAt.toISOString()),
      ev.map((e) => e.personId),
      ev.map((e) => e.accountId),
      ev.map((e) => e.url),
      ev.map((e) => e.quantity),
      ev.map((e) => e.strength),
      ev.map((e) => JSON.stringify(e.campaignType ? { campaignType: e.campaignType } : {})),
      ev.map((e) => e.excluded),
    ],
  );
}

const BACKFILL_DAYS = 5;

test('scoreDay and the back-fill agree with a plain-loop reference evaluator', async () => {
  await fc.assert(
    fc.asyncProperty(modelArb, dataArb, fc.constantFrom(1, 3, 6), async (model, data, refAuto) => {
      const orgId = `org${run++}`;
      await load(orgId, data);
      const refs: Record<string, number> = {};
      for (const k of model.kpis) if ('reference' in k && k.reference === 'auto') refs[k.key] = refAuto;

      // One day through SQL, no stored past: every trend is New.
      const got = await scoreDay(db, { orgId, model, references: refs, asOf: AS_OF });
      const want = [...reference(model, refs, data, AS_OF).values()]
        .map((input) => finishAccount(model, refs, input, null))
        .filter((s): s is AccountScore => s !== null);
      expectSame(got, want, `scoreDay ${AS_OF}`);

      // A few days of back-fill ending at AS_OF; the reference chains its own past for the trend.
      const days = new Map<string, AccountScore[]>();
      await backfill(db, {
        orgId,
        model,
        references: refs,
        toDay: AS_OF,
        days: BACKFILL_DAYS,
        onScores: (day, scores) => days.set(day, scores),
      });
      // Stored, the same back-fill's lean rows (encoded straight from the dense finish) hold the same values.
      await backfill(db, { orgId, model, references: refs, toDay: AS_OF, days: BACKFILL_DAYS });
      const rows = await readSnapshots(db, orgId, model.version, addDays(AS_OF, -(BACKFILL_DAYS - 1)), AS_OF);
      const byKey = new Map([...days].flatMap(([day, scores]) => scores.map((x) => [`${day} ${x.accountId}`, x])));
      expect(rows.map((row) => `${row.day} ${row.account_id}`).sort()).toEqual([...byKey.keys()].sort());
      for (const row of rows) {
        const s = byKey.get(`${row.day} ${row.account_id}`)!;
        const subscores = (k: Record<string, { subscore: number }>) =>
          Object.fromEntries(Object.entries(k).flatMap(([key, v]) => (v.subscore ? [[key, v.subscore]] : [])));
        expect([row.score, row.band, row.people_engaged, row.coverage_pct, row.missing_personas, row.mqa]).toEqual([
          s.scoreExact,
          s.band,
          s.peopleEngaged,
          s.coveragePct,
          s.missingPersonas,
          s.mqa,
        ]);
        expect([row.last_activity, subscores(row.kpis)]).toEqual([s.lastActivity, subscores(s.kpis)]);
      }

      const history = new Map<string, Map<string, AccountScore>>();
      for (let i = BACKFILL_DAYS - 1; i >= 0; i--) {
        const day = addDays(AS_OF, -i);
        const pastDay = history.get(addDays(day, -model.trend.days));
        const ref = [...reference(model, refs, data, day).values()]
          .map((input) => {
            const p = pastDay?.get(input.accountId);
            const past = p
              ? {
                  score: p.score,
                  subscores: Object.fromEntries(Object.entries(p.kpis).map(([k, v]) => [k, v.subscore])),
                }
              : null;
            return finishAccount(model, refs, input, past);
          })
          .filter((s): s is AccountScore => s !== null);
        history.set(day, new Map(ref.map((s) => [s.accountId, s])));
        expectSame(days.get(day) ?? [], ref, `backfill ${day}`);
      }
    }),
    // FC_SEED and FC_PATH (printed with a failure) replay one counterexample.
    { numRuns: 50, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
  );
});
