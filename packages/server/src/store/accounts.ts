import type { Db } from './db';

/** An account as sources deliver it. `domain` is the registrable domain (identity/domain). */
export interface AccountRecord {
  id: string;
  name: string;
  domain: string | null;
  ownerId?: string | null;
  ownerName?: string | null;
  parentId?: string | null;
  industry?: string | null;
  employees?: number | null;
  attributes?: Record<string, unknown>;
}

/** Rows per INSERT: big enough to amortize round trips, small enough for PGlite's memory. */
export const UPSERT_BATCH = 5_000;

/**
 * Inserts or updates accounts by (org, id), in batches with unnest. A row whose values did not
 * change is left alone (updated_at stays), so loading the same data twice changes nothing.
 */
export async function upsertAccounts(db: Db, orgId: string, accounts: readonly AccountRecord[]): Promise<void> {
  for (let i = 0; i < accounts.length; i += UPSERT_BATCH) {
    const batch = accounts.slice(i, i + UPSERT_BATCH);
    await db.query(
      `INSERT INTO accounts (org_id, id, name, domain, owner_id, owner_name, parent_id, industry, employees, attributes)
       SELECT $1, id, name, domain, owner_id, owner_name, parent_id, industry, employees, attributes::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[])
         AS t(id, name, domain, owner_id, owner_name, parent_id, industry, employees, attributes)
       ON CONFLICT (org_id, id) DO UPDATE SET
         name = EXCLUDED.name, domain = EXCLUDED.domain, owner_id = EXCLUDED.owner_id,
         owner_name = EXCLUDED.owner_name, parent_id = EXCLUDED.parent_id, industry = EXCLUDED.industry,
         employees = EXCLUDED.employees, attributes = EXCLUDED.attributes, is_deleted = false, updated_at = EXCLUDED.updated_at
       WHERE (accounts.name, accounts.domain, accounts.owner_id, accounts.owner_name, accounts.parent_id,
              accounts.industry, accounts.employees, accounts.attributes, accounts.is_deleted)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.domain, EXCLUDED.owner_id, EXCLUDED.owner_name, EXCLUDED.parent_id,
              EXCLUDED.industry, EXCLUDED.employees, EXCLUDED.attributes, false)`,
      [
        orgId,
        batch.map((a) => a.id),
        batch.map((a) => a.name),
        batch.map((a) => a.domain),
        batch.map((a) => a.ownerId ?? null),
        batch.map((a) => a.ownerName ?? null),
        batch.map((a) => a.parentId ?? null),
        batch.map((a) => a.industry ?? null),
        batch.map((a) => a.employees ?? null),
        batch.map((a) => JSON.stringify(a.attributes ?? {})),
      ],
    );
  }
}

/** An account as candidates for email-domain matching see it. */
export interface AccountDomainRow {
  accountId: string;
  name: string;
  domain: string | null;
  contactCount: number;
}

/** Accounts of an org that have a domain, with how many people are already on each. */
export async function listAccountDomains(db: Db, orgId: string): Promise<AccountDomainRow[]> {
  const r = await db.query<AccountDomainRow>(
    `SELECT a.id AS "accountId", a.name, a.domain,
            (SELECT count(*) FROM people p WHERE p.org_id = a.org_id AND p.account_id = a.id AND NOT p.is_deleted)
              AS "contactCount"
     FROM accounts a WHERE a.org_id = $1 AND a.domain IS NOT NULL AND NOT a.is_deleted ORDER BY a.id`,
    [orgId],
  );
  return r.rows;
}

/** One account by id, or null. */
export async function getAccount(
  db: Db,
  orgId: string,
  accountId: string,
): Promise<(AccountRecord & { attributes: Record<string, unknown> }) | null> {
  const r = await db.query<AccountRecord & { attributes: Record<string, unknown> }>(
    `SELECT id, name, domain, owner_id AS "ownerId", owner_name AS "ownerName", parent_id AS "parentId",
            industry, employees, attributes
     FROM accounts WHERE org_id = $1 AND id = $2 AND NOT is_deleted`,
    [orgId, accountId],
  );
  return r.rows[0] ?? null;
}

/** How many accounts the org has. */
export async function countAccounts(db: Db, orgId: string): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM accounts WHERE org_id = $1', [orgId]);
  return Number(r.rows[0]?.n ?? 0);
}

/** Every account's name by id (reports). */
export async function listAccountNames(db: Db, orgId: string): Promise<Map<string, string>> {
  const r = await db.query<{ id: string; name: string }>('SELECT id, name FROM accounts WHERE org_id = $1', [orgId]);
  return new Map(r.rows.map((row) => [row.id, row.name]));
}
