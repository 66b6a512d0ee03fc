import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readConfig, type Config } from '../config';
import { ValidationError } from '../errors';
import { createApp } from '../http/app';
import type { IngestConfig } from '../http/ingestRoutes';
import { startServer } from '../http/server';
import { log } from '../log';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import type { Output } from './model';

/** Options of `pulse serve`. */
export interface ServeOptions {
  /** Default: the PORT variable, else 3000. */
  port?: string;
  host?: string;
  /** Ingestion requests per second per key (bursts of twice that); 0 turns the limit off. */
  rateLimit?: string;
  /** Largest ingestion body in bytes. */
  maxBodyBytes?: string;
}

/** Injected edges: tests pass a database and an environment. */
export interface ServeDeps {
  out: Output;
  db?: Db;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
}

/** A started web process and how to stop it (server first, then the store it opened). */
export interface Serving {
  url: string;
  close(): Promise<void>;
}

const DEFAULT_PORT = 3000;

/** The port of `--port`, else of PORT (the configuration checked it), else 3000. */
export function resolvePort(flag: string | undefined, config: Pick<Config, 'port'>): number {
  if (flag === undefined) return config.port ?? DEFAULT_PORT;
  const port = Number(flag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError('server options', [
      { path: '--port', message: `"${flag}" is not a port number (0–65535)` },
    ]);
  }
  return port;
}

function positive(raw: string | undefined, flag: string, allowZero: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new ValidationError('server options', [
      { path: flag, message: `"${raw}" is not a ${allowZero ? 'number ≥ 0' : 'positive number'}` },
    ]);
  }
  return n;
}

/** The ingestion limits the flags ask for (defaults where absent). */
export function ingestLimits(opts: ServeOptions): IngestConfig {
  const rate = positive(opts.rateLimit, '--rate-limit', true);
  const maxBody = positive(opts.maxBodyBytes, '--max-body-bytes', false);
  return {
    ...(rate === undefined
      ? {}
      : { rateLimit: rate === 0 ? false : { perSecond: rate, burst: Math.max(1, 2 * rate) } }),
    ...(maxBody === undefined ? {} : { maxBodyBytes: Math.floor(maxBody) }),
  };
}

/**
 * The secret that signs console session cookies: PULSE_SESSION_SECRET, else one generated once and
 * kept in the data dir (`session-secret`, owner-only), so sessions outlive a restart. Several web
 * processes must share it: set PULSE_SESSION_SECRET on Heroku.
 */
export function sessionSecret(config: Pick<Config, 'console' | 'dataDir'>): string {
  if (config.console.sessionSecret) return config.console.sessionSecret;
  const file = join(config.dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Migrates the store, builds the app and listens; prints the URL on stdout. */
export async function startServe(opts: ServeOptions, deps: ServeDeps): Promise<Serving> {
  const config = deps.config ?? readConfig();
  const port = resolvePort(opts.port, config);
  const ingest = ingestLimits(opts);
  const db = deps.db ?? (await openStore(config));
  try {
    const server = await startServer(
      createApp({
        db,
        ingest,
        access: config.access,
        console: { config, sessionSecret: sessionSecret(config) },
      }),
      port,
      opts.host,
    );
    log.info({ url: server.url }, 'pulse web listening');
    deps.out.write(`Pulse is listening on ${server.url}\n`);
    return {
      url: server.url,
      close: async () => {
        await server.close();
        if (!deps.db) await db.close();
      },
    };
  } catch (e) {
    if (!deps.db) await db.close();
    throw e;
  }
}

/** Resolves at the first SIGTERM or SIGINT (Heroku sends SIGTERM, then SIGKILL 30 s later). */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Registers `pulse serve`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the web process: ingestion API, health, readiness, status and metrics (migrates first)')
    .option('--port <port>', 'port to listen on (default: PORT, else 3000)')
    .option('--host <host>', 'interface to listen on (default: all)')
    .option(
      '--rate-limit <perSecond>',
      'ingestion requests per second per key, bursts of twice that; 0 = off (default 20)',
    )
    .option('--max-body-bytes <bytes>', 'largest ingestion request body (default 1048576)')
    .action(async (opts: ServeOptions) => {
      const serving = await startServe(opts, { out: process.stdout });
      const sig = await stopSignal();
      log.info({ signal: sig }, 'stopping: finishing in-flight requests');
      await serving.close();
      log.info('stopped');
    });
}
