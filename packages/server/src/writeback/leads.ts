/**
 * Lead write-back: the orphan-lead matches the pull made (sources/salesforce/resolve.ts
 * matchOrphanLeads) go to the package's Lead fields — matched account, method, confidence — of
 * unconverted leads. Same writer as the Accounts (only changed leads and fields, collections or
 * Bulk API 2.0, lock retries, permanent failures recorded, API budget), with the Lead ledger.
 * Pulse never converts a lead: it updates these three fields and nothing else.
 */
import type { Connection } from 'jsforce';
import { LEAD_FIELDS, type LeadOutputKey } from '../contract/fields';
import type { Db } from '../store/db';
import { LEAD_LEDGER, listLeadMatches, type LeadMatchRow, type LeadWriteFailure } from '../store/leads';
import type { OutputValue } from './outputs';
import {
  assertWritePreflight,
  PERMSET,
  typeProblems,
  type DescribedField,
  type WritePreflightProblem,
} from './writePreflight';
import { readDailyAllowance } from '../sources/salesforce/allowance';
import { diffAccounts, writeAccounts, type AccountValues, type WriteOptions, type WriteTally } from './writer';

/** The Lead field of each output (fixed: the package's fields, not remappable). */
export const LEAD_FIELD: Readonly<Record<LeadOutputKey, string>> = Object.fromEntries(
  LEAD_FIELDS.map((f) => [f.output, f.apiName]),
) as Record<LeadOutputKey, string>;

/**
 * A lead's field values: the matched account, the method, the confidence as a whole percent
 * (Percent(3,0) holds 0–100; the matcher's 0.92 is written 92). Unmatched: all three cleared.
 */
export function leadValues(m: LeadMatchRow): Record<string, OutputValue> {
  const matched = m.accountId !== null;
  return {
    [LEAD_FIELD.matchedAccount]: matched ? m.accountId : null,
    [LEAD_FIELD.matchMethod]: matched ? m.method : null,
    [LEAD_FIELD.matchConfidence]: matched && m.confidence !== null ? Math.round(m.confidence * 100) : null,
  };
}

/** Checks the Lead describe for the package's three fields; pure. Every problem, in contract order. */
export function checkLeadFields(fields: readonly DescribedField[]): WritePreflightProblem<LeadOutputKey>[] {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const problems: WritePreflightProblem<LeadOutputKey>[] = [];
  for (const spec of LEAD_FIELDS) {
    const field = spec.apiName;
    const add = (kind: WritePreflightProblem['kind'], text: string) =>
      problems.push({ output: spec.output, field, kind, message: `${field}: ${text}` });
    const d = byName.get(field.toLowerCase());
    if (!d) {
      add(
        'missing',
        `does not exist on Lead or is hidden from the integration user — install the Pulse package and ${PERMSET}`,
      );
      continue;
    }
    for (const [kind, text] of typeProblems(spec, d, 'Lead')) add(kind, text);
    if (d.updateable === false) add('not-editable', `not editable by the integration user — ${PERMSET}`);
  }
  return problems;
}

/** The write preflight of the Lead fields: describes Lead on `conn` (one API call) and checks the package's three. */
export async function writePreflightLeads(conn: Connection): Promise<WritePreflightProblem<LeadOutputKey>[]> {
  const d = await conn.sobject('Lead').describe();
  return checkLeadFields(d.fields as unknown as DescribedField[]);
}

/** Options of one lead write-back. */
export interface LeadWriteBackOptions extends Pick<
  WriteOptions,
  | 'bulkThreshold'
  | 'maxApiCalls'
  | 'bulkBatchesRemaining'
  | 'maxJobBytes'
  | 'lockRetries'
  | 'pollIntervalMs'
  | 'sleep'
  | 'afterBatch'
> {
  db: Db;
  orgId: string;
  conn: Connection;
  /** Share of the remaining daily API requests to spend when `maxApiCalls` is not given. */
  budgetShare?: number;
}

/** How a lead write-back ended. */
export interface LeadWriteResult extends WriteTally<LeadWriteFailure> {
  /** Leads with a match (or a cleared one) to write. */
  leadsMatched: number;
  leadsChanged: number;
  leadsWritten: number;
}

/**
 * Writes the org's orphan-lead matches to the Lead fields: only leads whose values differ from
 * what Salesforce confirmed, only the fields that differ. When nothing changed it makes no API
 * call at all (not even the describe). Refuses to write (PREFLIGHT_FAILED) while a field is
 * missing, of the wrong type or not editable.
 */
export async function writeBackLeads(opts: LeadWriteBackOptions): Promise<LeadWriteResult> {
  const { db, orgId, conn, budgetShare, ...knobs } = opts;
  const leads: AccountValues[] = (await listLeadMatches(db, orgId)).map((m) => ({
    accountId: m.leadId,
    values: leadValues(m),
  }));
  const written = await LEAD_LEDGER.load(
    db,
    orgId,
    leads.map((l) => l.accountId),
  );
  const changed = diffAccounts(leads, written);
  const base = { leadsMatched: leads.length, leadsChanged: changed.length };
  if (changed.length === 0) {
    return {
      status: 'ok',
      mode: 'none',
      ...base,
      leadsWritten: 0,
      fieldsWritten: 0,
      apiCalls: 0,
      lockRetries: 0,
      failures: [],
      pending: 0,
    };
  }
  assertWritePreflight(await writePreflightLeads(conn), orgId, 'Lead');
  let { maxApiCalls, bulkBatchesRemaining } = knobs;
  if (maxApiCalls === undefined && budgetShare !== undefined) {
    const allowance = await readDailyAllowance(conn, orgId);
    maxApiCalls = Math.max(0, Math.floor(allowance.remaining * budgetShare));
    bulkBatchesRemaining ??= allowance.bulkBatchesRemaining;
  }
  const r = await writeAccounts({
    ...knobs,
    db,
    conn,
    orgId,
    maxApiCalls,
    bulkBatchesRemaining,
    accounts: leads,
    sobject: 'Lead',
    ledger: LEAD_LEDGER,
  });
  return {
    status: r.status,
    mode: r.mode,
    ...base,
    leadsWritten: r.accountsWritten,
    fieldsWritten: r.fieldsWritten,
    apiCalls: r.apiCalls,
    lockRetries: r.lockRetries,
    failures: r.failures.map((f) => ({
      leadId: f.accountId,
      statusCode: f.statusCode,
      message: f.message,
      fields: f.fields,
    })),
    pending: r.pending,
  };
}
