import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from './errors';
import { readSchedule, type RunSchedule } from './run/schedule';

const EnvSchema = z.object({
  SF_LOGIN_URL: z.string().url().default('https://login.salesforce.com'),
  SF_CLIENT_ID: z.string().min(1).optional(),
  SF_CLIENT_SECRET: z.string().min(1).optional(),
  SF_USERNAME: z.string().min(1).optional(),
  SF_PRIVATE_KEY: z.string().min(1).optional(),
  SF_REFRESH_TOKEN: z.string().min(1).optional(),
  PULSE_ORG: z.string().min(1).default('default'),
  PULSE_SECRET_KEY: z.string().min(1).optional(),
  PULSE_SECRET_KEY_OLD: z.string().min(1).optional(),
  PULSE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters (any long random text)').optional(),
  PULSE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (any long random text)').optional(),
  DATABASE_URL: z.string().min(1).optional(),
  PULSE_DATA_DIR: z.string().min(1).default('.pulse'),
  PULSE_MODEL_FILE: z.string().min(1).optional(),
  SF_SANDBOX_LOGIN_URL: z.string().url().default('https://test.salesforce.com'),
  PULSE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (any long random text)').optional(),
  PULSE_CONSOLE_ADMINS: z.string().optional(),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number (0–65535)')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a port number (0–65535)')
    .optional(),
});

/** The prefixes of the MAP vendors' variables; each vendor's `fromEnv` reads its own from `Config.maps`. */
const MAP_PREFIXES = ['MARKETO_', 'HUBSPOT_', 'PARDOT_'];

/** The MAP variables as set at start-up, secret files read. */
export type MapVariables = Readonly<Record<string, string | undefined>>;

/**
 * Variables that hold secrets. Each may instead name a file with `X_FILE` (a mounted secret, a
 * Docker or Kubernetes secret file), so the value never sits in the process environment listing.
 */
export const SECRET_VARIABLES = [
  'SF_CLIENT_SECRET',
  'SF_PRIVATE_KEY',
  'SF_REFRESH_TOKEN',
  'PULSE_SECRET_KEY',
  'PULSE_SECRET_KEY_OLD',
  'PULSE_ADMIN_TOKEN',
  'PULSE_METRICS_TOKEN',
  'PULSE_SESSION_SECRET',
  'DATABASE_URL',
  'MARKETO_CLIENT_SECRET',
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_CLIENT_SECRET',
  'HUBSPOT_REFRESH_TOKEN',
] as const;

/**
 * The environment with every `X_FILE` of a secret variable read into `X` (when `X` itself is not
 * set; a trailing newline is dropped). A file that cannot be read stops start-up naming the variable.
 */
export function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const fromFiles: Record<string, string> = {};
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (file && !env[name]) fromFiles[name] = readSecretFile(`${name}_FILE`, file).replace(/\r?\n$/, '');
  }
  // The environment itself when no file is named: readers see (and tests can probe) the real one.
  return Object.keys(fromFiles).length > 0 ? { ...env, ...fromFiles } : env;
}

/**
 * The keys stored connection secrets are sealed with: secrets are sealed with `current` and opened
 * with it, else with `previous` (PULSE_SECRET_KEY_OLD, while `pulse secrets rotate` re-seals them).
 */
export interface SecretKeys {
  current: string;
  previous: string | null;
}

/** How Pulse signs in to Salesforce, decided by which variables are set. */
export type SalesforceAuth =
  | { kind: 'client_credentials'; loginUrl: string; clientId: string; clientSecret: string }
  | { kind: 'jwt'; loginUrl: string; clientId: string; username: string; privateKey: string }
  | { kind: 'refresh_token'; loginUrl: string; clientId: string; clientSecret?: string; refreshToken: string };

/**
 * The process configuration, read once from the environment at start-up: nothing below the CLI
 * reads `process.env` (the logger's LOG_LEVEL aside, which is set before any module logs).
 */
export interface Config {
  /** The SF_* sign-in: it belongs to one Pulse org, `salesforceOrg`; every other org uses its stored connection. */
  salesforce: SalesforceAuth | null;
  /** PULSE_ORG (default `default`): the Pulse org the SF_* credentials sign in to. */
  salesforceOrg: string;
  /** PULSE_SECRET_KEY (and PULSE_SECRET_KEY_OLD): null when no key is set. */
  secretKeys: SecretKeys | null;
  databaseUrl: string | null;
  dataDir: string;
  /** PORT: where `pulse serve` listens when `--port` is not given (null: its default). */
  port: number | null;
  /** PULSE_RUN_AT in PULSE_TIMEZONE: when `pulse worker` runs the daily cycle. */
  schedule: RunSchedule;
  /** PULSE_MODEL_FILE: the model document each daily run publishes when it changed (read at each run). */
  modelFile: string | null;
  /** MARKETO_*, HUBSPOT_* and PARDOT_* (each vendor's `fromEnv` reads its own). */
  maps: MapVariables;
  /** PULSE_ADMIN_TOKEN and PULSE_METRICS_TOKEN: who may read `/v1/status` and `/metrics`. */
  access: { adminToken: string | null; metricsToken: string | null };
  /** The admin console's sign-in (docs/console-api.md). */
  console: ConsoleConfig;
}

/** How the admin console signs people in. */
export interface ConsoleConfig {
  /** PULSE_SESSION_SECRET: signs the session cookie; null: `pulse serve` keeps a generated one in the data dir. */
  sessionSecret: string | null;
  /** SF_CLIENT_ID and SF_CLIENT_SECRET: the connected app "Sign in with Salesforce" uses (PKCE; the secret when the app requires it). */
  clientId: string | null;
  clientSecret: string | null;
  /** SF_LOGIN_URL and SF_SANDBOX_LOGIN_URL (default login.salesforce.com and test.salesforce.com). */
  loginUrls: { production: string; sandbox: string };
  /** PULSE_CONSOLE_ADMINS: Salesforce usernames (comma-separated) who are admins whatever their permissions. */
  admins: string[];
}

/**
 * Reads and validates the environment. JWT bearer wins when a username and a key are set,
 * then a stored refresh token, then client credentials; no client id means no Salesforce.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const withSecrets = withSecretFiles(env);
  const parsed = EnvSchema.safeParse(withSecrets);
  if (!parsed.success) {
    throw new ValidationError(
      'environment',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const e = parsed.data;
  return {
    salesforce: salesforceAuth(e),
    salesforceOrg: e.PULSE_ORG,
    secretKeys: secretKeys(e),
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.PULSE_DATA_DIR,
    port: e.PORT ?? null,
    schedule: readSchedule(withSecrets),
    modelFile: e.PULSE_MODEL_FILE ?? null,
    access: { adminToken: e.PULSE_ADMIN_TOKEN ?? null, metricsToken: e.PULSE_METRICS_TOKEN ?? null },
    console: {
      sessionSecret: e.PULSE_SESSION_SECRET ?? null,
      clientId: e.SF_CLIENT_ID ?? null,
      clientSecret: e.SF_CLIENT_SECRET ?? null,
      loginUrls: {
        production: e.SF_LOGIN_URL.replace(/\/+$/, ''),
        sandbox: e.SF_SANDBOX_LOGIN_URL.replace(/\/+$/, ''),
      },
      admins: (e.PULSE_CONSOLE_ADMINS ?? '')
        .split(',')
        .map((u) => u.trim().toLowerCase())
        .filter((u) => u !== ''),
    },
    maps: Object.fromEntries(
      Object.entries(withSecrets).filter(([name]) => MAP_PREFIXES.some((prefix) => name.startsWith(prefix))),
    ),
  };
}

function secretKeys(e: z.infer<typeof EnvSchema>): SecretKeys | null {
  if (!e.PULSE_SECRET_KEY && e.PULSE_SECRET_KEY_OLD) {
    throw new ValidationError('environment', [
      {
        path: 'PULSE_SECRET_KEY',
        message:
          'PULSE_SECRET_KEY_OLD is set but PULSE_SECRET_KEY is not: set the new key too (see pulse secrets rotate)',
      },
    ]);
  }
  return e.PULSE_SECRET_KEY ? { current: e.PULSE_SECRET_KEY, previous: e.PULSE_SECRET_KEY_OLD ?? null } : null;
}

function salesforceAuth(e: z.infer<typeof EnvSchema>): SalesforceAuth | null {
  const loginUrl = e.SF_LOGIN_URL.replace(/\/+$/, '');
  if (!e.SF_CLIENT_ID) return null;
  const privateKey = e.SF_PRIVATE_KEY;
  if (e.SF_USERNAME && privateKey) {
    return { kind: 'jwt', loginUrl, clientId: e.SF_CLIENT_ID, username: e.SF_USERNAME, privateKey };
  }
  if (e.SF_REFRESH_TOKEN) {
    return {
      kind: 'refresh_token',
      loginUrl,
      clientId: e.SF_CLIENT_ID,
      clientSecret: e.SF_CLIENT_SECRET,
      refreshToken: e.SF_REFRESH_TOKEN,
    };
  }
  if (e.SF_CLIENT_SECRET) {
    return { kind: 'client_credentials', loginUrl, clientId: e.SF_CLIENT_ID, clientSecret: e.SF_CLIENT_SECRET };
  }
  throw new ValidationError('environment', [
    {
      path: 'SF_CLIENT_SECRET',
      message: 'SF_CLIENT_ID is set but neither SF_CLIENT_SECRET nor SF_USERNAME with SF_PRIVATE_KEY(_FILE) is',
    },
  ]);
}

function readSecretFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ValidationError('environment', [
      { path: variable, message: `cannot read ${path}: ${(cause as Error).message}` },
    ]);
  }
}
