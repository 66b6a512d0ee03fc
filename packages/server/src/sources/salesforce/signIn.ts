import type { Config, SalesforceAuth } from '../../config';
import { PulseError } from '../../errors';
import { loadConnection } from '../../store/connections';
import type { Db } from '../../store/db';

type SignInConfig = Pick<Config, 'salesforce' | 'secretKeys'> & Partial<Pick<Config, 'salesforceOrg'>>;

/**
 * The org's Salesforce sign-in: the configured SF_* one for the org they belong to (PULSE_ORG,
 * default `default`), else the connection stored for the org (the admin console's); null when there
 * is neither. The SF_* credentials never sign in another org: `--org b` must not pull and write the
 * org of `default`. A stored one without PULSE_SECRET_KEY to read it is SECRET_KEY_MISSING, not "none".
 */
export async function findSignIn(db: Db, orgId: string, config: SignInConfig): Promise<SalesforceAuth | null> {
  if (config.salesforce && orgId === envOrg(config)) return config.salesforce;
  return loadConnection(db, orgId, config.secretKeys);
}

function envOrg(config: SignInConfig): string {
  return config.salesforceOrg ?? 'default';
}

/** The org's Salesforce sign-in; none is SF_NOT_CONFIGURED naming the org and what to set. */
export async function signInFor(db: Db, orgId: string, config: SignInConfig): Promise<SalesforceAuth> {
  const auth = await findSignIn(db, orgId, config);
  if (auth) return auth;
  if (config.salesforce) {
    const owner = envOrg(config);
    throw new PulseError(
      'SF_NOT_CONFIGURED',
      `no Salesforce connection for org ${orgId}: the SF_* credentials belong to org ${owner} (PULSE_ORG) — connect org ${orgId} in the admin console to store its own connection, or run it alone with PULSE_ORG=${orgId}`,
      { org: orgId, envOrg: owner },
    );
  }
  throw new PulseError(
    'SF_NOT_CONFIGURED',
    `no Salesforce connection for org ${orgId}: set SF_LOGIN_URL and SF_CLIENT_ID with SF_CLIENT_SECRET (client credentials) or SF_USERNAME and SF_PRIVATE_KEY(_FILE) (JWT bearer)`,
    { org: orgId },
  );
}
