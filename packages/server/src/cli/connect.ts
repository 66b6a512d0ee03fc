import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readConfig, type Config } from '../config';
import { PulseError, ValidationError, type Issue } from '../errors';
import { MAP_CONNECTORS } from '../sources/map/registry';
import { parseMapSource } from '../sources/map/sync';
import type { MapConnectorFactory, MapSourceName } from '../sources/map/types';
import type { Db } from '../store/db';
import { deleteMapConnection, loadMapConnection, saveMapConnection } from '../store/mapConnections';
import { openStore } from '../store/open';
import type { Output } from './model';

/** Options of `pulse connect`. */
export interface ConnectOptions {
  org: string;
  source: MapSourceName;
  /** `key=value` pairs; keys are the factory's settings and secrets. */
  set: string[];
  /** A file of `key=value` lines (`-`: standard input), so secrets stay out of the shell's history. */
  secretsFrom?: string;
  remove?: boolean;
}

/** Injected edges. */
export interface ConnectDeps {
  out: Output;
  db?: Db;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
  connectors?: Readonly<Record<MapSourceName, MapConnectorFactory>>;
  /** Where `--secrets-from -` reads (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** The `key=value` lines of a secrets file or of standard input; blank lines and `#` comments are skipped. */
export async function readPairs(from: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string[]> {
  let text: string;
  if (from === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(from, 'utf8');
    } catch (cause) {
      throw new ValidationError('connection', [
        { path: '--secrets-from', message: `cannot read ${from}: ${(cause as Error).message}` },
      ]);
    }
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Splits `key=value` pairs into the factory's settings and secrets; unknown keys are errors naming the known ones. */
export function parsePairs(
  factory: MapConnectorFactory,
  pairs: readonly string[],
): { settings: Record<string, string>; secrets: Record<string, string> } {
  const settings: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const issues: Issue[] = [];
  const known = [...Object.keys(factory.keys.settings), ...Object.keys(factory.keys.secrets)];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : pair;
    const value = eq > 0 ? pair.slice(eq + 1) : '';
    if (eq <= 0) issues.push({ path: key, message: 'expected key=value' });
    else if (key in factory.keys.settings) settings[key] = value;
    else if (key in factory.keys.secrets) secrets[key] = value;
    else issues.push({ path: key, message: `unknown ${factory.source} key: use one of ${known.join(', ')}` });
  }
  if (issues.length > 0) throw new ValidationError(`${factory.source} connection`, issues);
  return { settings, secrets };
}

/** Stores, shows or removes an org's connection to a MAP; secrets are encrypted with PULSE_SECRET_KEY. */
export async function runConnect(opts: ConnectOptions, deps: ConnectDeps): Promise<void> {
  const config = deps.config ?? readConfig();
  const factory = (deps.connectors ?? MAP_CONNECTORS)[opts.source];
  if (!config.secretKeys) {
    throw new PulseError(
      'SECRET_KEY_MISSING',
      'set PULSE_SECRET_KEY (any long random text) so connection secrets can be stored encrypted',
      { org: opts.org, source: opts.source },
    );
  }
  const db = deps.db ?? (await openStore(config));
  try {
    if (opts.remove) {
      const gone = await deleteMapConnection(db, opts.org, opts.source);
      deps.out.write(`${gone ? 'removed' : 'no'} ${opts.source} connection for org ${opts.org}\n`);
      return;
    }
    const pairs = [...opts.set, ...(opts.secretsFrom ? await readPairs(opts.secretsFrom, deps.stdin) : [])];
    if (pairs.length === 0) {
      const stored = await loadMapConnection(db, opts.org, opts.source, config.secretKeys);
      if (!stored) {
        deps.out.write(`no ${opts.source} connection for org ${opts.org}\n`);
        return;
      }
      const lines = [`${opts.source} connection for org ${opts.org}:`];
      for (const [k, v] of Object.entries(stored.settings)) lines.push(`  ${k} = ${v}`);
      for (const k of Object.keys(stored.secrets)) lines.push(`  ${k} = (stored encrypted)`);
      deps.out.write(`${lines.join('\n')}\n`);
      return;
    }
    const checked = factory.validate(parsePairs(factory, pairs));
    const onCommandLine = opts.set.map((pair) => pair.split('=')[0]!).filter((key) => key in factory.keys.secrets);
    await saveMapConnection(db, opts.org, { source: opts.source, ...checked }, config.secretKeys.current);
    deps.out.write(
      `connected ${opts.source} for org ${opts.org} (settings: ${Object.keys(checked.settings).join(', ') || 'none'}; ` +
        `secrets stored encrypted: ${Object.keys(checked.secrets).join(', ') || 'none'})\n`,
    );
    if (onCommandLine.length > 0) {
      deps.out.write(
        `warning: ${onCommandLine.join(', ')} came on the command line, which your shell keeps in its history: next time use --secrets-from FILE, or - for standard input\n`,
      );
    }
  } finally {
    if (!deps.db) await db.close();
  }
}

/** Registers `pulse connect <source> [--org ID] [--set key=value ...] [--remove]`. */
export function registerConnect(program: Command): void {
  const keyHelp = Object.values(MAP_CONNECTORS)
    .map((f) => `${f.source}: ${[...Object.keys(f.keys.settings), ...Object.keys(f.keys.secrets)].join(', ')}`)
    .join('; ');
  program
    .command('connect <source>')
    .description(`store an org's connection to a marketing-automation source (marketo, hubspot, pardot)`)
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--set <key=value...>', `connection keys (${keyHelp})`, [])
    .option(
      '--secrets-from <file>',
      'read key=value lines from a file, or - for standard input (keeps secrets out of shell history)',
    )
    .option('--remove', 'forget the stored connection')
    .action(async (source: string, o: { org: string; set: string[]; secretsFrom?: string; remove?: boolean }) => {
      await runConnect(
        { org: o.org, source: parseMapSource(source), set: o.set, secretsFrom: o.secretsFrom, remove: o.remove },
        { out: process.stdout },
      );
    });
}
