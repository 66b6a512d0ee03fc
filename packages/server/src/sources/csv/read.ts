import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parse, type CsvError, type Parser } from 'csv-parse';
import { PulseError } from '../../errors';
import type { IssueSink } from './issues';

/** A data row with the 1-based line it ends on (the header is line 1). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** Where a CSV problem is: `events.csv line 12, column occurredAt`. */
export function csvPath(file: string, line?: number, column?: string): string {
  return `${file}${line !== undefined ? ` line ${line}` : ''}${column ? `, column ${column}` : ''}`;
}

/** What a csvParser stream yields: a record with the line it ends on, or a malformed record it skipped. */
export type CsvItem = { record: Record<string, string>; info: { lines: number } } | { skipped: CsvError };

/**
 * A csv-parse stream as Pulse reads every CSV file (exports, `pulse import`): BOM stripped, empty
 * lines skipped, header names trimmed and handed to `onHeader` (which returns the column names).
 * A malformed record does not stop the parse, so one pass reports every bad line: it comes out of
 * the stream as `{ skipped }` in its place among the records. Being in the stream, it is read in
 * line order and under the stream's backpressure, so a reader that waits on each one (writing it
 * to a file) holds a bounded number, however many bad lines the file has.
 */
export function csvParser(onHeader: (names: string[]) => string[]): Parser {
  const parser: Parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    columns: (header: string[]) => onHeader(header.map((h) => h.trim())),
    // csv-parse calls this while it parses a chunk (inside the Transform's own _transform or _flush),
    // where pushing to its readable side is allowed and keeps the file's order.
    on_skip: (err: CsvError | undefined) => {
      if (err) parser.push({ skipped: err } satisfies CsvItem);
      return undefined;
    },
  });
  return parser;
}

/**
 * Streams a CSV file with a header row. Malformed records (wrong column count, bad quoting)
 * become issues instead of stopping the parse, so one run reports every bad line; a missing
 * required column is one issue naming it. Column names are trimmed; values are kept as text.
 */
export async function* readCsv(
  path: string,
  file: string,
  required: readonly string[],
  issues: IssueSink,
): AsyncGenerator<CsvRow> {
  try {
    await access(path);
  } catch (e) {
    throw new PulseError('FILE_NOT_FOUND', `${file}: cannot read ${path}`, { file }, { cause: e });
  }
  let headerOk = true;
  const parser = createReadStream(path).pipe(
    csvParser((names) => {
      const missing = required.filter((r) => !names.includes(r));
      if (missing.length > 0) {
        headerOk = false;
        issues.push({
          path: csvPath(file, 1),
          message: `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header has: ${names.join(', ')})`,
        });
      }
      const seen = new Set<string>();
      for (const n of names) {
        if (seen.has(n)) issues.push({ path: csvPath(file, 1, n), message: 'column appears twice in the header' });
        seen.add(n);
      }
      return names;
    }),
  );
  for await (const item of parser as AsyncIterable<CsvItem>) {
    if ('skipped' in item) {
      issues.push({
        path: csvPath(file, Number(item.skipped.lines)),
        message: `malformed row: ${item.skipped.message}`,
      });
    } else if (headerOk) {
      // Rows are still drained after a header problem so malformed-row issues are reported too.
      yield { line: item.info.lines, values: item.record };
    }
  }
}
