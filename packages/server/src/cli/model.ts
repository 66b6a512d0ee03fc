import type { Command } from 'commander';
import { DEFAULT_MODEL_DOCUMENT } from '../model/defaults';
import type { Model } from '../model/schema';
import { readModelFile } from '../modelFile';
import { PulseError } from '../errors';
import { log } from '../log';
import { suggestModel, type Suggestion } from '../backtest/suggest';
import { suggestionText } from '../backtest/suggestText';
import { compareShadow, comparisonText, type Comparison } from '../backtest/compare';
import { removeShadow, setShadow, type ShadowSet } from '../engine/shadow';
import { parseDay } from '../sources/csv/offline';
import { parseAsOfList, parseDays, withOutcomeSource, writeOutput, type OutcomeDeps } from './outcomes';
import { withStore, type StoreDeps } from './store';

/** Where command output goes; tests pass a collector. */
export interface Output {
  write(text: string): void;
}

/** Reads and validates a model file (see modelFile.ts: one reader, one set of error codes). */
export async function loadModelFile(file: string): Promise<Model> {
  return readModelFile(file);
}

/** `pulse model defaults`: prints the default model document as JSON. */
export function runModelDefaults(out: Output): void {
  out.write(`${JSON.stringify(DEFAULT_MODEL_DOCUMENT, null, 2)}\n`);
}

/** `pulse model validate FILE`: prints "valid: <version>, N KPIs"; invalid files throw (exit code 2). */
export async function runModelValidate(file: string, out: Output): Promise<Model> {
  const model = await loadModelFile(file);
  out.write(`valid: ${model.version}, ${model.kpis.length} KPIs\n`);
  return model;
}

/** Options of `pulse model suggest`. */
export interface SuggestCommandOptions {
  data?: string;
  org?: string;
  asOf: string;
  model?: string;
  horizonDays?: string;
  format?: string;
  out?: string;
}

/**
 * `pulse model suggest`: learns weights, decays and personas from the outcomes up to `--as-of` and
 * compares the suggested model with the current one after it; prints text or JSON. Applies nothing.
 */
export async function runModelSuggest(
  opts: SuggestCommandOptions,
  out: Output,
  deps: OutcomeDeps = {},
): Promise<Suggestion> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new PulseError('BAD_ARGUMENT', `--format "${format}" is not one of text, json`, { field: '--format' });
  }
  const days = parseAsOfList(opts.asOf);
  if (days.length !== 1) {
    throw new PulseError('BAD_ARGUMENT', '--as-of takes one day here (the time split)', { field: '--as-of' });
  }
  const horizonDays = parseDays(opts.horizonDays, '--horizon-days', 90);
  const suggestion = await withOutcomeSource(opts, deps, ({ db, orgId, model }) =>
    suggestModel(db, { orgId, model, asOf: days[0]!, horizonDays }),
  );
  writeOutput(
    format === 'json' ? `${JSON.stringify(suggestion, null, 2)}\n` : suggestionText(suggestion),
    opts.out,
    out,
  );
  return suggestion;
}

/** Options of `pulse model shadow`. */
export interface ShadowCommandOptions {
  org?: string;
  off?: boolean;
}

/**
 * `pulse model shadow FILE`: stores the file's model as the org's shadow (scored by every daily run,
 * never written to Salesforce), back-filled 90 days up to today; `--off` removes the shadow.
 */
export async function runModelShadow(
  file: string | undefined,
  opts: ShadowCommandOptions,
  out: Output,
  deps: StoreDeps & { now?: () => Date } = {},
): Promise<ShadowSet | null> {
  const orgId = opts.org ?? 'default';
  if (opts.off) {
    if (file !== undefined) throw new PulseError('BAD_ARGUMENT', '--off takes no model file', { field: '--off' });
    const removed = await withStore(deps, (db) => removeShadow(db, orgId));
    out.write(removed ? `shadow ${removed} removed from org ${orgId}\n` : `org ${orgId} has no shadow\n`);
    return null;
  }
  if (file === undefined) {
    throw new PulseError('BAD_ARGUMENT', 'give the candidate model FILE, or --off to remove the shadow', {
      field: 'FILE',
    });
  }
  const model = await loadModelFile(file);
  const asOf = (deps.now ?? (() => new Date()))().toISOString().slice(0, 10);
  const set = await withStore(deps, (db) => setShadow(db, orgId, model, asOf));
  out.write(
    `shadow ${set.version} set for org ${orgId}: ${set.snapshots} snapshots back-filled up to ${asOf}; every daily run scores it (never written to Salesforce)\n`,
  );
  return set;
}

/** Options of `pulse model compare`. */
export interface CompareCommandOptions {
  org?: string;
  asOf?: string;
  horizonDays?: string;
  format?: string;
  out?: string;
}

/** `pulse model compare`: live vs shadow on a day (bands, band changes, movers, backtests); text or JSON. */
export async function runModelCompare(
  opts: CompareCommandOptions,
  out: Output,
  deps: StoreDeps = {},
): Promise<Comparison> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new PulseError('BAD_ARGUMENT', `--format "${format}" is not one of text, json`, { field: '--format' });
  }
  const asOf = opts.asOf === undefined ? undefined : parseDay(opts.asOf);
  const horizonDays = parseDays(opts.horizonDays, '--horizon-days', 90);
  const c = await withStore(deps, (db) => compareShadow(db, { orgId: opts.org ?? 'default', asOf, horizonDays }));
  writeOutput(format === 'json' ? `${JSON.stringify(c, null, 2)}\n` : comparisonText(c), opts.out, out);
  return c;
}

/** Registers `pulse model defaults`, `pulse model validate FILE` and `pulse model suggest`. */
export function registerModel(program: Command): void {
  const model = program
    .command('model')
    .description(
      'the scoring model file: print the defaults, validate a file, suggest weights from outcomes, shadow and compare',
    );
  model
    .command('defaults')
    .description('print the default model as JSON (a starting point for your own)')
    .action(() => runModelDefaults(process.stdout));
  model
    .command('validate')
    .description('check a model file; lists every problem by path and exits 2 when invalid')
    .argument('<file>', 'model JSON file')
    .action(async (file: string) => {
      await runModelValidate(file, process.stdout);
    });
  model
    .command('suggest')
    .description('suggest weights, decays and personas learned from opportunities (never applied by itself)')
    .option('--data <dir>', 'export directory: accounts.csv, people.csv, events.csv and opportunities.csv')
    .option('--org <id>', 'an org whose data is synced into the store (instead of --data)')
    .requiredOption('--as-of <date>', 'the time split, YYYY-MM-DD: learn on outcomes up to it, evaluate after it')
    .option('--model <file>', 'model JSON file (default: the org’s active model, or the built-in default with --data)')
    .option('--horizon-days <n>', 'days in which a new opportunity counts as the outcome', '90')
    .option('--format <format>', 'text or json', 'text')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (o: SuggestCommandOptions) => {
      // stdout carries the suggestion; info logs stay out of it unless LOG_LEVEL asks for them.
      if (!process.env.LOG_LEVEL) log.level = 'warn';
      await runModelSuggest(o, process.stdout);
    });
  model
    .command('shadow')
    .description('score a candidate model every day next to the live one, never written (--off removes it)')
    .argument('[file]', 'candidate model JSON file (its own version)')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--off', 'remove the shadow')
    .action(async (file: string | undefined, o: ShadowCommandOptions) => {
      await runModelShadow(file, o, process.stdout);
    });
  model
    .command('compare')
    .description('live vs shadow: accounts per band, band changes, top movers, both backtests')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--as-of <date>', 'the day to compare, YYYY-MM-DD (default: the latest both versions scored)')
    .option('--horizon-days <n>', 'backtest horizon; the backtests are as of the day minus it', '90')
    .option('--format <format>', 'text or json', 'text')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (o: CompareCommandOptions) => {
      if (!process.env.LOG_LEVEL) log.level = 'warn';
      await runModelCompare(o, process.stdout);
    });
}
