/** `pulse backtest`: does the score predict opportunities? Thin over backtest/. */
import type { Command } from 'commander';
import { runBacktest } from '../backtest/backtest';
import { backtestHtml } from '../backtest/html';
import { backtestsText } from '../backtest/text';
import type { BacktestReport, BacktestResult } from '../backtest/summary';
import type { Output } from './model';
import { parseAsOfList, parseDays, withOutcomeSource, writeOutput, type OutcomeDeps } from './outcomes';
import { parseFormat, quietLogs } from './score';

/** Options of `pulse backtest`. */
export interface BacktestCommandOptions {
  data?: string;
  org?: string;
  asOf: string;
  model?: string;
  horizonDays?: string;
  format?: string;
  out?: string;
}

/** The JSON printed: one day's result, or for several days the array of their results in day order. */
export type BacktestJson = BacktestResult | BacktestResult[];

/** `pulse backtest`: backtests each as-of day and writes JSON, text or HTML to `--out` or `out`. */
export async function runBacktestCommand(
  opts: BacktestCommandOptions,
  out: Output,
  deps: OutcomeDeps = {},
): Promise<BacktestReport[]> {
  const format = parseFormat(opts.format, ['json', 'text', 'html'] as const, 'json');
  const days = parseAsOfList(opts.asOf);
  const horizonDays = parseDays(opts.horizonDays, '--horizon-days', 90);
  const reports = await withOutcomeSource(opts, deps, async ({ db, orgId, model }) => {
    const done: BacktestReport[] = [];
    for (const asOf of days) done.push(await runBacktest(db, { orgId, model, asOf, horizonDays }));
    return done;
  });
  const results = reports.map((r) => r.result);
  const json: BacktestJson = results.length === 1 ? results[0]! : results;
  const text =
    format === 'html'
      ? backtestHtml(reports)
      : format === 'text'
        ? backtestsText(results)
        : `${JSON.stringify(json, null, 2)}\n`;
  writeOutput(text, opts.out, out);
  return reports;
}

/** Registers `pulse backtest`. */
export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('measure whether the score predicts opportunities: score as of a day, compare with what came after')
    .option('--data <dir>', 'export directory: accounts.csv, people.csv, events.csv and opportunities.csv')
    .option('--org <id>', 'an org whose data is synced into the store (instead of --data)')
    .requiredOption(
      '--as-of <dates>',
      'the day(s) to score, YYYY-MM-DD (UTC); several, comma-separated, give a stability table',
    )
    .option('--model <file>', 'model JSON file (default: the org’s active model, or the built-in default with --data)')
    .option('--horizon-days <n>', 'days after the as-of day in which a new opportunity counts', '90')
    .option('--format <format>', 'json, text or html', 'json')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (o: BacktestCommandOptions) => {
      quietLogs();
      await runBacktestCommand(o, process.stdout);
    });
}
