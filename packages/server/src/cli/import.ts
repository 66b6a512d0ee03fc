import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify';
import { readConfig, type Config } from '../config';
import { PulseError } from '../errors';
import { IMPORT_KINDS, importCsv, type ImportKind, type ImportResult, type RowError } from '../ingest/importCsv';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import { resolveOrg } from './keys';
import type { Output } from './model';
import { spreadsheetCsv, type SheetColumn } from './spreadsheetCsv';

/** Options of `pulse import`. */
export interface ImportCliOptions {
  kind: string;
  org?: string;
  errors?: string;
  json?: boolean;
}

/** Injected edges: tests pass a database, a clock and collectors for stdout and stderr. */
export interface ImportCliDeps {
  out: Output;
  err: Output;
  db?: Db;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
  now?: () => Date;
  /** Show a progress bar on stderr (default: when stderr is a terminal and not --json). */
  progress?: boolean;
}

/** The --errors file's columns: the line stays a number, the rest is text (spreadsheetCsv). */
const ERROR_COLUMNS: readonly SheetColumn[] = [
  { key: 'line', kind: 'number' },
  { key: 'id', kind: 'text' },
  { key: 'column', kind: 'text' },
  { key: 'message', kind: 'text' },
];

/** How many row errors are printed on stderr; the --errors file has them all. */
const SHOWN_ERRORS = 20;

/** `pulse import FILE --kind web|ads|intent`: validates and stores a CSV like the ingestion API; reports bad rows. */
export async function runImport(file: string, opts: ImportCliOptions, deps: ImportCliDeps): Promise<ImportResult> {
  if (!IMPORT_KINDS.includes(opts.kind as ImportKind)) {
    throw new PulseError('IMPORT_KIND', `--kind must be one of ${IMPORT_KINDS.join(', ')} (got "${opts.kind}")`);
  }
  const kind = opts.kind as ImportKind;
  const db = deps.db ?? (await openStore(deps.config ?? readConfig()));
  // The --errors file, written row by row as errors are found; `done` settles when the file is closed.
  let errorsOut: { csv: ReturnType<typeof stringify>; done: Promise<void> } | null = null;
  try {
    const orgId = await resolveOrg(db, opts.org);
    if (opts.errors) {
      // Ids and messages quote the file's own text: a cell a spreadsheet would run as a formula is defused.
      const csv = stringify(spreadsheetCsv(ERROR_COLUMNS));
      const path = opts.errors;
      const done = pipeline(csv, createWriteStream(path)).catch((e: unknown) => {
        throw new PulseError(
          'ERRORS_FILE',
          `--errors ${path}: cannot write: ${(e as Error).message}`,
          { file: path },
          { cause: e },
        );
      });
      // Awaited in `finally`; until then a write failure shows up through the writes below.
      done.catch(() => undefined);
      errorsOut = { csv, done };
    }
    let errorCount = 0;
    const showBar = deps.progress ?? (!opts.json && process.stderr.isTTY === true);
    const bar = showBar
      ? new SingleBar(
          {
            format: `import ${kind} |{bar}| {percentage}% · {rows} rows · {accepted} accepted · {rejected} rejected`,
            stream: process.stderr,
          },
          Presets.shades_classic,
        )
      : null;
    bar?.start(100, 0, { rows: 0, accepted: 0, rejected: 0 });
    // Kept until the bar is done, so error lines and the bar never share a line.
    const firstErrors: string[] = [];
    const onError = async (e: RowError) => {
      errorCount++;
      if (firstErrors.length < SHOWN_ERRORS) {
        firstErrors.push(`${file} line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}\n`);
      }
      // Wait while the file catches up: the import reads on only then, so errors never pile up in memory.
      if (errorsOut && !errorsOut.csv.write([e.line, e.id ?? '', e.column, e.message])) {
        await Promise.race([once(errorsOut.csv, 'drain'), errorsOut.done]);
      }
    };
    const result = await importCsv(db, orgId, file, kind, {
      now: (deps.now ?? (() => new Date()))(),
      onError,
      onProgress: (p) =>
        bar?.update(p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100, {
          rows: p.rows,
          accepted: p.accepted,
          rejected: p.rejected,
        }),
    });
    bar?.stop();
    for (const line of firstErrors) deps.err.write(line);
    if (errorCount > firstErrors.length) {
      deps.err.write(
        `… and ${errorCount - firstErrors.length} more problems (${errorCount} in all, ` +
          `${opts.errors ? `every one in ${opts.errors}` : 'pass --errors FILE.csv to get them all'})\n`,
      );
    }
    deps.out.write(
      opts.json
        ? `${JSON.stringify({ file, kind, org: orgId, ...result })}\n`
        : `imported ${file} (${kind}) into org ${orgId}: ${result.rows} rows, ${result.accepted} accepted ` +
            `(${result.unresolved} unresolved), ${result.rejected} rejected\n`,
    );
    if (result.rows > 0 && result.accepted === 0) {
      throw new PulseError('IMPORT_NOTHING_ACCEPTED', `no row of ${file} was accepted: fix the rows listed above`, {
        file,
      });
    }
    return result;
  } finally {
    try {
      if (errorsOut) {
        errorsOut.csv.end();
        await errorsOut.done;
      }
    } finally {
      if (!deps.db) await db.close();
    }
  }
}

/** Registers `pulse import`. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Import web visits, ad engagement or intent signals from a CSV file (same checks as the API)')
    .argument('<file>', 'CSV file with a header row')
    .requiredOption('--kind <kind>', `what the file holds: ${IMPORT_KINDS.join(', ')}`)
    .option('--org <id>', 'org to import into (default: the only connected org)')
    .option('--errors <file>', 'write every refused row (line, id, column, message) to this CSV')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: ImportCliOptions) => {
      await runImport(file, opts, { out: process.stdout, err: process.stderr });
    });
}
