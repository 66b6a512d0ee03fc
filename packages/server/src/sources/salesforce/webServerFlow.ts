/**
 * "Sign in with Salesforce" for the admin console: the OAuth 2.0 web-server flow with PKCE (S256)
 * and `state` (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm),
 * then who signed in (UserInfo) and whether they may administer the org (UserPermissionAccess).
 */
import { createHash, randomBytes } from 'node:crypto';
import { PulseError } from '../../errors';
import { timedFetch } from '../retry';
import { API_VERSION } from './connection';

/** A PKCE pair: the verifier stays with Pulse, the S256 challenge goes to the authorize page. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A new PKCE pair: 32 random bytes base64url (43 characters, within RFC 7636's 43–128). */
export function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Where to send the browser: `<loginUrl>/services/oauth2/authorize` with the code request. */
export function authorizeUrl(a: {
  loginUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
  /** A username the login page fills in (Salesforce's `login_hint`). */
  loginHint?: string;
}): string {
  const url = new URL(`${a.loginUrl}/services/oauth2/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', a.clientId);
  url.searchParams.set('redirect_uri', a.redirectUri);
  url.searchParams.set('state', a.state);
  url.searchParams.set('code_challenge', a.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('scope', 'api refresh_token');
  if (a.loginHint) url.searchParams.set('login_hint', a.loginHint);
  return url.toString();
}

/** What the token endpoint answers an authorization code with. */
export interface CodeGrant {
  accessToken: string;
  refreshToken: string | null;
  instanceUrl: string;
}

/** Who signed in, and whether Salesforce lets them customize the org. */
export interface SalesforceUser {
  userId: string;
  orgId: string;
  username: string;
  name: string;
  /** Holds "Customize Application" or "Modify All Data". */
  canAdminister: boolean;
}

async function jsonOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the status line says enough.
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; error_description?: string };
    const detail = Array.isArray(body) ? JSON.stringify(body).slice(0, 200) : (b.error_description ?? b.error ?? '');
    throw new PulseError('SF_AUTH', `${what} answered ${res.status}${detail ? `: ${String(detail)}` : ''}`, {
      status: res.status,
      sfError: b.error,
    });
  }
  return (body ?? {}) as Record<string, unknown>;
}

/** Trades an authorization code (and the PKCE verifier) for tokens. */
export async function exchangeCode(
  a: {
    loginUrl: string;
    clientId: string;
    clientSecret: string | null;
    redirectUri: string;
    code: string;
    verifier: string;
  },
  fetchFn: typeof fetch = timedFetch(fetch),
): Promise<CodeGrant> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: a.code,
    client_id: a.clientId,
    redirect_uri: a.redirectUri,
    code_verifier: a.verifier,
  });
  if (a.clientSecret) form.set('client_secret', a.clientSecret);
  const res = await fetchFn(`${a.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form,
  });
  const body = await jsonOf(res, 'the Salesforce token endpoint');
  if (typeof body.access_token !== 'string' || typeof body.instance_url !== 'string') {
    throw new PulseError('SF_AUTH', 'the Salesforce token endpoint answered without access_token and instance_url');
  }
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
    instanceUrl: body.instance_url.replace(/\/+$/, ''),
  };
}

/** Reads who signed in (UserInfo) and their system permissions (UserPermissionAccess: the querying user's own). */
export async function fetchSalesforceUser(
  grant: CodeGrant,
  fetchFn: typeof fetch = timedFetch(fetch),
): Promise<SalesforceUser> {
  const headers = { Authorization: `Bearer ${grant.accessToken}`, Accept: 'application/json' };
  const info = await jsonOf(
    await fetchFn(`${grant.instanceUrl}/services/oauth2/userinfo`, { headers }),
    'Salesforce UserInfo',
  );
  const soql = 'SELECT PermissionsCustomizeApplication, PermissionsModifyAllData FROM UserPermissionAccess';
  const perms = await jsonOf(
    await fetchFn(`${grant.instanceUrl}/services/data/v${API_VERSION}/query?q=${encodeURIComponent(soql)}`, {
      headers,
    }),
    'the UserPermissionAccess query',
  );
  const row = ((perms.records as Array<Record<string, unknown>> | undefined) ?? [])[0] ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    userId: str(info.user_id),
    orgId: str(info.organization_id),
    username: str(info.preferred_username),
    name: str(info.name) || str(info.preferred_username),
    canAdminister: row.PermissionsCustomizeApplication === true || row.PermissionsModifyAllData === true,
  };
}
