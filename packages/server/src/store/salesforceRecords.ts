/**
 * SQL of the Salesforce pull's loader (sources/salesforce/load.ts maps records, this module stores
 * them): the raw source records, deletions and merges, opportunities, and the lookups an
 * incremental pull needs.
 */
import type { Db } from './db';

/** A pulled record kept as Salesforce sent it. */
export interface SourceRecord {
  id: string;
  fields: Record<string, unknown>;
  isDeleted: boolean;
}

/** Stores pulled records of `object` as they came (upsert by id). */
export async function upsertSourceRecords(
  db: Db,
  orgId: string,
  object: string,
  records: readonly SourceRecord[],
): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO source_records (org_id, object, id, fields, is_deleted)
     SELECT $1, $2, id, fields::jsonb, is_deleted FROM unnest($3::text[], $4::text[], $5::boolean[]) AS t(id, fields, is_deleted)
     ON CONFLICT (org_id, object, id) DO UPDATE SET fields = EXCLUDED.fields, is_deleted = EXCLUDED.is_deleted`,
    [
      orgId,
      object,
      records.map((r) => r.id),
      records.map((r) => JSON.stringify(r.fields)),
      records.map((r) => r.isDeleted),
    ],
  );
}

/** Removes a source's events that no longer count as activity (a Task that stopped being a call, say). */
export async function deleteSourceEvents(db: Db, orgId: string, source: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM events WHERE org_id = $1 AND source = $2 AND source_id = ANY($3::text[])', [
    orgId,
    source,
    ids,
  ]);
}

/** Marks accounts, people or opportunities deleted (they stay as rows: the receipt can still name them). */
export async function markRecordsDeleted(
  db: Db,
  orgId: string,
  table: 'accounts' | 'people' | 'opportunities',
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE ${table} SET is_deleted = true WHERE org_id = $1 AND id = ANY($2::text[])`, [orgId, ids]);
}

/** Sets (or clears) people.merged_into: a converted lead's contact, a merged record's master. */
export async function setMergedInto(
  db: Db,
  orgId: string,
  pairs: ReadonlyArray<[string, string | null]>,
): Promise<void> {
  if (pairs.length === 0) return;
  await db.query(
    `UPDATE people p SET merged_into = t.merged_into
     FROM unnest($2::text[], $3::text[]) AS t(id, merged_into)
     WHERE p.org_id = $1 AND p.id = t.id AND p.merged_into IS DISTINCT FROM t.merged_into`,
    [orgId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

/** An opportunity as the store keeps it. */
export interface OpportunityRecord {
  id: string;
  accountId: string | null;
  name: string;
  stage: string | null;
  amount: number | null;
  isClosed: boolean;
  isWon: boolean;
  createdAt: Date;
  closeDate: string | null;
}

/** Upserts opportunities by id (an undeleted one comes back to life). */
export async function upsertOpportunities(db: Db, orgId: string, o: readonly OpportunityRecord[]): Promise<void> {
  if (o.length === 0) return;
  await db.query(
    `INSERT INTO opportunities (org_id, id, account_id, name, stage, amount, is_closed, is_won, created_at, close_date)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::boolean[],
                              $8::boolean[], $9::timestamptz[], $10::date[])
     ON CONFLICT (org_id, id) DO UPDATE SET account_id = EXCLUDED.account_id, name = EXCLUDED.name,
       stage = EXCLUDED.stage, amount = EXCLUDED.amount, is_closed = EXCLUDED.is_closed, is_won = EXCLUDED.is_won,
       created_at = EXCLUDED.created_at, close_date = EXCLUDED.close_date, is_deleted = false`,
    [
      orgId,
      o.map((x) => x.id),
      o.map((x) => x.accountId),
      o.map((x) => x.name),
      o.map((x) => x.stage),
      o.map((x) => x.amount),
      o.map((x) => x.isClosed),
      o.map((x) => x.isWon),
      o.map((x) => x.createdAt.toISOString()),
      o.map((x) => x.closeDate),
    ],
  );
}

/** The stored Users and Campaigns, with the name (and campaign type) the loader looks up. */
export async function listLookupRecords(
  db: Db,
  orgId: string,
): Promise<{ object: string; id: string; name: string | null; type: string | null }[]> {
  const r = await db.query<{ object: string; id: string; name: string | null; type: string | null }>(
    `SELECT object, id, fields->>'Name' AS name, fields->>'Type' AS type FROM source_records
     WHERE org_id = $1 AND object IN ('User', 'Campaign') AND NOT is_deleted`,
    [orgId],
  );
  return r.rows;
}
