import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { csvParser, type CsvItem } from '../sources/csv/read';
import { PulseError } from '../errors';
import type { Db } from '../store/db';
import { API_SOURCE, checkEventItem } from './events';
import { storeBatch, type EventDraft } from './pipeline';

/** Which feed a file holds; it decides the columns and the event type. */
export type ImportKind = 'web' | 'ads' | 'intent';
export const IMPORT_KINDS: readonly ImportKind[] = ['web', 'ads', 'intent'];

/** Required and known columns per kind; other columns are kept as event attributes. */
export const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  web: { required: ['id', 'occurredAt', 'url'], optional: ['type', 'email', 'domain', 'visitorId', 'title'] },
  ads: { required: ['id', 'type', 'occurredAt', 'domain'], optional: ['quantity', 'campaign', 'platform'] },
  intent: { required: ['id', 'occurredAt', 'domain', 'topic', 'strength'], optional: ['type'] },
};
const NUMERIC = new Set(['quantity', 'strength']);
const KIND_TYPES: Record<ImportKind, readonly string[]> = {
  web: ['web_visit'],
  ads: ['ad_impression', 'ad_click', 'ad_lead'],
  intent: ['intent'],
};

/** One refused row, located for a person to fix it. */
export interface RowError {
  line: number;
  id: string | null;
  column: string;
  message: string;
}

/** Progress while importing: bytes read of the file, rows so far. */
export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
  accepted: number;
  rejected: number;
}

/** What an import did. */
export interface ImportResult {
  rows: number;
  accepted: number;
  rejected: number;
  unresolved: number;
  batches: number;
}

/** Rows stored per transaction: big enough to be fast, small enough that a failure loses one batch's work. */
export const IMPORT_BATCH = 1000;

/** A CSV row as the API item it stands for: empty cells left out, numbers parsed, unknown columns as attributes. */
export function rowToItem(kind: ImportKind, row: Record<string, string>): Record<string, unknown> {
  const known = new Set([...IMPORT_COLUMNS[kind].required, ...IMPORT_COLUMNS[kind].optional]);
  const item: Record<string, unknown> = {
    type: kind === 'web' ? 'web_visit' : kind === 'intent' ? 'intent' : undefined,
  };
  const attributes: Record<string, string> = {};
  for (const [col, raw] of Object.entries(row)) {
    const v = raw.trim();
    if (v === '') continue;
    if (!known.has(col)) attributes[col] = v;
    else if (NUMERIC.has(col) && v !== '' && Number.isFinite(Number(v))) item[col] = Number(v);
    else item[col] = v;
  }
  if (Object.keys(attributes).length > 0) item.attributes = attributes;
  return item;
}

/**
 * Streams a CSV of one kind into the store with the API's validation. Rows are stored in batches,
 * each in one transaction (all of a batch or none of it); bad rows are passed to `onError` with
 * their line and column, in line order, and never block the good ones. When `onError` returns a
 * promise (writing the error to a file) the file is read on only once it settles, so bad rows never
 * pile up in memory. A repeated id in the file is refused.
 */
export async function importCsv(
  db: Db,
  orgId: string,
  path: string,
  kind: ImportKind,
  opts: {
    now: Date;
    batchSize?: number;
    onError?: (e: RowError) => void | Promise<void>;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<ImportResult> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (e) {
    throw new PulseError(
      'FILE_NOT_FOUND',
      `cannot read ${path}: ${(e as Error).message}`,
      { file: path },
      { cause: e },
    );
  }
  const batchSize = opts.batchSize ?? IMPORT_BATCH;
  const result: ImportResult = { rows: 0, accepted: 0, rejected: 0, unresolved: 0, batches: 0 };
  const reject = async (errors: RowError[]) => {
    result.rejected++;
    for (const e of errors) await opts.onError?.(e);
  };
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  let headerProblem: string | null = null;
  const { required } = IMPORT_COLUMNS[kind];
  const parser = createReadStream(path)
    .pipe(counter)
    .pipe(
      csvParser((names) => {
        const missing = required.filter((r) => !names.includes(r));
        if (missing.length > 0) {
          headerProblem = `a ${kind} file needs the columns ${required.join(', ')}; missing: ${missing.join(', ')} (header has: ${names.join(', ')})`;
        }
        return names;
      }),
    );

  const seen = new Map<string, number>();
  let batch: Array<{ draft: EventDraft; line: number }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const stored = await storeBatch(
      db,
      orgId,
      API_SOURCE,
      batch.map((b) => b.draft),
    );
    result.accepted += stored.kept.length;
    result.unresolved += stored.accountIds.filter((a) => a === null).length;
    const lines = new Map(batch.map((b) => [b.draft.index, b.line]));
    for (const r of stored.refused) {
      await reject(r.errors.map((e) => ({ line: lines.get(r.index)!, id: r.id, column: '', message: e.message })));
    }
    result.batches++;
    batch = [];
  };
  const progress = () =>
    opts.onProgress?.({ bytes, totalBytes, rows: result.rows, accepted: result.accepted, rejected: result.rejected });

  for await (const rec of parser as AsyncIterable<CsvItem>) {
    if (headerProblem) break;
    result.rows++;
    if ('skipped' in rec) {
      const err = rec.skipped;
      await reject([{ line: Number(err.lines), id: null, column: '', message: `malformed row: ${err.message}` }]);
      continue;
    }
    const line = rec.info.lines;
    const item = rowToItem(kind, rec.record);
    const id = typeof item.id === 'string' ? item.id : null;
    if (typeof item.type === 'string' && !KIND_TYPES[kind].includes(item.type)) {
      await reject([
        {
          line,
          id,
          column: 'type',
          message: `"${item.type}" does not belong in a ${kind} file: expected ${KIND_TYPES[kind].join(', ')}`,
        },
      ]);
      continue;
    }
    const check = checkEventItem(item, result.rows - 1, opts.now);
    if (!check.ok) {
      await reject(check.rejection.errors.map((issue) => ({ line, id, column: issue.path, message: issue.message })));
      continue;
    }
    const first = seen.get(check.draft.sourceId);
    if (first !== undefined) {
      await reject([{ line, id, column: 'id', message: `the same id is already at line ${first}` }]);
      continue;
    }
    seen.set(check.draft.sourceId, line);
    batch.push({ draft: check.draft, line });
    if (batch.length >= batchSize) {
      await flush();
      progress();
    }
  }
  if (headerProblem)
    throw new PulseError('IMPORT_COLUMNS', `${path} line 1: ${headerProblem}`, { file: path, line: 1 });
  await flush();
  progress();
  return result;
}
