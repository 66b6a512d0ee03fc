/**
 * SQL of the resolve steps run after every MAP pull (sources/map/resolve.ts decides, this module
 * reads and writes): matching MAP people to Salesforce people, their domain matches, pointing MAP
 * events at the match, and setting aside mail-scanner opens and clicks.
 */
import type { Db } from './db';

/** Matches MAP people (of `sources`) to Salesforce people by CRM id, then email, following conversions and merges. */
export async function matchMapPeople(db: Db, orgId: string, sources: readonly string[]): Promise<void> {
  await db.query(
    `WITH m AS (
       SELECT id, lower(email) AS email, attributes->>'crmId' AS crm FROM people
       WHERE org_id = $1 AND kind = ANY($2::text[]) AND NOT is_deleted),
     by_crm AS (
       SELECT m.id, COALESCE(sf.merged_into, sf.id) AS target, 'crm_id' AS method
       FROM m JOIN people sf ON sf.org_id = $1 AND sf.id = m.crm
       WHERE sf.kind IN ('contact', 'lead') AND NOT sf.is_deleted),
     by_email AS (
       SELECT DISTINCT ON (m.id) m.id, COALESCE(sf.merged_into, sf.id) AS target, 'email' AS method
       FROM m JOIN people sf ON sf.org_id = $1 AND lower(sf.email) = m.email
       WHERE m.email IS NOT NULL AND sf.kind IN ('contact', 'lead') AND NOT sf.is_deleted
         AND NOT EXISTS (SELECT 1 FROM by_crm c WHERE c.id = m.id)
       -- A contact beats a lead with the same address; among equals the smallest id, so reruns agree.
       ORDER BY m.id, (sf.kind = 'contact') DESC, (sf.merged_into IS NULL) DESC, sf.id),
     matched AS (SELECT * FROM by_crm UNION ALL SELECT * FROM by_email),
     wanted AS (
       SELECT m.id, x.target, x.method FROM m LEFT JOIN matched x ON x.id = m.id)
     UPDATE people p SET merged_into = w.target,
       match_method = COALESCE(w.method, CASE WHEN p.match_method IN ('email_domain', 'email_subdomain') THEN p.match_method END),
       match_confidence = CASE WHEN w.target IS NOT NULL THEN 1
                               WHEN p.match_method IN ('email_domain', 'email_subdomain') THEN p.match_confidence END,
       account_id = CASE WHEN w.target IS NOT NULL THEN NULL ELSE p.account_id END
     FROM wanted w
     WHERE p.org_id = $1 AND p.id = w.id
       AND (p.merged_into IS DISTINCT FROM w.target
            OR (w.target IS NOT NULL AND (p.match_method, p.account_id) IS DISTINCT FROM (w.method, NULL)))`,
    [orgId, sources],
  );
}

/** A MAP person no Salesforce person matched, with what the domain rules need. */
export interface UnmatchedMapPerson {
  id: string;
  email: string | null;
  company: string | null;
}

/** The MAP people no Salesforce person matched. */
export async function listUnmatchedMapPeople(
  db: Db,
  orgId: string,
  sources: readonly string[],
): Promise<UnmatchedMapPerson[]> {
  const r = await db.query<UnmatchedMapPerson>(
    `SELECT id, email, attributes->>'company' AS company FROM people
     WHERE org_id = $1 AND kind = ANY($2::text[]) AND NOT is_deleted AND merged_into IS NULL`,
    [orgId, sources],
  );
  return r.rows;
}

/** One person's domain match (all null: no account). */
export interface DomainMatchRow {
  id: string;
  accountId: string | null;
  method: string | null;
  confidence: number | null;
}

/** Stores domain matches, touching only the people whose match changed. */
export async function setDomainMatches(db: Db, orgId: string, rows: readonly DomainMatchRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `UPDATE people p SET account_id = t.account_id, match_method = t.method, match_confidence = t.confidence
     FROM unnest($2::text[], $3::text[], $4::text[], $5::real[]) AS t(id, account_id, method, confidence)
     WHERE p.org_id = $1 AND p.id = t.id
       AND (p.account_id, p.match_method, p.match_confidence) IS DISTINCT FROM (t.account_id, t.method, t.confidence)`,
    [
      orgId,
      rows.map((r) => r.id),
      rows.map((r) => r.accountId),
      rows.map((r) => r.method),
      rows.map((r) => r.confidence),
    ],
  );
}

/** Points every MAP event at its person's match (the Salesforce person and account, else the domain's account); returns how many moved. */
export async function repointMapEvents(db: Db, orgId: string, sources: readonly string[]): Promise<number> {
  const r = await db.query(
    `UPDATE events e SET person_id = x.person_id, account_id = x.account_id
     FROM (SELECT m.id, COALESCE(t.id, m.id) AS person_id, COALESCE(t.account_id, m.account_id) AS account_id
           FROM people m LEFT JOIN people t ON t.org_id = m.org_id AND t.id = m.merged_into
           WHERE m.org_id = $1 AND m.kind = ANY($2::text[])) x
     WHERE e.org_id = $1 AND e.source = ANY($2::text[]) AND e.source_person_id = x.id
       AND (e.person_id, e.account_id) IS DISTINCT FROM (x.person_id, x.account_id)`,
    [orgId, sources],
  );
  return r.rowCount;
}

/** Marks 'bot' the opens and clicks within `windowSeconds` after the send of the same email to the same person. */
export async function flagBotEvents(
  db: Db,
  orgId: string,
  sources: readonly string[],
  windowSeconds: number,
): Promise<void> {
  await db.query(
    `UPDATE events o SET excluded_reason = 'bot'
     WHERE o.org_id = $1 AND o.source = ANY($2::text[]) AND o.type IN ('email_open', 'email_click')
       AND o.excluded_reason IS NULL
       AND EXISTS (
         SELECT 1 FROM events s
         WHERE s.org_id = o.org_id AND s.source = o.source AND s.source_person_id = o.source_person_id
           AND s.type = 'email_sent'
           AND s.attributes->>'emailName' IS NOT DISTINCT FROM o.attributes->>'emailName'
           AND s.occurred_at <= o.occurred_at
           AND o.occurred_at < s.occurred_at + make_interval(secs => $3))`,
    [orgId, sources, windowSeconds],
  );
}

/** MAP people counted by match method and whether they count for someone. */
export async function countMapPeopleByMatch(
  db: Db,
  orgId: string,
  sources: readonly string[],
): Promise<{ method: string | null; linked: boolean; n: number }[]> {
  const c = await db.query<{ method: string | null; linked: boolean; n: number }>(
    `SELECT match_method AS method, (merged_into IS NOT NULL OR account_id IS NOT NULL) AS linked, count(*) AS n
     FROM people WHERE org_id = $1 AND kind = ANY($2::text[]) AND NOT is_deleted GROUP BY 1, 2`,
    [orgId, sources],
  );
  return c.rows;
}

/** How many MAP events are set aside as bot. */
export async function countBotEvents(db: Db, orgId: string, sources: readonly string[]): Promise<number> {
  const b = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = ANY($2::text[]) AND excluded_reason = 'bot'`,
    [orgId, sources],
  );
  return b.rows[0]?.n ?? 0;
}
