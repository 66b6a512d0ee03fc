/**
 * The set-based steps after every pull (safe to repeat), as statements: history follows converted and
 * merged people, every event of a source gets its account, a campaign response counts once per person,
 * and events of deleted records stop counting. sources/salesforce/resolve.ts decides the lead matches
 * and runs the steps in order.
 */
import type { AccountCandidate } from '../identity/domain';
import type { Db } from './db';

/** Re-points events of converted leads and merged-away people to the surviving person. */
export async function followMergedPeople(db: Db, orgId: string, source: string): Promise<number> {
  let total = 0;
  // Chains (lead → contact → merged contact) are short; a few passes reach the end.
  for (let pass = 0; pass < 5; pass++) {
    const r = await db.query(
      `UPDATE events e SET person_id = p.merged_into
       FROM people p
       WHERE e.org_id = $1 AND e.source = $2 AND p.org_id = e.org_id AND p.id = e.person_id
         AND p.merged_into IS NOT NULL AND p.merged_into <> e.person_id`,
      [orgId, source],
    );
    total += r.rowCount;
    if (r.rowCount === 0) break;
  }
  return total;
}

/** Accounts a lead can be matched to by email domain, with their live contact counts (the tie-break). */
export async function leadMatchCandidates(db: Db, orgId: string): Promise<AccountCandidate[]> {
  const r = await db.query<AccountCandidate>(
    `SELECT a.id AS "accountId", a.name, a.domain,
            (SELECT count(*) FROM people p WHERE p.org_id = a.org_id AND p.account_id = a.id AND p.kind = 'contact'
               AND NOT p.is_deleted) AS "contactCount"
     FROM accounts a WHERE a.org_id = $1 AND a.domain IS NOT NULL AND NOT a.is_deleted`,
    [orgId],
  );
  return r.rows;
}

/** A live, unmerged lead whose account Pulse matches (none yet, or matched by email before). */
export interface LeadToMatch {
  id: string;
  email: string | null;
  company: string | null;
}

/** The leads whose account comes from matching, not from Salesforce. */
export async function leadsToMatch(db: Db, orgId: string): Promise<LeadToMatch[]> {
  const r = await db.query<LeadToMatch>(
    `SELECT id, email, attributes->>'company' AS company FROM people
     WHERE org_id = $1 AND kind = 'lead' AND NOT is_deleted AND merged_into IS NULL
       AND (match_method IS NULL OR match_method LIKE 'email%')`,
    [orgId],
  );
  return r.rows;
}

/** A lead's match as decided: null account, method and confidence when nothing matched. */
export interface LeadMatch {
  id: string;
  accountId: string | null;
  method: string | null;
  confidence: number | null;
}

/** Rows per matching update. */
const MATCH_BATCH = 5_000;

/** Stores the lead matches; returns how many leads changed. */
export async function saveLeadMatches(db: Db, orgId: string, matches: readonly LeadMatch[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < matches.length; i += MATCH_BATCH) {
    const b = matches.slice(i, i + MATCH_BATCH);
    const r = await db.query(
      `UPDATE people p SET account_id = t.account_id, match_method = t.method, match_confidence = t.confidence
       FROM unnest($2::text[], $3::text[], $4::text[], $5::real[]) AS t(id, account_id, method, confidence)
       WHERE p.org_id = $1 AND p.id = t.id
         AND (p.account_id, p.match_method, p.match_confidence) IS DISTINCT FROM (t.account_id, t.method, t.confidence)`,
      [orgId, b.map((x) => x.id), b.map((x) => x.accountId), b.map((x) => x.method), b.map((x) => x.confidence)],
    );
    n += r.rowCount;
  }
  return n;
}

/** Sets each event's account of a source: the one the activity names, else its person's. */
export async function resolveEventAccounts(db: Db, orgId: string, source: string): Promise<number> {
  const r = await db.query(
    `UPDATE events e SET account_id = COALESCE(e.attributes->>'sfAccountId', p.account_id)
     FROM people p
     WHERE e.org_id = $1 AND e.source = $2 AND p.org_id = e.org_id AND p.id = e.person_id
       AND e.account_id IS DISTINCT FROM COALESCE(e.attributes->>'sfAccountId', p.account_id)`,
    [orgId, source],
  );
  return r.rowCount;
}

/** Why a campaign event does not count: the same person already responded to that campaign. */
export const DUPLICATE_CAMPAIGN_MEMBER = 'duplicate_campaign_member';
/** Why an event does not count: its person was deleted in Salesforce (not merged: merges are followed). */
export const DELETED_PERSON = 'deleted_person';
/** Why an event does not count: its account was deleted in Salesforce. */
export const DELETED_ACCOUNT = 'deleted_account';

/**
 * Counts a campaign response once per person and campaign. A converted lead's campaign history
 * follows it to its contact (followMergedPeople); when the contact is a member of the same campaign
 * too, both memberships now name one person. The earliest response (then the smallest member id,
 * so every run picks the same one) counts; the others stay visible with DUPLICATE_CAMPAIGN_MEMBER.
 * Recomputed from scratch after every pull: a re-pulled member comes back unexcluded from the
 * loader and is excluded again here; a kept member that goes away releases the next one.
 */
export async function dedupeCampaignResponses(db: Db, orgId: string, source: string): Promise<number> {
  const r = await db.query(
    // Materialized: only the few rows whose reason changes are joined back to events (by key); a
    // planner that merged the window into the UPDATE took seconds on a few thousand members.
    `WITH ranked AS MATERIALIZED (
       SELECT source_id, excluded_reason,
              row_number() OVER (PARTITION BY person_id, attributes->>'campaignId'
                                 ORDER BY occurred_at, source_id) AS n
       FROM events
       WHERE org_id = $1 AND source = $2 AND attributes->>'object' = 'CampaignMember'
         AND person_id IS NOT NULL AND attributes->>'campaignId' IS NOT NULL
         AND (excluded_reason IS NULL OR excluded_reason = $3::text)
     ), changed AS MATERIALIZED (
       SELECT source_id, CASE WHEN n > 1 THEN $3::text END AS reason FROM ranked
       WHERE excluded_reason IS DISTINCT FROM (CASE WHEN n > 1 THEN $3::text END)
     )
     UPDATE events e SET excluded_reason = c.reason
     FROM changed c
     WHERE e.org_id = $1 AND e.source = $2 AND e.source_id = c.source_id`,
    [orgId, source, DUPLICATE_CAMPAIGN_MEMBER],
  );
  return r.rowCount;
}

/**
 * Events of deleted people (merged-away ones excepted: their history follows the survivor) and
 * deleted accounts stop counting (scoring counts only events with an account
 * and no excluded reason), whatever their source; they stay, with DELETED_PERSON or
 * DELETED_ACCOUNT, so the receipt can say why. An undelete (the record comes back live) restores
 * them. Only events without another reason are touched, so a zero-duration call stays one.
 */
export async function excludeDeletedRecords(db: Db, orgId: string): Promise<number> {
  const r = await db.query(
    `WITH gone_people AS MATERIALIZED (
       SELECT id FROM people WHERE org_id = $1 AND is_deleted AND merged_into IS NULL
     ), gone_accounts AS MATERIALIZED (
       SELECT id FROM accounts WHERE org_id = $1 AND is_deleted
     ), touched AS MATERIALIZED (
       -- Only events that are, or were, on a deleted record: the indexes on person and account find them.
       SELECT source, source_id, person_id, account_id, excluded_reason FROM events
       WHERE org_id = $1 AND (excluded_reason IN ($2, $3) OR person_id IN (SELECT id FROM gone_people)
                              OR account_id IN (SELECT id FROM gone_accounts))
     ), decided AS MATERIALIZED (
       SELECT source, source_id, excluded_reason,
              CASE WHEN person_id IN (SELECT id FROM gone_people) THEN $2::text
                   WHEN account_id IN (SELECT id FROM gone_accounts) THEN $3::text END AS reason
       FROM touched WHERE excluded_reason IS NULL OR excluded_reason IN ($2, $3)
     )
     UPDATE events e SET excluded_reason = d.reason
     FROM decided d
     WHERE e.org_id = $1 AND e.source = d.source AND e.source_id = d.source_id
       AND d.excluded_reason IS DISTINCT FROM d.reason`,
    [orgId, DELETED_PERSON, DELETED_ACCOUNT],
  );
  return r.rowCount;
}
