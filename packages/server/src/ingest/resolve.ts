import { DomainIndex, domainOfEmail, matchAccountByHost, normalizeDomain, normalizeHost } from '../identity/domain';
import type { Db } from '../store/db';
import { findVisitorLinks } from '../store/visitors';
import { attributeEvents, findAccountsByDomain, findPeopleByEmail, listPendingEvents } from '../store/resolution';

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

/**
 * The visitor links an API event's `visitorId` can stand for: the Segment user id or anonymous id it
 * names (identify and group calls store their links under those), then the id as given.
 */
export function visitorKeys(visitorId: string): string[] {
  return [`u:${visitorId}`, `a:${visitorId}`, visitorId];
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
  const people = await findPeopleByEmail(db, orgId, emails);

  const hosts = filled.map((f) => normalizeHost(f.domain) ?? domainOfEmail(f.email));
  const registrable = [...new Set(hosts.map((h) => normalizeDomain(h)).filter((d): d is string => d !== null))];
  const index = registrable.length > 0 ? new DomainIndex(await findAccountsByDomain(db, orgId, registrable)) : null;

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
    const rows = await listPendingEvents(db, orgId, { sources, since, after, limit: PENDING_BATCH });
    if (rows.length === 0) return resolvedCount;
    after = [rows.at(-1)!.source, rows.at(-1)!.sourceId];
    const found = await resolveIdentities(
      db,
      orgId,
      rows.map((e) => ({
        email: e.email,
        domain: e.domain,
        visitorIds: [
          ...(e.userId ? [`u:${e.userId}`] : []),
          ...(e.anonymousId ? [`a:${e.anonymousId}`] : []),
          ...(e.visitorId ? visitorKeys(e.visitorId) : []),
        ],
      })),
    );
    const hits = rows.flatMap((e, i) => {
      const f = found[i]!;
      return f.accountId
        ? [{ source: e.source, sourceId: e.sourceId, accountId: f.accountId, personId: f.personId }]
        : [];
    });
    resolvedCount += await attributeEvents(db, orgId, hits);
  }
}
