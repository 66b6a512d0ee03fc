import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from './errors';

const EnvSchema = z.object({
  SF_LOGIN_URL: z.string().url().default('https://login.salesforce.com'),
  SF_CLIENT_ID: z.string().min(1).optional(),
  SF_CLIENT_SECRET: z.string().min(1).optional(),
  SF_USERNAME: z.string().min(1).optional(),
  SF_PRIVATE_KEY: z.string().min(1).optional(),
  SF_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  SF_REFRESH_TOKEN: z.string().min(1).optional(),
  PULSE_SECRET_KEY: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  PULSE_DATA_DIR: z.string().min(1).default('.pulse'),
});

/** How Pulse signs in to Salesforce, decided by which variables are set. */
export type SalesforceAuth =
  | { kind: 'client_credentials'; loginUrl: string; clientId: string; clientSecret: string }
  | { kind: 'jwt'; loginUrl: string; clientId: string; username: string; privateKey: string }
  | { kind: 'refresh_token'; loginUrl: string; clientId: string; clientSecret?: string; refreshToken: string };

/** The process configuration, read once from the environment. */
export interface Config {
  salesforce: SalesforceAuth | null;
  secretKey: string | null;
  databaseUrl: string | null;
  dataDir: string;
}

/**
 * Reads and validates the environment. JWT bearer wins when a username and a key are set,
 * then a stored refresh token, then client credentials; no client id means no Salesforce.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(
      'environment',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const e = parsed.data;
  return {
    salesforce: salesforceAuth(e),
    secretKey: e.PULSE_SECRET_KEY ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.PULSE_DATA_DIR,
  };
}

function salesforceAuth(e: z.infer<typeof EnvSchema>): SalesforceAuth | null {
  const loginUrl = e.SF_LOGIN_URL.replace(/\/+$/, '');
  if (!e.SF_CLIENT_ID) return null;
  const privateKey = e.SF_PRIVATE_KEY ?? (e.SF_PRIVATE_KEY_FILE ? readKeyFile(e.SF_PRIVATE_KEY_FILE) : undefined);
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

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ValidationError('environment', [
      { path: 'SF_PRIVATE_KEY_FILE', message: `cannot read ${path}: ${(cause as Error).message}` },
    ]);
  }
}
