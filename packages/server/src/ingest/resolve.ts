import { DomainIndex, domainOfEmail, matchAccountByHost, normalizeDomain, normalizeHost } from '../identity/domain';
import type { Db } from '../store/db';
import { findVisitorLinks } from './visitors';

/** What an event says about who did it. */
export interface Identity {
  email?: string | null;
  domain?: string | null;
  /** Visitor ids (Segment anonymousId/userId/group) whose identify/group links may fill email or domain. */
  visitorIds?: readonly string[];
}

/** Who an event was resolved to. `domain` is the registrable company domain it carried, if any. */
export interface Resolution {
  personId: string | null;
  accountId: string | null;
  email: string | null;
  domain: string | null;
}

interface PersonRow {
  id: string;
  accountId: string | null;
  email: string;
}

/**
 * Resolves events to people and accounts, set-based (one query per step for the whole batch):
 * visitor links fill a missing email/domain; an email finds the person (people.email) and their
 * account; otherwise the email's or the event's domain finds the account (identity/domain:
 * personal mail domains never match, subdomains do). Unresolved events get nulls.
 */
export async function resolveIdentities(db: Db, orgId: string, items: readonly Identity[]): Promise<Resolution[]> {
  const links = await findVisitorLinks(
    db,
    orgId,
    items.filter((i) => !i.email || !i.domain).flatMap((i) => i.visitorIds ?? []),
  );
  const filled = items.map((i) => {
    let email = i.email?.trim().toLowerCase() || null;
    let domain = i.domain || null;
    for (const v of i.visitorIds ?? []) {
      const l = links.get(v);
      email ??= l?.email ?? null;
      domain ??= l?.domain ?? null;
    }
    return { email, domain };
  });

  const emails = [...new Set(filled.map((f) => f.email).filter((e): e is string => e !== null))];
  const people = new Map<string, PersonRow>();
  if (emails.length > 0) {
    // Several records may share an email (a contact and a lead): prefer one with an account, then contacts.
    const r = await db.query<PersonRow>(
      `SELECT DISTINCT ON (email) id, account_id AS "accountId", email FROM people
       WHERE org_id = $1 AND email = ANY($2::text[]) AND NOT is_deleted AND merged_into IS NULL
       ORDER BY email, (account_id IS NULL), (kind <> 'contact'), id`,
      [orgId, emails],
    );
    for (const p of r.rows) people.set(p.email, p);
  }

  const hosts = filled.map((f) => normalizeHost(f.domain) ?? domainOfEmail(f.email));
  const registrable = [...new Set(hosts.map((h) => normalizeDomain(h)).filter((d): d is string => d !== null))];
  let index: DomainIndex | null = null;
  if (registrable.length > 0) {
    const r = await db.query<{ accountId: string; name: string; domain: string; contactCount: number }>(
      `SELECT a.id AS "accountId", a.name, a.domain,
              (SELECT count(*) FROM people p WHERE p.org_id = a.org_id AND p.account_id = a.id AND NOT p.is_deleted)
                AS "contactCount"
       FROM accounts a WHERE a.org_id = $1 AND a.domain = ANY($2::text[]) AND NOT a.is_deleted`,
      [orgId, registrable],
    );
    index = new DomainIndex(r.rows);
  }

  return filled.map((f, i) => {
    const person = f.email ? people.get(f.email) : undefined;
    const host = hosts[i] ?? null;
    const byDomain = !person?.accountId && host && index ? matchAccountByHost(index, host) : null;
    return {
      personId: person?.id ?? null,
      accountId: person?.accountId ?? byDomain?.accountId ?? null,
      email: f.email,
      domain: normalizeDomain(host),
    };
  });
}

/** Unresolved events re-read per query. */
const PENDING_BATCH = 5_000;

/**
 * Gives ingested events that found no account when they arrived (their company was not in
 * Salesforce yet, the visitor was not identified yet) another chance: run after every pull, with
 * the same rules as at arrival, for events since `since` (older ones can no longer count).
 * Returns how many events found an account.
 */
export async function resolvePendingEvents(
  db: Db,
  orgId: string,
  sources: readonly string[],
  since: Date,
): Promise<number> {
  let resolvedCount = 0;
  let after: [string, string] = ['', ''];
  for (;;) {
    const r = await db.query<{
      source: string;
      sourceId: string;
      personId: string | null;
      email: string | null;
      domain: string | null;
      anonymousId: string | null;
      userId: string | null;
    }>(
      `SELECT source, source_id AS "sourceId", person_id AS "personId", attributes->>'email' AS email, domain,
              attributes->>'anonymousId' AS "anonymousId", attributes->>'userId' AS "userId"
       FROM events
       WHERE org_id = $1 AND source = ANY($2::text[]) AND account_id IS NULL AND excluded_reason IS NULL
         AND occurred_at >= $3 AND (source, source_id) > ($4, $5)
       ORDER BY source, source_id LIMIT $6`,
      [orgId, sources, since.toISOString(), after[0], after[1], PENDING_BATCH],
    );
    if (r.rows.length === 0) return resolvedCount;
    after = [r.rows.at(-1)!.source, r.rows.at(-1)!.sourceId];
    const found = await resolveIdentities(
      db,
      orgId,
      r.rows.map((e) => ({
        email: e.email,
        domain: e.domain,
        visitorIds: [...(e.userId ? [`u:${e.userId}`] : []), ...(e.anonymousId ? [`a:${e.anonymousId}`] : [])],
      })),
    );
    const hits = r.rows.flatMap((e, i) => {
      const f = found[i]!;
      return f.accountId ? [{ e, f }] : [];
    });
    if (hits.length === 0) continue;
    const u = await db.query(
      `UPDATE events e SET account_id = t.account_id, person_id = COALESCE(t.person_id, e.person_id)
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(source, source_id, account_id, person_id)
       WHERE e.org_id = $1 AND e.source = t.source AND e.source_id = t.source_id AND e.account_id IS NULL`,
      [
        orgId,
        hits.map((h) => h.e.source),
        hits.map((h) => h.e.sourceId),
        hits.map((h) => h.f.accountId),
        hits.map((h) => h.f.personId),
      ],
    );
    resolvedCount += u.rowCount;
  }
}
