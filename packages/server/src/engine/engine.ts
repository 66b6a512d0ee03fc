/**
 * The scoring engine: the SQL reduction (reduce.ts) plus the per-account finish (finish.ts), written
 * to daily snapshots. Also publishing a model version: calibrate "auto" references, freeze, activate,
 * back-fill the history.
 */
import type { Db } from '../store/db';
import { PulseError } from '../errors';
import { isRateKpi, parseModel, type Model } from '../model/schema';
import { finishAccount, type AccountScore, type FinishInput, type PastScore as FinishPast } from '../scoring/finish';
import { calibrateReference } from '../scoring/subscore';
import {
  addDays,
  eachAccountBatch,
  Params,
  peopleFromRows,
  prepareMultipliers,
  reduceDay,
  reduceDaySql,
  setWorkMem,
  type CellRow,
  type PersonCols,
  type PersonRow,
} from './reduce';
import { clearSnapshots, insertSnapshots, readPastScores, type PastScore } from '../store/snapshots';
import { activateModel, loadActiveModel, saveModelVersion } from '../store/models';
import { backfill } from './backfill';
import { log } from '../log';

export type { AccountScore, FinishInput };

/** What scoring one day needs. */
export interface ScoreDayOptions {
  orgId: string;
  model: Model;
  references: Record<string, number>;
  asOf: string;
}

/**
 * Builds the finish input of one account from its reduction cells (any order) and the people rows.
 * Shared by the one-day engine and the back-fill so both feed the finish identically.
 */
export function finishInput(
  model: Model,
  accountId: string,
  cells: Pick<CellRow, 'person_id' | 'kpi' | 'points' | 'n' | 'last_day'>[],
  people: Map<string, PersonRow>,
): FinishInput {
  // Sum in a fixed order (by person id, then KPI) so every caller gets bit-identical totals.
  const sorted = [...cells].sort(
    (a, b) =>
      (a.person_id === null ? 0 : 1) - (b.person_id === null ? 0 : 1) ||
      cmp(a.person_id ?? '', b.person_id ?? '') ||
      a.kpi - b.kpi,
  );
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
 * A cell's points to 12 significant digits. The one-day SQL and the back-fill's prefix sums reach the
 * same decayed sum by different float paths (e.g. 1 vs 0.9999999999999999 for a fresh event), and the
 * finish compares points with exact thresholds (an engaged person has ≥ engagedPoints): settling both
 * to one representation keeps the two engines in agreement; 1e-12 is far below anything shown.
 */
export function settle(points: number): number {
  if (points === 0 || !Number.isFinite(points)) return points;
  // Rounding by a power of ten instead of toPrecision: the same 12 significant digits at a tenth of the
  // cost (the back-fill settles every cell of every day). Powers up to 1e22 are exact doubles.
  const decimals = 11 - Math.floor(Math.log10(points < 0 ? -points : points));
  if (decimals >= 0 && decimals <= 22) return Math.round(points * POW10[decimals]!) / POW10[decimals]!;
  if (decimals < 0 && decimals >= -22) return Math.round(points / POW10[-decimals]!) * POW10[-decimals]!;
  return Number(points.toPrecision(12));
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Byte-order comparison of ids, the order every engine sums people in. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The past the finish needs for the trend, from a stored snapshot. */
export function toFinishPast(p: PastScore | undefined): FinishPast | null {
  if (!p) return null;
  const subscores: Record<string, number> = {};
  for (const [key, k] of Object.entries(p.kpis)) subscores[key] = k.subscore;
  return { score: p.score, subscores };
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
    const p = new Params();
    const reduce = reduceDaySql(model, p, orgId, asOf);
    const org = p.add(orgId);
    // The reduction streams straight out of SQL, ordered by account, with each person's attributes
    // joined in: no temp table, no index, no per-page lookups.
    const sql = `SELECT c.account_id, c.person_id, c.kpi, c.points, c.n, c.last_day::text AS last_day,
        pp.seniority, pp.department, pp.title
      FROM (${reduce}) c LEFT JOIN people pp ON pp.org_id = ${org} AND pp.id = c.person_id
      ORDER BY c.account_id COLLATE "C"`;
    const pastDay = addDays(asOf, -model.trend.days);
    let scored = 0;
    let ready: AccountScore[] = [];
    await eachAccountBatch<CellRow & PersonCols>(tx, 'pulse_day', sql, p.values, async (cells) => {
      const people = peopleFromRows(cells);
      const byAccount = new Map<string, CellRow[]>();
      for (const c of cells) {
        const list = byAccount.get(c.account_id);
        if (list) list.push(c);
        else byAccount.set(c.account_id, [c]);
      }
      const ids = [...byAccount.keys()];
      const reading = readPastScores(tx, orgId, model.version, pastDay, ids);
      reading.catch(() => undefined);
      // The previous batch is handed on only now: whatever onScores asks of the connection (a write) then
      // queues behind this batch's reads, and the database does it while Node finishes this batch.
      if (ready.length) await onScores(ready);
      const past = await reading;
      ready = [];
      for (const id of ids) {
        const input = finishInput(model, id, byAccount.get(id)!, people);
        const score = finishAccount(model, references, input, toFinishPast(past.get(id)));
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

/**
 * Resolves every `reference: "auto"` KPI to the 75th percentile of its positive P across the org's
 * accounts on `asOf`; fixed references and the model's own `references` map are kept.
 */
export async function calibrateReferences(
  db: Db,
  orgId: string,
  model: Model,
  asOf: string,
): Promise<Record<string, number>> {
  const references: Record<string, number> = { ...(model.references ?? {}) };
  const auto = model.kpis
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => !isRateKpi(k) && k.reference === 'auto' && references[k.key] === undefined);
  if (auto.length === 0) return references;
  return db.transaction(async (tx) => {
    await prepareMultipliers(tx, orgId, model);
    await reduceDay(tx, orgId, model, asOf);
    const r = await tx.query<{ kpi: number; ps: number[] }>(
      `SELECT kpi, array_agg(p) AS ps FROM (
         SELECT account_id, kpi, sum(points) AS p FROM pulse_cells GROUP BY account_id, kpi
       ) t WHERE p > 0 GROUP BY kpi`,
    );
    const byKpi = new Map(r.rows.map((x) => [x.kpi, x.ps.map(Number)]));
    for (const { k, i } of auto) references[k.key] = calibrateReference(byKpi.get(i) ?? []);
    await tx.exec('DROP TABLE IF EXISTS pulse_cells');
    return references;
  });
}

/** Result of publishing a model version. */
export interface PublishResult {
  version: string;
  references: Record<string, number>;
  snapshots: number;
}

/**
 * Publishes a model version for an org: validates it, calibrates and freezes "auto" references as of
 * `asOf`, stores and activates it, and back-fills the last 90 days of snapshots — all in one transaction.
 */
export async function publishModel(db: Db, orgId: string, model: unknown, asOf: string): Promise<PublishResult> {
  const parsed = parseModel(model);
  return db.transaction(async (tx) => {
    const references = await calibrateReferences(tx, orgId, parsed, asOf);
    await saveModelVersion(tx, orgId, parsed, references);
    await activateModel(tx, orgId, parsed.version);
    const filled = await backfill(tx, { orgId, model: parsed, references, toDay: asOf });
    log.info({ org: orgId, model: parsed.version, snapshots: filled.snapshots }, 'model published');
    return { version: parsed.version, references, snapshots: filled.snapshots };
  });
}

/** What `scoreOrg` did. */
export interface ScoreOrgResult {
  modelVersion: string;
  asOf: string;
  accounts: number;
  snapshots: number;
  scores: AccountScore[];
}

/**
 * Scores an org with its active model for `asOf` (and, with `history`, back-fills the 90 days up to it
 * first). Used by the CLI and the daily run.
 */
export async function scoreOrg(
  db: Db,
  opts: { orgId: string; asOf: string; history?: boolean },
): Promise<ScoreOrgResult> {
  const active = await loadActiveModel(db, opts.orgId);
  if (!active) {
    throw new PulseError('NO_ACTIVE_MODEL', `org ${opts.orgId} has no published model; publish one first`, {
      org: opts.orgId,
    });
  }
  const { model, references } = active;
  return db.transaction(async (tx) => {
    let snapshots = 0;
    if (opts.history) {
      // The back-fill ends the day before, so today's scores come from the one-day engine as usual.
      const r = await backfill(tx, { orgId: opts.orgId, model, references, toDay: addDays(opts.asOf, -1), days: 89 });
      snapshots += r.snapshots;
    }
    const scores: AccountScore[] = [];
    snapshots += await scoreAndStoreDay(
      tx,
      { orgId: opts.orgId, model, references, asOf: opts.asOf },
      (batch) => void scores.push(...batch),
    );
    return { modelVersion: model.version, asOf: opts.asOf, accounts: scores.length, snapshots, scores };
  });
}
