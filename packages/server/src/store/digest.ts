/**
 * What the weekly owner digest reads (actions/digest.ts decides and renders): each owned account
 * that, on the week's last day, is Surging or Cooling, or is an MQA and was not one the day before
 * the week began; with its score, band and top people, and the names of those people.
 */
import type { Db } from './db';

/** One account of an owner's week. */
export interface DigestAccountRow {
  accountId: string;
  accountName: string;
  ownerId: string;
  ownerName: string | null;
  /** The shown (rounded) score on the week's last day, and on the day before the week. */
  score: number;
  previousScore: number | null;
  band: string;
  trend: string | null;
  mqa: boolean;
  /** An MQA on the last day and not on the day before the week (or not scored then). */
  newlyMqa: boolean;
  topPeople: { personId: string; points: number; share: number }[];
}

/**
 * The digest rows of an org's week ending `lastDay` (YYYY-MM-DD, inclusive), for one model version:
 * accounts with an owner that are Surging, Cooling or newly MQA; by owner, then highest score first.
 */
export async function readDigestAccounts(
  db: Db,
  orgId: string,
  modelVersion: string,
  lastDay: string,
): Promise<DigestAccountRow[]> {
  const r = await db.query<{
    account_id: string;
    name: string;
    owner_id: string;
    owner_name: string | null;
    score: number;
    previous_score: number | null;
    band: string;
    trend: string | null;
    mqa: boolean;
    newly_mqa: boolean;
    top_people: unknown;
  }>(
    `SELECT a.id AS account_id, a.name, a.owner_id, a.owner_name,
            COALESCE((s.detail->>'score')::float8, round(s.score::numeric, 0)::float8) AS score,
            COALESCE((p.detail->>'score')::float8, round(p.score::numeric, 0)::float8) AS previous_score,
            s.band, s.detail->>'trend' AS trend, s.mqa,
            (s.mqa AND NOT COALESCE(p.mqa, false)) AS newly_mqa,
            s.detail->'topPeople' AS top_people
     FROM snapshots s
     JOIN accounts a ON a.org_id = s.org_id AND a.id = s.account_id AND NOT a.is_deleted
     LEFT JOIN snapshots p ON p.org_id = s.org_id AND p.model_version = s.model_version
                          AND p.account_id = s.account_id AND p.day = s.day - 7
     WHERE s.org_id = $1 AND s.model_version = $2 AND s.day = $3::date AND a.owner_id IS NOT NULL
       AND (s.detail->>'trend' IN ('Surging', 'Cooling') OR (s.mqa AND NOT COALESCE(p.mqa, false)))
     ORDER BY a.owner_id, s.score DESC, a.id`,
    [orgId, modelVersion, lastDay],
  );
  return r.rows.map((x) => ({
    accountId: x.account_id,
    accountName: x.name,
    ownerId: x.owner_id,
    ownerName: x.owner_name,
    score: x.score,
    previousScore: x.previous_score,
    band: x.band,
    trend: x.trend,
    mqa: x.mqa,
    newlyMqa: x.newly_mqa,
    topPeople: Array.isArray(x.top_people) ? (x.top_people as DigestAccountRow['topPeople']) : [],
  }));
}

/** Names and titles of people by id (merged or deleted people included: a past day may name them). */
export async function readPeopleNames(
  db: Db,
  orgId: string,
  ids: string[],
): Promise<Map<string, { name: string | null; title: string | null }>> {
  if (ids.length === 0) return new Map();
  const r = await db.query<{ id: string; name: string; title: string | null }>(
    'SELECT id, name, title FROM people WHERE org_id = $1 AND id = ANY($2::text[])',
    [orgId, ids],
  );
  return new Map(r.rows.map((x) => [x.id, { name: x.name || null, title: x.title }]));
}

/**
 * The email of every account owner of the org, by Salesforce User id, from the Users the pull keeps
 * (source_records, object 'User'); owners without a pulled User or an Email are absent.
 */
export async function readOwnerEmails(db: Db, orgId: string): Promise<Map<string, string>> {
  const r = await db.query<{ id: string; email: string }>(
    `SELECT DISTINCT u.id, u.fields->>'Email' AS email
     FROM accounts a
     JOIN source_records u ON u.org_id = a.org_id AND u.object = 'User' AND u.id = a.owner_id
     WHERE a.org_id = $1 AND NOT a.is_deleted AND NOT u.is_deleted AND COALESCE(u.fields->>'Email', '') <> ''`,
    [orgId],
  );
  return new Map(r.rows.map((x) => [x.id, x.email]));
}
