import type { Db } from './db';

/** A person found by email, with the account they belong to. */
export interface PersonByEmail {
  id: string;
  accountId: string | null;
  email: string;
}

/**
 * The person behind each email. Several records may share an email (a contact and a lead): the
 * one with an account wins, then contacts, then the lowest id.
 */
export async function findPeopleByEmail(
  db: Db,
  orgId: string,
  emails: readonly string[],
): Promise<Map<string, PersonByEmail>> {
  const out = new Map<string, PersonByEmail>();
  if (emails.length === 0) return out;
  const r = await db.query<PersonByEmail>(
    `SELECT DISTINCT ON (email) id, account_id AS "accountId", email FROM people
     WHERE org_id = $1 AND email = ANY($2::text[]) AND NOT is_deleted AND merged_into IS NULL
     ORDER BY email, (account_id IS NULL), (kind <> 'contact'), id`,
    [orgId, emails],
  );
  for (const p of r.rows) out.set(p.email, p);
  return out;
}

/** An account that owns a domain, with its contact count (the tie-break when several share one). */
export interface AccountByDomain {
  accountId: string;
  name: string;
  domain: string;
  contactCount: number;
}

/** The live accounts whose domain is one of `domains`. */
export async function findAccountsByDomain(
  db: Db,
  orgId: string,
  domains: readonly string[],
): Promise<AccountByDomain[]> {
  if (domains.length === 0) return [];
  const r = await db.query<AccountByDomain>(
    `SELECT a.id AS "accountId", a.name, a.domain,
            (SELECT count(*) FROM people p WHERE p.org_id = a.org_id AND p.account_id = a.id AND NOT p.is_deleted)
              AS "contactCount"
     FROM accounts a WHERE a.org_id = $1 AND a.domain = ANY($2::text[]) AND NOT a.is_deleted`,
    [orgId, domains],
  );
  return r.rows;
}

/** An ingested event that found no account yet, with what it said about who did it. */
export interface PendingEvent {
  source: string;
  sourceId: string;
  personId: string | null;
  email: string | null;
  domain: string | null;
  anonymousId: string | null;
  userId: string | null;
  /** The `visitorId` an API event named. */
  visitorId: string | null;
}

/**
 * One page of counted events from `sources` since `since` that have no account, in
 * (source, source_id) order after `after`.
 */
export async function listPendingEvents(
  db: Db,
  orgId: string,
  page: { sources: readonly string[]; since: Date; after: readonly [string, string]; limit: number },
): Promise<PendingEvent[]> {
  const r = await db.query<PendingEvent>(
    `SELECT source, source_id AS "sourceId", person_id AS "personId", attributes->>'email' AS email, domain,
            attributes->>'anonymousId' AS "anonymousId", attributes->>'userId' AS "userId",
            attributes->>'visitorId' AS "visitorId"
     FROM events
     WHERE org_id = $1 AND source = ANY($2::text[]) AND account_id IS NULL AND excluded_reason IS NULL
       AND occurred_at >= $3 AND (source, source_id) > ($4, $5)
     ORDER BY source, source_id LIMIT $6`,
    [orgId, page.sources, page.since.toISOString(), page.after[0], page.after[1], page.limit],
  );
  return r.rows;
}

/** An event given its account (and person, where one was found). */
export interface EventAttribution {
  source: string;
  sourceId: string;
  accountId: string;
  personId: string | null;
}

/** Gives events that still have no account the account found for them; returns how many changed. */
export async function attributeEvents(db: Db, orgId: string, hits: readonly EventAttribution[]): Promise<number> {
  if (hits.length === 0) return 0;
  const u = await db.query(
    `UPDATE events e SET account_id = t.account_id, person_id = COALESCE(t.person_id, e.person_id)
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(source, source_id, account_id, person_id)
     WHERE e.org_id = $1 AND e.source = t.source AND e.source_id = t.source_id AND e.account_id IS NULL`,
    [
      orgId,
      hits.map((h) => h.source),
      hits.map((h) => h.sourceId),
      hits.map((h) => h.accountId),
      hits.map((h) => h.personId),
    ],
  );
  return u.rowCount;
}

/** Every stored person's account (null for an orphan), by person id. */
export async function listPersonAccounts(db: Db, orgId: string): Promise<Map<string, string | null>> {
  const r = await db.query<{ id: string; account_id: string | null }>(
    'SELECT id, account_id FROM people WHERE org_id = $1',
    [orgId],
  );
  return new Map(r.rows.map((p) => [p.id, p.account_id]));
}

/** Where a person's events count: the person a merge kept (or the person), and that person's account. */
export interface EventOwner {
  personId: string;
  accountId: string | null;
}

/** The owner of each of these people's events, by person id (merged people resolve to who they were merged into). */
export async function findEventOwners(
  db: Db,
  orgId: string,
  personIds: readonly string[],
): Promise<Map<string, EventOwner>> {
  const r = await db.query<{ id: string; personId: string; accountId: string | null }>(
    `SELECT m.id, COALESCE(t.id, m.id) AS "personId", COALESCE(t.account_id, m.account_id) AS "accountId"
     FROM people m LEFT JOIN people t ON t.org_id = m.org_id AND t.id = m.merged_into
     WHERE m.org_id = $1 AND m.id = ANY($2::text[])`,
    [orgId, personIds],
  );
  return new Map(r.rows.map((x) => [x.id, { personId: x.personId, accountId: x.accountId }]));
}
