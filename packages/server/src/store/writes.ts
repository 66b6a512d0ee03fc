/**
 * What the writer knows Salesforce holds: confirmed values per record field, and permanent failures.
 * One ledger per written object (Account: written_values/write_failures; Lead: lead_written_values/
 * lead_write_failures), each table keyed by what it holds.
 */
import type { Db } from './db';

/** A permanent write failure of one record (`accountId` is the record's id: an account or a lead). */
export interface WriteFailure {
  accountId: string;
  statusCode: string;
  message: string;
  fields: string[];
}

/** The ledger's SQL for one object: its values table, failures table and record-id column. */
export interface WriteLedgerStore {
  /** Confirmed values (JSON text) of the given records: record id → field → value. */
  load(db: Db, orgId: string, ids: readonly string[]): Promise<Map<string, Map<string, string>>>;
  /** Records values Salesforce confirmed, and clears those records' failures, in one transaction. */
  mark(db: Db, orgId: string, rows: readonly { accountId: string; field: string; value: string }[]): Promise<void>;
  /** Records permanent failures (latest per record). */
  recordFailures(db: Db, orgId: string, failures: readonly WriteFailure[]): Promise<void>;
  /** The org's recorded permanent failures, by record id. */
  listFailures(db: Db, orgId: string): Promise<WriteFailure[]>;
}

const CHUNK = 5_000;

/** The ledger on the given tables (names are constants of this module's callers, never user input). */
export function writeLedgerStore(t: {
  values: string;
  failures: string;
  key: 'account_id' | 'lead_id';
}): WriteLedgerStore {
  return {
    async load(db, orgId, ids) {
      const out = new Map<string, Map<string, string>>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const r = await db.query<{ id: string; field: string; value: string }>(
          `SELECT ${t.key} AS id, field, value FROM ${t.values} WHERE org_id = $1 AND ${t.key} = ANY($2::text[])`,
          [orgId, ids.slice(i, i + CHUNK)],
        );
        for (const row of r.rows) {
          let m = out.get(row.id);
          if (!m) out.set(row.id, (m = new Map()));
          m.set(row.field, row.value);
        }
      }
      return out;
    },

    async mark(db, orgId, rows) {
      if (rows.length === 0) return;
      await db.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += CHUNK * 4) {
          const chunk = rows.slice(i, i + CHUNK * 4);
          await tx.query(
            `INSERT INTO ${t.values} (org_id, ${t.key}, field, value)
             SELECT $1, a, f, v FROM unnest($2::text[], $3::text[], $4::text[]) AS t(a, f, v)
             ON CONFLICT (org_id, ${t.key}, field) DO UPDATE SET value = EXCLUDED.value, written_at = EXCLUDED.written_at`,
            [orgId, chunk.map((r) => r.accountId), chunk.map((r) => r.field), chunk.map((r) => r.value)],
          );
        }
        const ids = [...new Set(rows.map((r) => r.accountId))];
        await tx.query(`DELETE FROM ${t.failures} WHERE org_id = $1 AND ${t.key} = ANY($2::text[])`, [orgId, ids]);
      });
    },

    async recordFailures(db, orgId, failures) {
      if (failures.length === 0) return;
      await db.query(
        `INSERT INTO ${t.failures} (org_id, ${t.key}, status_code, message, fields)
         SELECT $1, a, c, m, string_to_array(f, ',')
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(a, c, m, f)
         ON CONFLICT (org_id, ${t.key}) DO UPDATE
           SET status_code = EXCLUDED.status_code, message = EXCLUDED.message, fields = EXCLUDED.fields,
               failed_at = EXCLUDED.failed_at`,
        [
          orgId,
          failures.map((f) => f.accountId),
          failures.map((f) => f.statusCode),
          failures.map((f) => f.message),
          failures.map((f) => f.fields.join(',')),
        ],
      );
    },

    async listFailures(db, orgId) {
      const r = await db.query<{ id: string; status_code: string; message: string; fields: string[] }>(
        `SELECT ${t.key} AS id, status_code, message, fields FROM ${t.failures} WHERE org_id = $1 ORDER BY ${t.key}`,
        [orgId],
      );
      return r.rows.map((x) => ({ accountId: x.id, statusCode: x.status_code, message: x.message, fields: x.fields }));
    },
  };
}

/** The Account ledger: written_values and write_failures. */
export const ACCOUNT_WRITES = writeLedgerStore({
  values: 'written_values',
  failures: 'write_failures',
  key: 'account_id',
});

/** The org's recorded permanent Account write failures, by account id. */
export const listFailures = (db: Db, orgId: string): Promise<WriteFailure[]> => ACCOUNT_WRITES.listFailures(db, orgId);
