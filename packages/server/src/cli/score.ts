import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { PulseError } from '../errors';
import type { AccountScore } from '../scoring/finish';
import { cmp } from '../scoring/sum';
import type { Db } from '../store/db';
import { log } from '../log';
import { readConfig } from '../config';
import { scoreOffline, type OfflineSession } from '../sources/csv/offline';
import { loadModelFile, type Output } from './model';
import { spreadsheetCsv, type SheetColumn } from './spreadsheetCsv';

/** Options of `pulse score`. */
export interface ScoreCommandOptions {
  data: string;
  model?: string;
  asOf: string;
  format?: string;
  org?: string;
  /** Back-fill the 90-day history first, as a publish does (the output is the same; it takes longer). */
  history?: boolean;
}

/**
 * The keys of one account in `pulse score --format json`, in this order: the public output contract,
 * taken from the AccountScore as they are. The scalar ones (up to `mqa`) are the CSV's columns.
 */
const OUTPUT_KEYS = [
  'accountId',
  'score',
  'scoreExact',
  'band',
  'trend',
  'change30d',
  'peopleEngaged',
  'coveragePct',
  'missingPersonas',
  'mqa',
  'kpis',
  'topPeople',
  'topKpis',
] as const satisfies readonly (keyof AccountScore)[];

type OutputKey = (typeof OUTPUT_KEYS)[number];

/**
 * The CSV's columns (the scalar keys, in the contract's order) and what each holds: text cells that
 * look like a formula are neutralized, numbers such as a negative change30d stay numeric (spreadsheetCsv).
 */
const CSV_COLUMNS = [
  { key: 'accountId', kind: 'text' },
  { key: 'score', kind: 'number' },
  { key: 'scoreExact', kind: 'number' },
  { key: 'band', kind: 'text' },
  { key: 'trend', kind: 'text' },
  { key: 'change30d', kind: 'number' },
  { key: 'peopleEngaged', kind: 'number' },
  { key: 'coveragePct', kind: 'number' },
  { key: 'missingPersonas', kind: 'text' },
  { key: 'mqa', kind: 'boolean' },
] as const satisfies readonly (SheetColumn & { key: OutputKey })[];

/** The whole JSON document `pulse score` prints. */
export interface ScoreOutput {
  asOf: string;
  modelVersion: string;
  accounts: Pick<AccountScore, OutputKey>[];
}

/** An account's score as the output contract has it: only the contract's keys, in its order. */
function outputAccount(score: AccountScore): Pick<AccountScore, OutputKey> {
  const out: Partial<Record<OutputKey, unknown>> = {};
  for (const key of OUTPUT_KEYS) out[key] = score[key];
  return out as Pick<AccountScore, OutputKey>;
}

/** Accounts with a score, highest first, ties by account id; only the contract's keys. */
export function toScoreOutput(asOf: string, modelVersion: string, scores: readonly AccountScore[]): ScoreOutput {
  const accounts = [...scores].sort((a, b) => b.score - a.score || cmp(a.accountId, b.accountId)).map(outputAccount);
  return { asOf, modelVersion, accounts };
}

/**
 * One CSV row per account with the scalar columns; missing personas joined with "; ". Account ids,
 * bands and persona names come from the export and the model, so a cell that a spreadsheet would run
 * as a formula is prefixed with `'` (spreadsheetCsv).
 */
export function scoreOutputCsv(out: ScoreOutput): string {
  return stringify(
    out.accounts.map((a) => ({ ...a, missingPersonas: a.missingPersonas.join('; '), change30d: a.change30d ?? '' })),
    spreadsheetCsv(CSV_COLUMNS),
  );
}

/**
 * `JSON.stringify(out, null, 2)` and a newline, in pieces of about `accountsPerPiece` accounts: at 100k
 * accounts the document is hundreds of MB, and a piece at a time it is never one string in memory.
 */
export function* scoreOutputJson(out: ScoreOutput, accountsPerPiece = 500): Generator<string> {
  const n = out.accounts.length;
  if (n === 0) {
    yield `${JSON.stringify(out, null, 2)}\n`;
    return;
  }
  // The accounts come last: the document up to their "[" is the one with none, cut before its "[]".
  const head = JSON.stringify({ ...out, accounts: [] }, null, 2);
  let piece = `${head.slice(0, head.lastIndexOf('[]'))}[\n`;
  for (let i = 0; i < n; i++) {
    piece += `    ${JSON.stringify(out.accounts[i], null, 2).replace(/\n/g, '\n    ')}${i < n - 1 ? ',' : ''}\n`;
    if ((i + 1) % accountsPerPiece === 0) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}  ]\n}\n`;
}

/** Checks --format against the choices a command accepts. */
export function parseFormat<T extends string>(value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new PulseError('BAD_ARGUMENT', `--format "${value}" is not one of ${choices.join(', ')}`, {
    field: '--format',
  });
}

/**
 * What `pulse score` and `pulse explain` start from: the export in `data` loaded and scored as of
 * the date, with the `--model` file (else the default model), on the given database or the config's.
 */
export async function openOfflineSession(
  opts: { data: string; model?: string; asOf: string; org?: string; history?: boolean },
  deps: { db?: Db },
): Promise<OfflineSession> {
  return scoreOffline({
    data: opts.data,
    model: opts.model ? await loadModelFile(opts.model) : undefined,
    asOf: opts.asOf,
    orgId: opts.org,
    history: opts.history,
    db: deps.db,
    databaseUrl: deps.db ? null : readConfig().databaseUrl,
  });
}

/** `pulse score`: loads DIR, scores it as of the date and writes JSON or CSV to `out`. */
export async function runScore(opts: ScoreCommandOptions, out: Output, deps: { db?: Db } = {}): Promise<ScoreOutput> {
  const format = parseFormat(opts.format, ['json', 'csv'] as const, 'json');
  const session = await openOfflineSession(opts, deps);
  try {
    const result = toScoreOutput(opts.asOf, session.model.version, session.scores);
    if (format === 'csv') out.write(scoreOutputCsv(result));
    else for (const piece of scoreOutputJson(result)) out.write(piece);
    return result;
  } finally {
    await session.close();
  }
}

/**
 * stdout carries the command's data (JSON/CSV), and the logger writes to stdout too: keep info lines
 * out of it unless LOG_LEVEL asks for them.
 */
export function quietLogs(): void {
  if (!process.env.LOG_LEVEL) log.level = 'warn';
}

/** A command on an export (`pulse score`, `pulse explain`) with its options: data, day, model, format (the first is the default), org. */
export function offlineCommand(
  program: Command,
  name: string,
  what: { description: string; asOf: string; formats: readonly [string, ...string[]] },
): Command {
  return program
    .command(name)
    .description(what.description)
    .requiredOption('--data <dir>', 'directory with accounts.csv, people.csv and events.csv')
    .requiredOption('--as-of <date>', `${what.asOf}, YYYY-MM-DD (UTC)`)
    .option('--model <file>', 'model JSON file (default: the built-in default model)')
    .option('--format <format>', what.formats.join(' or '), what.formats[0])
    .option('--org <id>', 'org id to store the data under', 'local')
    .option('--history', 'also back-fill the 90 days of history up to the day (the output is the same)');
}

/** Registers `pulse score`. */
export function registerScore(program: Command): void {
  offlineCommand(program, 'score', {
    description: 'score exported CSV data offline (no Salesforce connection) and print the scores',
    asOf: 'the day to score',
    formats: ['json', 'csv'],
  }).action(async (o: ScoreCommandOptions) => {
    quietLogs();
    await runScore(o, process.stdout);
  });
}
