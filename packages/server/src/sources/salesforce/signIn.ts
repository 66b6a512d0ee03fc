import type { Config, SalesforceAuth } from '../../config';
import { PulseError } from '../../errors';
import { loadConnection } from '../../store/connections';
import type { Db } from '../../store/db';

/**
 * The org's Salesforce sign-in: the configured SF_* one wins, else the connection stored for the org
 * (the admin console's); null when there is neither. A stored one without PULSE_SECRET_KEY to read it
 * is SECRET_KEY_MISSING, not "none".
 */
export async function findSignIn(
  db: Db,
  orgId: string,
  config: Pick<Config, 'salesforce' | 'secretKeys'>,
): Promise<SalesforceAuth | null> {
  return config.salesforce ?? loadConnection(db, orgId, config.secretKeys);
}

/** The org's Salesforce sign-in; none is SF_NOT_CONFIGURED saying what to set. */
export async function signInFor(
  db: Db,
  orgId: string,
  config: Pick<Config, 'salesforce' | 'secretKeys'>,
): Promise<SalesforceAuth> {
  const auth = await findSignIn(db, orgId, config);
  if (auth) return auth;
  throw new PulseError(
    'SF_NOT_CONFIGURED',
    `no Salesforce connection for org ${orgId}: set SF_LOGIN_URL and SF_CLIENT_ID with SF_CLIENT_SECRET (client credentials) or SF_USERNAME and SF_PRIVATE_KEY(_FILE) (JWT bearer)`,
    { org: orgId },
  );
}
