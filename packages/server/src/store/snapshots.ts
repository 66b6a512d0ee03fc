/**
 * Daily snapshots: one row per scored account per day per model version. The exact score is stored;
 * on a fully written day the rounded score, trend and top contributors ride in `detail`. Back-filled
 * history days are lean: `detail` is empty and `kpis` holds the sub-scores only.
 */
import { arrayLiteral, copyField, type Db } from './db';
import { roundScore } from '../scoring/band';
import type { AccountScore, DenseFinish, FinishPlan, HistoryRow } from '../scoring/finish';

type StoredKpis = Record<string, number | { points?: number; subscore: number }>;

/** Stored KPIs as readers see them: a history row's plain sub-score becomes `{ subscore }`. */
function kpisOf(stored: StoredKpis): SnapshotRow['kpis'] {
  const out: SnapshotRow['kpis'] = {};
  for (const key in stored) {
    const v = stored[key]!;
    out[key] = typeof v === 'number' ? { subscore: v } : v;
  }
  return out;
}

/** The sub-scores of stored KPIs, from a history row (plain numbers) or a fully written day (objects). */
function subscoresOf(stored: StoredKpis): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in stored) {
    const v = stored[key]!;
    out[key] = typeof v === 'number' ? v : v.subscore;
  }
  return out;
}

/**
 * A stored row as a later day's trend and change drivers read it: the shown score (a fully written day
 * keeps it in `detail` as `rounded`), the exact score and the sub-scores.
 */
function pastDayOf(row: {
  score: number;
  kpis: StoredKpis;
  rounded: number | null;
}): Pick<HistoryRow, 'score' | 'scoreExact' | 'subscores'> {
  return { score: row.rounded ?? roundScore(row.score), scoreExact: row.score, subscores: subscoresOf(row.kpis) };
}

const BATCH = 5_000;

/** Deletes the snapshots of a model version over an inclusive day range (before a back-fill rewrites it). */
export async function clearSnapshots(db: Db, orgId: string, modelVersion: string, from: string, to: string) {
  await db.query(
    'DELETE FROM snapshots WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date',
    [orgId, modelVersion, from, to],
  );
}

const COLUMNS = [
  'org_id',
  'model_version',
  'account_id',
  'day',
  'score',
  'band',
  'kpis',
  'people_engaged',
  'coverage_pct',
  'missing_personas',
  'mqa',
  'last_activity',
  'detail',
] as const;

/**
 * Encodes snapshot rows of one org and model version as lines of COPY text. What repeats from row to
 * row (org and version, KPI keys, missing-persona lists) is escaped once: the back-fill encodes ~90 rows
 * per account.
 */
export class SnapshotEncoder {
  private readonly prefix: string;
  private readonly keys = new Map<string, string>();
  private readonly personas = new WeakMap<readonly string[], string>();

  constructor(orgId: string, modelVersion: string) {
    this.prefix = `${copyField(orgId)}\t${copyField(modelVersion)}\t`;
  }

  /** One row: a fully written day (an AccountScore, with top lists) or a lean history day. */
  line(day: string, s: AccountScore | HistoryRow): string {
    if (!('topPeople' in s)) {
      const keys = Object.keys(s.subscores);
      return this.row(
        day,
        s.accountId,
        s.band,
        s,
        this.leanKpis(keys, (i) => s.subscores[keys[i]!]!),
        s,
        '{}',
      );
    }
    // Zero KPIs are left out (readers default to 0).
    const k: Record<string, { points: number; subscore: number }> = {};
    for (const key in s.kpis) {
      const v = s.kpis[key]!;
      if (v.points !== 0 || v.subscore !== 0) k[key] = { points: v.points, subscore: v.subscore };
    }
    const detail = JSON.stringify({
      score: s.score,
      trend: s.trend,
      change30d: s.change30d,
      topPeople: s.topPeople,
      topKpis: s.topKpis,
      changeDrivers: s.changeDrivers,
    });
    return this.row(day, s.accountId, s.band, s, copyField(JSON.stringify(k)), s, copyField(detail));
  }

  /**
   * A lean history row straight from a dense finish (what `line` writes for a HistoryRow), with no
   * object built: the back-fill writes ~89 of these per account.
   */
  historyLine(
    day: string,
    accountId: string,
    band: string,
    s: DenseFinish,
    plan: FinishPlan,
    lastActivity: string | null,
  ): string {
    const kpis = this.leanKpis(
      plan.enabled.map((e) => e.key),
      (i) => s.subscores[i]!,
    );
    return this.row(day, accountId, band, s, kpis, { lastActivity }, '{}');
  }

  private row(
    day: string,
    accountId: string,
    band: string,
    s: Pick<DenseFinish, 'scoreExact' | 'peopleEngaged' | 'coveragePct' | 'missingPersonas' | 'mqa'>,
    kpis: string,
    at: { lastActivity: string | null },
    detail: string,
  ): string {
    return `${this.prefix}${copyField(accountId)}\t${day}\t${s.scoreExact}\t${band}\t${kpis}\t${s.peopleEngaged}\t${
      s.coveragePct
    }\t${this.missing(s.missingPersonas)}\t${s.mqa ? 't' : 'f'}\t${at.lastActivity ?? '\\N'}\t${detail}\n`;
  }

  /**
   * A history row's KPIs: the non-zero sub-scores as a JSON object of plain numbers (all the trend,
   * change drivers and receipt read of a past day), a third the size of full KPIs to parse.
   */
  private leanKpis(keys: readonly string[], subscore: (i: number) => number): string {
    let kpis = '';
    for (let i = 0; i < keys.length; i++) {
      const v = subscore(i);
      // Sub-scores are finite numbers, whose JSON is their String().
      if (v !== 0) kpis += `${kpis ? ',' : '{'}${this.key(keys[i]!)}${v}`;
    }
    return kpis ? `${kpis}}` : '{}';
  }

  private key(key: string): string {
    let k = this.keys.get(key);
    if (k === undefined) this.keys.set(key, (k = `${copyField(JSON.stringify(key))}:`));
    return k;
  }

  // Keyed by the list itself: the finish hands out one shared list per combination of missing personas.
  private missing(labels: readonly string[]): string {
    let literal = this.personas.get(labels);
    if (literal === undefined) this.personas.set(labels, (literal = copyField(arrayLiteral(labels))));
    return literal;
  }
}

/**
 * Refreshes the planner's statistics of `snapshots` after a bulk write: they keep the next clear a
 * sequential scan instead of an index walk over the whole heap per day (PGlite has no autovacuum).
 */
export async function analyzeSnapshots(db: Db): Promise<void> {
  await db.exec('ANALYZE snapshots');
}

/** Copies snapshot rows already encoded by a SnapshotEncoder (none of them may be stored already). */
export async function copySnapshots(db: Db, data: string | Uint8Array): Promise<number> {
  return db.copyFrom('snapshots', COLUMNS, data);
}

/**
 * Inserts snapshot rows of any days (none of them may be stored already: clear the days first). Rows go
 * in by COPY, BATCH at a time: the back-fill writes ~90 rows per account, and COPY costs the server far
 * less per row than an INSERT of the same rows.
 */
export async function insertSnapshots(
  db: Db,
  orgId: string,
  modelVersion: string,
  rows: { day: string; score: AccountScore | HistoryRow }[],
): Promise<number> {
  let copied = 0;
  const encoder = new SnapshotEncoder(orgId, modelVersion);
  for (let i = 0; i < rows.length; i += BATCH) {
    let text = '';
    for (const { day, score } of rows.slice(i, i + BATCH)) text += encoder.line(day, score);
    copied += await copySnapshots(db, text);
  }
  return copied;
}

/** The stored scores of some accounts on one day (for the trend), by account id. */
export async function readPastScores(
  db: Db,
  orgId: string,
  modelVersion: string,
  day: string,
  accountIds: string[],
): Promise<Map<string, Pick<HistoryRow, 'score' | 'scoreExact' | 'subscores'>>> {
  const r = await db.query<{ account_id: string; score: number; kpis: StoredKpis; rounded: number | null }>(
    `SELECT account_id, score, kpis, (detail->>'score')::float8 AS rounded FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day = $3::date AND account_id = ANY($4::text[])`,
    [orgId, modelVersion, day, accountIds],
  );
  const out = new Map<string, Pick<HistoryRow, 'score' | 'scoreExact' | 'subscores'>>();
  for (const row of r.rows) out.set(row.account_id, pastDayOf(row));
  return out;
}

/** A stored snapshot row, as the API and tests read it. */
export interface SnapshotRow {
  account_id: string;
  day: string;
  score: number;
  band: string;
  /** Points are stored on fully written days only; history days keep the sub-scores. */
  kpis: Record<string, { points?: number; subscore: number }>;
  people_engaged: number;
  coverage_pct: number;
  missing_personas: string[];
  mqa: boolean;
  last_activity: string | null;
  detail: Record<string, unknown>;
}

/** Every snapshot of a model version over an inclusive day range, ordered by account then day. */
export async function readSnapshots(
  db: Db,
  orgId: string,
  modelVersion: string,
  from: string,
  to: string,
): Promise<SnapshotRow[]> {
  const r = await db.query<Omit<SnapshotRow, 'kpis'> & { kpis: StoredKpis }>(
    `SELECT account_id, day, score, band, kpis, people_engaged, coverage_pct, missing_personas, mqa,
       last_activity, detail FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date
     ORDER BY account_id, day`,
    [orgId, modelVersion, from, to],
  );
  return r.rows.map((row) => ({ ...row, kpis: kpisOf(row.kpis) }));
}

/** The stored scores of some accounts over an inclusive day range: account → day → score. */
export async function readPastRange(
  db: Db,
  orgId: string,
  modelVersion: string,
  from: string,
  to: string,
  accountIds: string[],
): Promise<Map<string, Map<string, Pick<HistoryRow, 'score' | 'scoreExact' | 'subscores'>>>> {
  const r = await db.query<{
    account_id: string;
    day: string;
    score: number;
    kpis: StoredKpis;
    rounded: number | null;
  }>(
    `SELECT account_id, day, score, kpis, (detail->>'score')::float8 AS rounded FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date AND account_id = ANY($5::text[])`,
    [orgId, modelVersion, from, to, accountIds],
  );
  const out = new Map<string, Map<string, Pick<HistoryRow, 'score' | 'scoreExact' | 'subscores'>>>();
  for (const row of r.rows) {
    let m = out.get(row.account_id);
    if (!m) out.set(row.account_id, (m = new Map()));
    m.set(row.day, pastDayOf(row));
  }
  return out;
}

/**
 * Each account's daily exact score and MQA flag over an inclusive day range: just the two columns the
 * written history and the MQA start date need, not the snapshot's JSON.
 */
export async function readScoreHistory(
  db: Db,
  orgId: string,
  modelVersion: string,
  from: string,
  to: string,
  /** Only these accounts (the write-back reads a batch at a time); all when absent. */
  accountIds?: readonly string[],
): Promise<Map<string, Map<string, { score: number; mqa: boolean }>>> {
  const some = accountIds ? ' AND account_id = ANY($5::text[])' : '';
  const r = await db.query<{ account_id: string; day: string; score: number; mqa: boolean }>(
    `SELECT account_id, day, score, mqa FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date${some}`,
    accountIds ? [orgId, modelVersion, from, to, accountIds] : [orgId, modelVersion, from, to],
  );
  const out = new Map<string, Map<string, { score: number; mqa: boolean }>>();
  for (const s of r.rows) {
    let m = out.get(s.account_id);
    if (!m) out.set(s.account_id, (m = new Map()));
    m.set(s.day, { score: s.score, mqa: s.mqa });
  }
  return out;
}

/** One account's stored score and band on a day. */
export interface DayBand {
  accountId: string;
  score: number;
  band: string;
}

/** Every account's stored score and band of a model version on one day, by account id. */
export async function readDayBands(db: Db, orgId: string, modelVersion: string, day: string): Promise<DayBand[]> {
  const r = await db.query<{ account_id: string; score: number; band: string }>(
    `SELECT account_id, score, band FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day = $3::date ORDER BY account_id`,
    [orgId, modelVersion, day],
  );
  return r.rows.map((x) => ({ accountId: x.account_id, score: Number(x.score), band: x.band }));
}

/** The latest day both model versions have snapshots on, or null. */
export async function latestCommonDay(db: Db, orgId: string, a: string, b: string): Promise<string | null> {
  const r = await db.query<{ day: string | null }>(
    `SELECT max(day)::text AS day FROM snapshots s
     WHERE org_id = $1 AND model_version = $2
       AND EXISTS (SELECT 1 FROM snapshots t WHERE t.org_id = $1 AND t.model_version = $3 AND t.day = s.day)`,
    [orgId, a, b],
  );
  return r.rows[0]?.day ?? null;
}

/** The last day a model version's snapshots were fully written (a scored day, not a back-filled one), or null. */
export async function latestWrittenDay(db: Db, orgId: string, modelVersion: string): Promise<string | null> {
  const r = await db.query<{ day: string | null }>(
    `SELECT max(day)::text AS day FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND detail->>'score' IS NOT NULL`,
    [orgId, modelVersion],
  );
  return r.rows[0]?.day ?? null;
}

/**
 * One account's score of a fully written day as the engine finished it, read back from its snapshot;
 * null when the account had no score that day (or the day was only back-filled).
 */
export async function readAccountScore(
  db: Db,
  orgId: string,
  modelVersion: string,
  accountId: string,
  day: string,
): Promise<AccountScore | null> {
  const r = await db.query<{
    score: number;
    band: AccountScore['band'];
    kpis: StoredKpis;
    people_engaged: number;
    coverage_pct: number;
    missing_personas: string[];
    mqa: boolean;
    last_activity: string | null;
    detail: Partial<Pick<AccountScore, 'score' | 'trend' | 'change30d' | 'topPeople' | 'topKpis' | 'changeDrivers'>>;
  }>(
    `SELECT score, band, kpis, people_engaged, coverage_pct, missing_personas, mqa, last_activity::text AS last_activity,
       detail FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND account_id = $3 AND day = $4::date AND detail->>'score' IS NOT NULL`,
    [orgId, modelVersion, accountId, day],
  );
  const row = r.rows[0];
  if (!row) return null;
  const kpis: AccountScore['kpis'] = {};
  for (const [key, v] of Object.entries(kpisOf(row.kpis))) kpis[key] = { points: v.points ?? 0, subscore: v.subscore };
  const d = row.detail;
  return {
    accountId,
    score: d.score ?? roundScore(Number(row.score)),
    scoreExact: Number(row.score),
    band: row.band,
    trend: d.trend ?? 'Neutral',
    change30d: d.change30d ?? null,
    peopleEngaged: Number(row.people_engaged),
    coveragePct: Number(row.coverage_pct),
    missingPersonas: row.missing_personas,
    mqa: row.mqa,
    kpis,
    lastActivity: row.last_activity,
    topPeople: d.topPeople ?? [],
    topKpis: d.topKpis ?? [],
    changeDrivers: d.changeDrivers ?? [],
  };
}
