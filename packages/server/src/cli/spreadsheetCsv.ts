import type { CastingContext, Options } from 'csv-stringify';

/** What a column of a CSV holds; it decides which of its cells may be neutralized. */
export type CellKind = 'text' | 'number' | 'boolean';

/** A column of a CSV that a person may open in Excel, LibreOffice or Google Sheets. */
export interface SheetColumn {
  key: string;
  kind: CellKind;
}

/** The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number such as `-5`, `0.25` or `1e-7`: a spreadsheet reads it as a number, never a formula. */
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A cell made safe to open in a spreadsheet. The rule (OWASP's CSV injection guidance), decided per
 * column by what it holds: in a text column, a cell starting with `=`, `+`, `-`, `@`, TAB or CR gets a
 * leading `'`, which spreadsheets show as text and never evaluate (so a text `-5` reads `'-5`); in a
 * number column a plain number (`-5`, a score change) stays as it is, so the column stays numeric,
 * and anything else in it is treated as text. Empty cells and other text pass unchanged.
 */
export function defuseCell(value: string, kind: CellKind): string {
  if (!FORMULA_START.test(value)) return value;
  if (kind === 'number' && PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

/**
 * csv-stringify options for a CSV meant for a spreadsheet: a header row of the columns' keys, every
 * string cell passed through `defuseCell` by its column's kind (numbers are written as digits and
 * booleans as true/false, neither of which a spreadsheet evaluates). Rows may be objects or arrays.
 */
export function spreadsheetCsv(columns: readonly SheetColumn[]): Options {
  return {
    header: true,
    columns: columns.map((c) => c.key),
    cast: {
      boolean: (b) => (b ? 'true' : 'false'),
      // An unknown column (none should exist) is treated as text, the safe side.
      string: (value: string, ctx: CastingContext) =>
        ctx.header ? value : defuseCell(value, columns[ctx.index]?.kind ?? 'text'),
    },
  };
}
