/**
 * Write-back glue: the org's field mapping applied to output values, the write preflight, then the writer. The
 * daily run calls `writeBack`; everything it composes is tested on its own.
 */
import type { Connection } from 'jsforce';
import { readDailyAllowance } from '../sources/salesforce/allowance';
import type { AccountOutputKey } from '../contract/fields';
import type { Db } from '../store/db';
import { effectiveFieldMapping, type FieldMapping } from '../contract/fieldMapping';
import { loadFieldMappingOverrides } from '../store/fieldMappings';
import type { OutputValue } from './outputs';
import type { AccountOutputs } from './context';
import { assertWritePreflight, writePreflight } from './writePreflight';
import { writeAccounts, type AccountValues, type WriteOptions, type WriteResult } from './writer';

/** Output values → field values under `mapping` (outputs switched off are dropped). */
export function accountValues(
  mapping: FieldMapping,
  outputs: Record<AccountOutputKey, OutputValue>,
): Record<string, OutputValue> {
  const out: Record<string, OutputValue> = {};
  for (const [output, field] of Object.entries(mapping) as [AccountOutputKey, string | null][]) {
    if (field && output in outputs) out[field] = outputs[output];
  }
  return out;
}

/**
 * The calls this write may make: `share` of the org's remaining daily API requests (GET /limits, which
 * is itself one call and is not counted here; refused without View Setup and Configuration, the
 * Sforce-Limit-Info header decides, see readDailyAllowance).
 */
export async function apiBudget(conn: Connection, share: number, orgId = ''): Promise<number> {
  const allowance = await readDailyAllowance(conn, orgId);
  return Math.max(0, Math.floor(allowance.remaining * share));
}

/** Loads the org's field mapping, refuses to write while the write preflight fails, then writes only what changed. */
export async function writeBack(
  opts: Omit<WriteOptions, 'accounts' | 'rideAlong'> & {
    conn: Connection;
    db: Db;
    /** All accounts' outputs, or batches of them as they are built (`accountOutputBatches`): then no more than a batch is held. */
    outputs: readonly AccountOutputs[] | AsyncIterable<readonly AccountOutputs[]>;
    /** Share of the remaining daily API requests to spend when `maxApiCalls` is not given. */
    budgetShare?: number;
  },
): Promise<WriteResult> {
  const mapping = effectiveFieldMapping(await loadFieldMappingOverrides(opts.db, opts.orgId));
  assertWritePreflight(await writePreflight(opts.conn, mapping), opts.orgId);
  const valuesOf = (batch: readonly AccountOutputs[]): AccountValues[] =>
    batch.map((a) => ({ accountId: a.accountId, values: accountValues(mapping, a.outputs) }));
  const given = opts.outputs;
  const accounts =
    Symbol.asyncIterator in given
      ? (async function* () {
          for await (const batch of given) yield valuesOf(batch);
        })()
      : valuesOf(given as readonly AccountOutputs[]);
  // The scored-at stamp changes every run; it goes only with a real change, or nothing would be skipped.
  const rideAlong = mapping.scoredAt ? [mapping.scoredAt] : [];
  const { outputs: _outputs, budgetShare, ...rest } = opts;
  void _outputs;
  let { maxApiCalls, bulkBatchesRemaining } = rest;
  if (maxApiCalls === undefined && budgetShare !== undefined) {
    const allowance = await readDailyAllowance(opts.conn, opts.orgId);
    maxApiCalls = Math.max(0, Math.floor(allowance.remaining * budgetShare));
    bulkBatchesRemaining ??= allowance.bulkBatchesRemaining;
  }
  return writeAccounts({ ...rest, maxApiCalls, bulkBatchesRemaining, accounts, rideAlong });
}
