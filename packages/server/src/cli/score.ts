import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { PulseError } from '../errors';
import type { AccountScore } from '../engine/engine';
import type { Db } from '../store/db';
import { log } from '../log';
import { scoreOffline } from '../sources/csv/offline';
import { loadModelFile, type Output } from './model';

/** Options of `pulse score`. */
export interface ScoreCommandOptions {
  data: string;
  model?: string;
  asOf: string;
  format?: string;
  org?: string;
}

/** One account in `pulse score --format json`: the public output contract (keys in this order). */
export interface ScoreOutputAccount {
  accountId: string;
  score: number;
  scoreExact: number;
  band: string;
  trend: string;
  change30d: number | null;
  peopleEngaged: number;
  coveragePct: number;
  missingPersonas: string[];
  mqa: boolean;
  kpis: Record<string, { points: number; subscore: number }>;
  topPeople: { personId: string; points: number; share: number }[];
  topKpis: { key: string; points: number; share: number }[];
}

/** The whole JSON document `pulse score` prints. */
export interface ScoreOutput {
  asOf: string;
  modelVersion: string;
  accounts: ScoreOutputAccount[];
}

/** Accounts with a score, highest first, ties by account id; only the contract's keys. */
export function toScoreOutput(asOf: string, modelVersion: string, scores: readonly AccountScore[]): ScoreOutput {
  const accounts = [...scores]
    .sort((a, b) => b.score - a.score || (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    .map((s) => ({
      accountId: s.accountId,
      score: s.score,
      scoreExact: s.scoreExact,
      band: s.band,
      trend: s.trend,
      change30d: s.change30d,
      peopleEngaged: s.peopleEngaged,
      coveragePct: s.coveragePct,
      missingPersonas: s.missingPersonas,
      mqa: s.mqa,
      kpis: s.kpis,
      topPeople: s.topPeople,
      topKpis: s.topKpis,
    }));
  return { asOf, modelVersion, accounts };
}

const CSV_COLUMNS = [
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
] as const;

/** One CSV row per account with the scalar columns; missing personas joined with "; ". */
export function scoreOutputCsv(out: ScoreOutput): string {
  return stringify(
    out.accounts.map((a) => ({ ...a, missingPersonas: a.missingPersonas.join('; '), change30d: a.change30d ?? '' })),
    { header: true, columns: [...CSV_COLUMNS], cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}

/** Checks --format against the choices a command accepts. */
export function parseFormat<T extends string>(value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new PulseError('BAD_ARGUMENT', `--format "${value}" is not one of ${choices.join(', ')}`, {
    field: '--format',
  });
}

/** `pulse score`: loads DIR, scores it as of the date and writes JSON or CSV to `out`. */
export async function runScore(opts: ScoreCommandOptions, out: Output, deps: { db?: Db } = {}): Promise<ScoreOutput> {
  const format = parseFormat(opts.format, ['json', 'csv'] as const, 'json');
  const model = opts.model ? await loadModelFile(opts.model) : undefined;
  const session = await scoreOffline({ data: opts.data, model, asOf: opts.asOf, orgId: opts.org, db: deps.db });
  try {
    const result = toScoreOutput(opts.asOf, session.model.version, session.scores);
    out.write(format === 'csv' ? scoreOutputCsv(result) : `${JSON.stringify(result, null, 2)}\n`);
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

/** Registers `pulse score`. */
export function registerScore(program: Command): void {
  program
    .command('score')
    .description('score exported CSV data offline (no Salesforce connection) and print the scores')
    .requiredOption('--data <dir>', 'directory with accounts.csv, people.csv and events.csv')
    .requiredOption('--as-of <date>', 'the day to score, YYYY-MM-DD (UTC)')
    .option('--model <file>', 'model JSON file (default: the built-in default model)')
    .option('--format <format>', 'json or csv', 'json')
    .option('--org <id>', 'org id to store the data under', 'local')
    .action(async (o: ScoreCommandOptions) => {
      quietLogs();
      await runScore(o, process.stdout);
    });
}
