/**
 * Set-based steps run after every MAP pull (and safe to repeat, e.g. after a Salesforce pull brings
 * the people a MAP named): match MAP people to Salesforce people by CRM id, then email; count the
 * rest for the account of their email's domain (the orphan-lead rules); point every MAP event at
 * its matched person and account; and set aside bot opens and clicks.
 */
import { DomainIndex, matchAccountByDomain } from '../../identity/domain';
import type { Db } from '../../store/db';
import { listAccountDomains } from '../../store/accounts';
import { excludeDeletedRecords } from '../salesforce/resolve';
import { MAP_SOURCES } from './types';

/** Opens and clicks this soon after the send of the same email are a mail scanner, not a person. */
export const BOT_WINDOW_SECONDS = 60;

/** What one resolve changed and where the MAP people stand. */
export interface MapResolution {
  matchedByCrmId: number;
  matchedByEmail: number;
  matchedByDomain: number;
  unmatched: number;
  eventsRepointed: number;
  bot: number;
}

const SOURCES = [...MAP_SOURCES];

/** Matches MAP people to Salesforce people (CRM id, then email), following conversions and merges. */
async function matchPeople(db: Db, orgId: string): Promise<void> {
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
    [orgId, SOURCES],
  );
}

/** Unmatched MAP people with a company email domain count for that domain's account. */
async function matchByDomain(db: Db, orgId: string): Promise<void> {
  const index = new DomainIndex(await listAccountDomains(db, orgId));
  const people = await db.query<{ id: string; email: string | null; company: string | null }>(
    `SELECT id, email, attributes->>'company' AS company FROM people
     WHERE org_id = $1 AND kind = ANY($2::text[]) AND NOT is_deleted AND merged_into IS NULL`,
    [orgId, SOURCES],
  );
  const ids: string[] = [];
  const accounts: Array<string | null> = [];
  const methods: Array<string | null> = [];
  const confidences: Array<number | null> = [];
  for (const p of people.rows) {
    const m = matchAccountByDomain(index, p.email, p.company);
    ids.push(p.id);
    accounts.push(m?.accountId ?? null);
    methods.push(m?.method ?? null);
    confidences.push(m?.confidence ?? null);
  }
  if (ids.length === 0) return;
  await db.query(
    `UPDATE people p SET account_id = t.account_id, match_method = t.method, match_confidence = t.confidence
     FROM unnest($2::text[], $3::text[], $4::text[], $5::real[]) AS t(id, account_id, method, confidence)
     WHERE p.org_id = $1 AND p.id = t.id
       AND (p.account_id, p.match_method, p.match_confidence) IS DISTINCT FROM (t.account_id, t.method, t.confidence)`,
    [orgId, ids, accounts, methods, confidences],
  );
}

/** Points every MAP event at its person's match: the Salesforce person and account, else the domain's account. */
async function repointEvents(db: Db, orgId: string): Promise<number> {
  const r = await db.query(
    `UPDATE events e SET person_id = x.person_id, account_id = x.account_id
     FROM (SELECT m.id, COALESCE(t.id, m.id) AS person_id, COALESCE(t.account_id, m.account_id) AS account_id
           FROM people m LEFT JOIN people t ON t.org_id = m.org_id AND t.id = m.merged_into
           WHERE m.org_id = $1 AND m.kind = ANY($2::text[])) x
     WHERE e.org_id = $1 AND e.source = ANY($2::text[]) AND e.source_person_id = x.id
       AND (e.person_id, e.account_id) IS DISTINCT FROM (x.person_id, x.account_id)`,
    [orgId, SOURCES],
  );
  return r.rowCount;
}

/**
 * Sets aside opens and clicks that follow the send of the same email to the same person within
 * BOT_WINDOW_SECONDS (security scanners fetch every link on delivery); they stay in the receipt.
 */
async function flagBots(db: Db, orgId: string): Promise<void> {
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
    [orgId, SOURCES, BOT_WINDOW_SECONDS],
  );
}

/** Runs every MAP resolve step for an org; returns the counts a run reports. */
export async function resolveMapPeople(db: Db, orgId: string): Promise<MapResolution> {
  await matchPeople(db, orgId);
  await matchByDomain(db, orgId);
  const eventsRepointed = await repointEvents(db, orgId);
  await flagBots(db, orgId);
  // A re-pulled event arrives without its reason: events on deleted Salesforce records are set aside again.
  await excludeDeletedRecords(db, orgId);
  const c = await db.query<{ method: string | null; linked: boolean; n: number }>(
    `SELECT match_method AS method, (merged_into IS NOT NULL OR account_id IS NOT NULL) AS linked, count(*) AS n
     FROM people WHERE org_id = $1 AND kind = ANY($2::text[]) AND NOT is_deleted GROUP BY 1, 2`,
    [orgId, SOURCES],
  );
  const out: MapResolution = {
    matchedByCrmId: 0,
    matchedByEmail: 0,
    matchedByDomain: 0,
    unmatched: 0,
    eventsRepointed,
    bot: 0,
  };
  for (const row of c.rows) {
    if (!row.linked) out.unmatched += row.n;
    else if (row.method === 'crm_id') out.matchedByCrmId += row.n;
    else if (row.method === 'email') out.matchedByEmail += row.n;
    else out.matchedByDomain += row.n;
  }
  const b = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = ANY($2::text[]) AND excluded_reason = 'bot'`,
    [orgId, SOURCES],
  );
  out.bot = b.rows[0]?.n ?? 0;
  return out;
}
