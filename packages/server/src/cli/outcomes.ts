/**
 * Where `pulse backtest` and `pulse model suggest` get their accounts, events and opportunities: an
 * export directory (`--data`, loaded into a private in-memory store) or an org's synced data (`--org`).
 */
import { writeFileSync } from 'node:fs';
import { PulseError } from '../errors';
import { DEFAULT_MODEL } from '../model/defaults';
import type { Model } from '../model/schema';
import { openDb, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { loadActiveModel } from '../store/models';
import { loadCsvDir } from '../sources/csv/load';
import { parseDay } from '../sources/csv/offline';
import { readModelFile } from '../modelFile';
import { withStore, type StoreDeps } from './store';

/** The options every outcome command shares. */
export interface OutcomeSourceOptions {
  data?: string;
  org?: string;
  model?: string;
}

/** A store holding one org's accounts, events and opportunities, and the model to measure. */
export interface OutcomeSource {
  db: Db;
  orgId: string;
  model: Model;
}

/** Dependencies: a store to use (tests), and the org an export is loaded under in it. */
export interface OutcomeDeps extends StoreDeps {
  dataOrg?: string;
}

/** `--as-of` as one or more comma-separated days, each checked, sorted and without repeats. */
export function parseAsOfList(value: string): string[] {
  const days = value
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (days.length === 0) throw new PulseError('BAD_ARGUMENT', '--as-of needs at least one day', { field: '--as-of' });
  return [...new Set(days.map((d) => parseDay(d)))].sort();
}

/** A whole number of days from 1 to 3650. */
export function parseDays(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 3650) {
    throw new PulseError('BAD_ARGUMENT', `${flag} "${value}" is not a whole number of days from 1 to 3650`, {
      field: flag,
    });
  }
  return n;
}

/**
 * Runs `fn` on the outcome data: with `--data`, the export (accounts, people, events — also those after
 * the as-of days — and opportunities.csv) loaded, all or nothing, into a fresh in-memory store that is
 * dropped after; with `--org`, the configured store as synced, read only. The model is `--model`'s, else
 * the org's active one (`--org`) or the default (`--data`).
 */
export async function withOutcomeSource<T>(
  opts: OutcomeSourceOptions,
  deps: OutcomeDeps,
  fn: (source: OutcomeSource) => Promise<T>,
): Promise<T> {
  if ((opts.data === undefined) === (opts.org === undefined)) {
    throw new PulseError('BAD_ARGUMENT', 'give either --data DIR (an export) or --org ID (synced data), not both', {
      field: '--data',
    });
  }
  const file = opts.model ? readModelFile(opts.model) : undefined;
  if (opts.org !== undefined) {
    const orgId = opts.org;
    return withStore(deps, async (db) => {
      const model = file ?? (await loadActiveModel(db, orgId))?.model;
      if (!model) {
        throw new PulseError(
          'NO_ACTIVE_MODEL',
          `org ${orgId} has no published model; publish one or pass --model FILE`,
          {
            org: orgId,
          },
        );
      }
      return fn({ db, orgId, model });
    });
  }
  const model = file ?? DEFAULT_MODEL;
  const orgId = deps.dataOrg ?? 'local';
  const own = !deps.db;
  // A private store: the export's later events and its opportunities never mix with a configured database.
  const db = deps.db ?? (await openDb({ dataDir: 'memory' }));
  try {
    if (own) await migrate(db);
    // Events after the as-of days are kept (laterEvents): each day is scored with only what occurred by then.
    await loadCsvDir(db, opts.data!, { orgId, asOf: '9999-12-31', model, laterEvents: true, opportunities: true });
    return await fn({ db, orgId, model });
  } finally {
    if (own) await db.close();
  }
}

/** Writes a command's output to `--out FILE` when given, else to `out`. */
export function writeOutput(text: string, outFile: string | undefined, out: { write(text: string): void }): void {
  if (outFile === undefined) {
    out.write(text);
    return;
  }
  try {
    writeFileSync(outFile, text);
  } catch (e) {
    throw new PulseError(
      'FILE_NOT_WRITABLE',
      `--out ${outFile}: ${(e as Error).message}`,
      { file: outFile },
      { cause: e },
    );
  }
}
