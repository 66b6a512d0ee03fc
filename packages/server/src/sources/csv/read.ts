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

/**
 * A csv-parse stream as Pulse reads every CSV file (exports, `pulse import`): BOM stripped, empty
 * lines skipped, header names trimmed and handed to `onHeader` (which returns the column names),
 * and a malformed record handed to `onSkip` instead of stopping the parse, so one pass reports
 * every bad line.
 */
export function csvParser(onHeader: (names: string[]) => string[], onSkip: (err: CsvError) => void): Parser {
  return parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    columns: (header: string[]) => onHeader(header.map((h) => h.trim())),
    on_skip: (err: CsvError | undefined) => {
      if (err) onSkip(err);
      return undefined;
    },
  });
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
    csvParser(
      (names) => {
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
      },
      (err) => issues.push({ path: csvPath(file, Number(err.lines)), message: `malformed row: ${err.message}` }),
    ),
  );
  for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    // Rows are still drained after a header problem so malformed-row issues are reported too.
    if (headerOk) yield { line: rec.info.lines, values: rec.record };
  }
}
