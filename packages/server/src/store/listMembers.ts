/**
 * MAP list membership as Pulse last left it (actions/mapLists.ts decides the adds and removes; this
 * module reads and writes), and the MAP people of a set of accounts.
 */
import type { Db } from './db';

/** One person Pulse has put in a list. */
export interface ListMember {
  memberId: string;
  accountId: string | null;
  membershipId: string | null;
}

/** Which list: a vendor and its list id. */
export interface ListRef {
  source: string;
  listId: string;
}

/** The members Pulse has put in a list, by member id. */
export async function readListMembers(db: Db, orgId: string, list: ListRef): Promise<Map<string, ListMember>> {
  const r = await db.query<{ member_id: string; account_id: string | null; membership_id: string | null }>(
    `SELECT member_id, account_id, membership_id FROM list_members
     WHERE org_id = $1 AND source = $2 AND list_id = $3`,
    [orgId, list.source, list.listId],
  );
  return new Map(
    r.rows.map((x) => [x.member_id, { memberId: x.member_id, accountId: x.account_id, membershipId: x.membership_id }]),
  );
}

/** Records members as in the list (again: their account and membership id are updated). */
export async function saveListMembers(db: Db, orgId: string, list: ListRef, members: ListMember[]): Promise<void> {
  if (members.length === 0) return;
  await db.query(
    `INSERT INTO list_members (org_id, source, list_id, member_id, account_id, membership_id)
     SELECT $1, $2, $3, m, a, x FROM unnest($4::text[], $5::text[], $6::text[]) AS t(m, a, x)
     ON CONFLICT (org_id, source, list_id, member_id)
     DO UPDATE SET account_id = excluded.account_id, membership_id = excluded.membership_id`,
    [
      orgId,
      list.source,
      list.listId,
      members.map((m) => m.memberId),
      members.map((m) => m.accountId),
      members.map((m) => m.membershipId),
    ],
  );
}

/** Forgets members as out of the list. */
export async function deleteListMembers(db: Db, orgId: string, list: ListRef, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await db.query(
    `DELETE FROM list_members WHERE org_id = $1 AND source = $2 AND list_id = $3 AND member_id = ANY($4::text[])`,
    [orgId, list.source, list.listId, memberIds],
  );
}

/** A MAP person (by the vendor's id) and the account they count for. */
export interface MapPersonOfAccount {
  memberId: string;
  accountId: string;
}

/**
 * The people a MAP (`source`) knows at these accounts: its people rows (`<source>:<vendor id>`) whose
 * account is one of `accountIds`, through the Salesforce person they were matched to, else the
 * account their email's domain matched. Ordered by vendor id, so calls are batched the same way.
 */
export async function mapPeopleOfAccounts(
  db: Db,
  orgId: string,
  source: string,
  accountIds: string[],
): Promise<MapPersonOfAccount[]> {
  if (accountIds.length === 0) return [];
  const r = await db.query<{ member_id: string; account_id: string }>(
    `SELECT substr(m.id, length($2) + 2) AS member_id, COALESCE(sf.account_id, m.account_id) AS account_id
     FROM people m
     LEFT JOIN people sf ON sf.org_id = m.org_id AND sf.id = m.merged_into AND NOT sf.is_deleted
     WHERE m.org_id = $1 AND m.kind = $2 AND NOT m.is_deleted AND m.id LIKE $2 || ':%'
       AND COALESCE(sf.account_id, m.account_id) = ANY($3::text[])
     ORDER BY member_id`,
    [orgId, source, accountIds],
  );
  return r.rows.map((x) => ({ memberId: x.member_id, accountId: x.account_id }));
}
