/**
 * Daily snapshots: one row per scored account per day per model version. The exact score is stored;
 * on a fully written day the rounded score, trend and top contributors ride in `detail`. Back-filled
 * history days are lean: `detail` is empty and `kpis` holds the sub-scores only.
 */
import type { Db } from './db';
import { roundScore } from '../scoring/band';

/** What a snapshot row holds of a finished account score (the finish's output shape). */
export interface SnapshotScore {
  accountId: string;
  score: number;
  scoreExact: number;
  band: string;
  trend: string;
  change30d: number | null;
  peopleEngaged: number;
  coveragePct: number;
  missingPersonas: string[];
  mqa: boolean;
  kpis: Record<string, { points: number; subscore: number }>;
  /** Top lists and change drivers: absent on lean history rows, which keep score, trend and change only. */
  topPeople?: unknown[];
  topKpis?: unknown[];
  changeDrivers?: unknown[];
  lastActivity: string | null;
}

/** A stored day of one account, as the trend and change drivers need it. */
export interface PastScore {
  score: number;
  scoreExact: number;
  /** Points are stored on fully written days only; history days keep the sub-scores. */
  kpis: Record<string, { points?: number; subscore: number }>;
}

type StoredKpis = Record<string, number | { points?: number; subscore: number }>;

/** Stored KPIs as readers see them: a history row's plain sub-score becomes `{ subscore }`. */
function kpisOf(stored: StoredKpis): PastScore['kpis'] {
  const out: PastScore['kpis'] = {};
  for (const key in stored) {
    const v = stored[key]!;
    out[key] = typeof v === 'number' ? { subscore: v } : v;
  }
  return out;
}

const BATCH = 5_000;

/** Replaces the snapshots of (org, model version, day) with `scores`, in batches of unnest inserts. */
export async function writeSnapshots(
  db: Db,
  orgId: string,
  modelVersion: string,
  day: string,
  scores: SnapshotScore[],
): Promise<number> {
  await db.query('DELETE FROM snapshots WHERE org_id = $1 AND model_version = $2 AND day = $3::date', [
    orgId,
    modelVersion,
    day,
  ]);
  return insertSnapshots(
    db,
    orgId,
    modelVersion,
    scores.map((s) => ({ day, score: s })),
  );
}

/** Deletes the snapshots of a model version over an inclusive day range (before a back-fill rewrites it). */
export async function clearSnapshots(db: Db, orgId: string, modelVersion: string, from: string, to: string) {
  await db.query(
    'DELETE FROM snapshots WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date',
    [orgId, modelVersion, from, to],
  );
}

/**
 * Inserts snapshot rows of any days; with `upsert` (the default) a row already there is replaced. Rows go
 * as one JSON array per batch (json_to_recordset): serializing it is far cheaper than 13 parameter arrays.
 */
export async function insertSnapshots(
  db: Db,
  orgId: string,
  modelVersion: string,
  rows: { day: string; score: SnapshotScore }[],
  upsert = true,
): Promise<number> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const json = JSON.stringify(
      chunk.map(({ day, score: s }) => {
        const full = s.topPeople !== undefined;
        // Zero KPIs are left out (readers default to 0). History rows keep only the sub-scores, as plain
        // numbers (all the trend, change drivers and receipt read of a past day): a third the size to parse.
        const k: Record<string, { points: number; subscore: number } | number> = {};
        for (const key in s.kpis) {
          const v = s.kpis[key]!;
          if (full) {
            if (v.points !== 0 || v.subscore !== 0) k[key] = { points: v.points ?? 0, subscore: v.subscore };
          } else if (v.subscore !== 0) k[key] = v.subscore;
        }
        return {
          a: s.accountId,
          d: day,
          s: s.scoreExact,
          b: s.band,
          k,
          pe: s.peopleEngaged,
          cp: s.coveragePct,
          mp: s.missingPersonas,
          m: s.mqa,
          la: s.lastActivity,
          dt: full
            ? {
                score: s.score,
                trend: s.trend,
                change30d: s.change30d,
                topPeople: s.topPeople,
                topKpis: s.topKpis ?? [],
                changeDrivers: s.changeDrivers ?? [],
              }
            : undefined,
        };
      }),
    );
    await db.query(
      `INSERT INTO snapshots (org_id, model_version, account_id, day, score, band, kpis, people_engaged,
         coverage_pct, missing_personas, mqa, last_activity, detail)
       SELECT $1, $2, a, d, s, b, k, pe, cp, mp, m, la, COALESCE(dt, '{}')
       FROM jsonb_to_recordset($3::jsonb)
         AS t(a text, d date, s float8, b text, k jsonb, pe int, cp float8, mp text[], m bool, la date, dt jsonb)
       ${
         upsert
           ? `ON CONFLICT (org_id, model_version, account_id, day) DO UPDATE SET score = EXCLUDED.score,
         band = EXCLUDED.band, kpis = EXCLUDED.kpis, people_engaged = EXCLUDED.people_engaged,
         coverage_pct = EXCLUDED.coverage_pct, missing_personas = EXCLUDED.missing_personas,
         mqa = EXCLUDED.mqa, last_activity = EXCLUDED.last_activity, detail = EXCLUDED.detail`
           : ''
       }`,
      [orgId, modelVersion, json],
    );
  }
  return rows.length;
}

/** The stored scores of some accounts on one day (for the trend), by account id. */
export async function readPastScores(
  db: Db,
  orgId: string,
  modelVersion: string,
  day: string,
  accountIds: string[],
): Promise<Map<string, PastScore>> {
  const r = await db.query<{ account_id: string; score: number; kpis: StoredKpis; rounded: number | null }>(
    `SELECT account_id, score, kpis, (detail->>'score')::float8 AS rounded FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day = $3::date AND account_id = ANY($4::text[])`,
    [orgId, modelVersion, day, accountIds],
  );
  const out = new Map<string, PastScore>();
  for (const row of r.rows) {
    out.set(row.account_id, {
      score: row.rounded ?? roundScore(row.score),
      scoreExact: row.score,
      kpis: kpisOf(row.kpis),
    });
  }
  return out;
}

/** A stored snapshot row, as the API and tests read it. */
export interface SnapshotRow {
  account_id: string;
  day: string;
  score: number;
  band: string;
  /** Points on fully written days only (see PastScore). */
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
): Promise<Map<string, Map<string, PastScore>>> {
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
  const out = new Map<string, Map<string, PastScore>>();
  for (const row of r.rows) {
    let m = out.get(row.account_id);
    if (!m) out.set(row.account_id, (m = new Map()));
    m.set(row.day, { score: row.rounded ?? roundScore(row.score), scoreExact: row.score, kpis: kpisOf(row.kpis) });
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
): Promise<Map<string, Map<string, { score: number; mqa: boolean }>>> {
  const r = await db.query<{ account_id: string; day: string; score: number; mqa: boolean }>(
    `SELECT account_id, day, score, mqa FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date`,
    [orgId, modelVersion, from, to],
  );
  const out = new Map<string, Map<string, { score: number; mqa: boolean }>>();
  for (const s of r.rows) {
    let m = out.get(s.account_id);
    if (!m) out.set(s.account_id, (m = new Map()));
    m.set(s.day, { score: s.score, mqa: s.mqa });
  }
  return out;
}
