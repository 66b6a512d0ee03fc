/**
 * SQL of the lead write-back: which unconverted leads have a match to write, and the lead ledger
 * (confirmed values, permanent failures) the writer reads and updates — the Lead counterpart of
 * store/writes.ts, on the tables of migration 064_leads.sql.
 */
import type { Db } from '../store/db';
import type { WriteFailure } from '../store/writes';
import type { WriteLedger } from './writer';

/** One unconverted lead as the matcher left it (account null when unmatched or the account is deleted). */
export interface LeadMatchRow {
  leadId: string;
  accountId: string | null;
  method: string | null;
  /** 0..1, as people.match_confidence holds it. */
  confidence: number | null;
}

const CHUNK = 5_000;

/**
 * Unconverted, live Salesforce leads (id prefix 00Q) that are matched to a live account or had a
 * match written before (so a match that went away is cleared). Converted leads are left alone:
 * Salesforce refuses updates to them, and their history counts on the contact.
 */
export async function listLeadMatches(db: Db, orgId: string): Promise<LeadMatchRow[]> {
  const r = await db.query<{ id: string; account_id: string | null; method: string | null; confidence: number | null }>(
    `SELECT p.id,
            CASE WHEN a.id IS NOT NULL THEN p.account_id END AS account_id,
            CASE WHEN a.id IS NOT NULL THEN p.match_method END AS method,
            CASE WHEN a.id IS NOT NULL THEN p.match_confidence END AS confidence
     FROM people p
     LEFT JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id AND NOT a.is_deleted
     WHERE p.org_id = $1 AND p.kind = 'lead' AND NOT p.is_deleted AND p.merged_into IS NULL
       AND p.id LIKE '00Q%' AND COALESCE(p.attributes->>'isConverted', 'false') <> 'true'
       AND (a.id IS NOT NULL
            OR EXISTS (SELECT 1 FROM lead_written_values w WHERE w.org_id = p.org_id AND w.lead_id = p.id))
     ORDER BY p.id`,
    [orgId],
  );
  return r.rows.map((x) => ({ leadId: x.id, accountId: x.account_id, method: x.method, confidence: x.confidence }));
}

/** Confirmed values (JSON text) of the given leads: lead id → field → value. */
async function loadLeadWrittenValues(
  db: Db,
  orgId: string,
  leadIds: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < leadIds.length; i += CHUNK) {
    const r = await db.query<{ lead_id: string; field: string; value: string }>(
      'SELECT lead_id, field, value FROM lead_written_values WHERE org_id = $1 AND lead_id = ANY($2::text[])',
      [orgId, leadIds.slice(i, i + CHUNK)],
    );
    for (const row of r.rows) {
      let m = out.get(row.lead_id);
      if (!m) out.set(row.lead_id, (m = new Map()));
      m.set(row.field, row.value);
    }
  }
  return out;
}

/** Records values Salesforce confirmed, and clears those leads' failures, in one transaction. */
async function markLeadsWritten(
  db: Db,
  orgId: string,
  rows: readonly { accountId: string; field: string; value: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await tx.query(
        `INSERT INTO lead_written_values (org_id, lead_id, field, value)
         SELECT $1, l, f, v FROM unnest($2::text[], $3::text[], $4::text[]) AS t(l, f, v)
         ON CONFLICT (org_id, lead_id, field) DO UPDATE SET value = EXCLUDED.value, written_at = now()`,
        [orgId, chunk.map((r) => r.accountId), chunk.map((r) => r.field), chunk.map((r) => r.value)],
      );
    }
    const ids = [...new Set(rows.map((r) => r.accountId))];
    await tx.query('DELETE FROM lead_write_failures WHERE org_id = $1 AND lead_id = ANY($2::text[])', [orgId, ids]);
  });
}

/** Records permanent failures (latest per lead). */
async function recordLeadFailures(db: Db, orgId: string, failures: readonly WriteFailure[]): Promise<void> {
  if (failures.length === 0) return;
  await db.query(
    `INSERT INTO lead_write_failures (org_id, lead_id, status_code, message, fields)
     SELECT $1, l, c, m, string_to_array(f, ',') FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(l, c, m, f)
     ON CONFLICT (org_id, lead_id) DO UPDATE
       SET status_code = EXCLUDED.status_code, message = EXCLUDED.message, fields = EXCLUDED.fields, failed_at = now()`,
    [
      orgId,
      failures.map((f) => f.accountId),
      failures.map((f) => f.statusCode),
      failures.map((f) => f.message),
      failures.map((f) => f.fields.join(',')),
    ],
  );
}

/** The writer's ledger for Lead: lead_written_values and lead_write_failures. */
export const LEAD_LEDGER: WriteLedger = {
  load: loadLeadWrittenValues,
  mark: markLeadsWritten,
  recordFailures: recordLeadFailures,
};

/** A permanent write failure of one lead. */
export interface LeadWriteFailure {
  leadId: string;
  statusCode: string;
  message: string;
  fields: string[];
}

/** The org's recorded permanent lead failures, by lead id. */
export async function listLeadFailures(db: Db, orgId: string): Promise<LeadWriteFailure[]> {
  const r = await db.query<{ lead_id: string; status_code: string; message: string; fields: string[] }>(
    'SELECT lead_id, status_code, message, fields FROM lead_write_failures WHERE org_id = $1 ORDER BY lead_id',
    [orgId],
  );
  return r.rows.map((x) => ({ leadId: x.lead_id, statusCode: x.status_code, message: x.message, fields: x.fields }));
}
