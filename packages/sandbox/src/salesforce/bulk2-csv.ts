/**
 * CSV conventions of Bulk API 2.0: delimiters and line endings by name, value formatting for
 * query results, and the quoting used in result files.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm
 */
import type { SfValue } from './soql';

/** ColumnDelimiterEnum → the character. */
export const DELIMITERS: Record<string, string> = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};

/** LineEndingEnum → the characters. */
export const LINE_ENDINGS: Record<string, string> = { LF: '\n', CRLF: '\r\n' };

/** A cell always wrapped in double quotes (embedded quotes doubled). */
export function quoted(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** A cell quoted only when it must be (delimiter, quote, CR or LF inside). */
export function minimalQuote(s: string, delimiter: string): string {
  return s.includes(delimiter) || /["\r\n]/.test(s) ? quoted(s) : s;
}

/**
 * One query-result value as Bulk 2.0 writes it: empty for null, `true`/`false`, plain numbers,
 * dates as YYYY-MM-DD and datetimes as `2026-11-24T10:00:00.000Z`.
 */
export function formatCsvValue(type: string, v: SfValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (type === 'datetime' && typeof v === 'string') {
    // Fast path for the stored form `2026-11-24T10:00:00.000+0000`.
    if (v.length === 28 && v.endsWith('+0000')) return v.slice(0, 23) + 'Z';
    const ms = Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    return Number.isNaN(ms) ? v : new Date(ms).toISOString();
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** One result row: non-null values quoted, nulls as empty cells. */
export function queryCsvRow(cells: Array<string | null>, delimiter: string): string {
  return cells.map((c) => (c === null ? '' : quoted(c))).join(delimiter);
}
