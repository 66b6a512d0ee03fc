/**
 * SQL of the lead write-back: which unconverted leads have a match to write, and the lead ledger
 * (confirmed values, permanent failures) the writer reads and updates — the Lead counterpart of
 * writes.ts, on the tables of migration 064_leads.sql.
 */
import type { Db } from './db';
import { writeLedgerStore, type WriteLedgerStore } from './writes';

/** One unconverted lead as the matcher left it (account null when unmatched or the account is deleted). */
export interface LeadMatchRow {
  leadId: string;
  accountId: string | null;
  method: string | null;
  /** 0..1, as people.match_confidence holds it. */
  confidence: number | null;
}

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

const LEAD_WRITES = writeLedgerStore({
  values: 'lead_written_values',
  failures: 'lead_write_failures',
  key: 'lead_id',
});

/** The writer's ledger for Lead: lead_written_values and lead_write_failures. */
export const LEAD_LEDGER: WriteLedgerStore = LEAD_WRITES;

/** A permanent write failure of one lead. */
export interface LeadWriteFailure {
  leadId: string;
  statusCode: string;
  message: string;
  fields: string[];
}

/** The org's recorded permanent lead failures, by lead id. */
export async function listLeadFailures(db: Db, orgId: string): Promise<LeadWriteFailure[]> {
  return (await LEAD_WRITES.listFailures(db, orgId)).map(({ accountId, ...f }) => ({ leadId: accountId, ...f }));
}
