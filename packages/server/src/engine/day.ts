/**
 * The one-day engine: the SQL reduction of one as-of day (store/reduction.ts) streamed per account into
 * the finish (scoring/finish.ts), written to that day's snapshots.
 */
import type { Db } from '../store/db';
import type { Model } from '../model/schema';
import { finishAccount, type AccountScore, type FinishInput, type HistoryRow } from '../scoring/finish';
import { addDays } from '../scoring/days';
import { settle, sumOrder } from '../scoring/sum';
import { eachDayCellBatch, peopleFromRows, setWorkMem, type CellRow, type PersonRow } from '../store/reduction';
import { clearSnapshots, insertSnapshots, readPastScores } from '../store/snapshots';
import { prepareMultipliers } from './multipliers';

/** What scoring one day needs. */
export interface ScoreDayOptions {
  orgId: string;
  model: Model;
  references: Record<string, number>;
  asOf: string;
  /**
   * The trend day's scores by account, when they are not stored under `model.version` (a preview's
   * draft, scored on that day too); without it they are read from the snapshots.
   */
  past?: ReadonlyMap<string, PastDay>;
}

/** What a later day's trend and change drivers read of an account's trend-day score. */
export type PastDay = Pick<HistoryRow, 'score' | 'scoreExact' | 'subscores'>;

/** An account's finished score as the trend day's past, the same values its stored snapshot reads back as. */
export function pastDayOf(s: AccountScore): PastDay {
  const subscores: Record<string, number> = {};
  for (const key in s.kpis) subscores[key] = s.kpis[key]!.subscore;
  return { score: s.score, scoreExact: s.scoreExact, subscores };
}

/** Scores every account on `asOf`'s trend day (`trend.days` before) as the past `scoreDay` compares with; reads only. */
export async function scoreTrendDay(db: Db, opts: ScoreDayOptions): Promise<Map<string, PastDay>> {
  const past = new Map<string, PastDay>();
  const trendDay = addDays(opts.asOf, -opts.model.trend.days);
  // The trend day's own trend is not read, so its past need not exist: an empty map skips the reads.
  await eachScoreBatch(db, { ...opts, asOf: trendDay, past: new Map() }, (scores) => {
    for (const s of scores) past.set(s.accountId, pastDayOf(s));
  });
  return past;
}

/**
 * Builds the finish input of one account from its reduction cells (any order) and the people rows, summed
 * in the order every engine sums in (scoring/sum.ts) so totals are bit-identical with the back-fill's.
 */
export function finishInput(
  model: Model,
  accountId: string,
  cells: Pick<CellRow, 'person_id' | 'kpi' | 'points' | 'n' | 'last_day'>[],
  people: Map<string, PersonRow>,
): FinishInput {
  const sorted = [...cells].sort((a, b) => sumOrder(a.person_id, a.kpi, b.person_id, b.kpi));
  const kpis: Record<string, { points: number; count: number }> = {};
  const byPerson = new Map<string, { personId: string; points: number; kpiPoints: Record<string, number> }>();
  let lastActivity = '';
  for (const c of sorted) {
    const key = model.kpis[c.kpi]!.key;
    const points = settle(c.points);
    const k = (kpis[key] ??= { points: 0, count: 0 });
    k.points += points;
    k.count += c.n;
    if (c.last_day > lastActivity) lastActivity = c.last_day;
    if (c.person_id === null) continue;
    let p = byPerson.get(c.person_id);
    if (!p) {
      p = { personId: c.person_id, points: 0, kpiPoints: {} };
      byPerson.set(c.person_id, p);
    }
    p.points += points;
    p.kpiPoints[key] = (p.kpiPoints[key] ?? 0) + points;
  }
  const peopleOut = [...byPerson.values()].map((p) => {
    const row = people.get(p.personId);
    return {
      ...p,
      seniority: row?.seniority ?? 'unknown',
      department: row?.department ?? 'unknown',
      title: row?.title ?? null,
    };
  });
  return { accountId, kpis, people: peopleOut, lastActivity: lastActivity || null };
}

/**
 * Scores every account of the org for one day: SQL reduction, then the finish per account with the
 * trend against the stored snapshot `trend.days` earlier. Reads only; see `scoreAndStoreDay` to write.
 */
export async function scoreDay(db: Db, opts: ScoreDayOptions): Promise<AccountScore[]> {
  const out: AccountScore[] = [];
  await eachScoreBatch(db, opts, (scores) => void out.push(...scores));
  return out;
}

/**
 * Scores every account of the org for one day as `scoreDay` does, handing the finished scores to
 * `onScores` a batch of accounts at a time as they stream out of SQL (memory stays bounded by a batch).
 * Returns how many accounts were scored.
 */
export async function eachScoreBatch(
  db: Db,
  opts: ScoreDayOptions,
  onScores: (scores: AccountScore[]) => Promise<void> | void,
): Promise<number> {
  const { orgId, model, references, asOf } = opts;
  return db.transaction(async (tx) => {
    await prepareMultipliers(tx, orgId, model);
    await setWorkMem(tx);
    const pastDay = addDays(asOf, -model.trend.days);
    let scored = 0;
    let ready: AccountScore[] = [];
    await eachDayCellBatch(tx, orgId, model, asOf, async (cells) => {
      const people = peopleFromRows(cells);
      const byAccount = new Map<string, CellRow[]>();
      for (const c of cells) {
        const list = byAccount.get(c.account_id);
        if (list) list.push(c);
        else byAccount.set(c.account_id, [c]);
      }
      const ids = [...byAccount.keys()];
      const reading = opts.past ? Promise.resolve(opts.past) : readPastScores(tx, orgId, model.version, pastDay, ids);
      reading.catch(() => undefined);
      // The previous batch is handed on only now: whatever onScores asks of the connection (a write) then
      // queues behind this batch's reads, and the database does it while Node finishes this batch.
      if (ready.length) await onScores(ready);
      const past = await reading;
      ready = [];
      for (const id of ids) {
        const input = finishInput(model, id, byAccount.get(id)!, people);
        const score = finishAccount(model, references, input, past.get(id) ?? null);
        if (score) ready.push(score);
      }
      scored += ready.length;
    });
    if (ready.length) await onScores(ready);
    return scored;
  });
}

/**
 * Scores one day and replaces that day's snapshots, all or nothing; each batch of scores is written as
 * it is finished (the write overlaps the next batch's finish) and handed to `onScores` when given.
 * Returns how many accounts were scored.
 */
export async function scoreAndStoreDay(
  db: Db,
  opts: ScoreDayOptions,
  onScores?: (scores: AccountScore[]) => Promise<void> | void,
): Promise<number> {
  const { orgId, model, asOf } = opts;
  return db.transaction(async (tx) => {
    await clearSnapshots(tx, orgId, model.version, asOf, asOf);
    // One write in flight at a time; a failed write surfaces at the next batch or at the end.
    let pending: Promise<unknown> = Promise.resolve();
    const scored = await eachScoreBatch(tx, opts, async (scores) => {
      await pending;
      pending = insertSnapshots(
        tx,
        orgId,
        model.version,
        scores.map((score) => ({ day: asOf, score })),
      );
      pending.catch(() => undefined);
      await onScores?.(scores);
    });
    await pending;
    return scored;
  });
}
