import { Connection } from 'jsforce';
import { Transport } from 'jsforce/lib/transport';
import type { HttpRequest, HttpRequestOptions } from 'jsforce/lib/types';
import { createPrivateKey, sign } from 'node:crypto';
import type { SalesforceAuth } from '../../config';
import { PulseError } from '../../errors';
import {
  CALL_TIMEOUT_MS,
  NETWORK_RETRY,
  realSleep,
  timedFetch,
  withRetry,
  type RetryOptions,
  type Verdict,
} from '../retry';

/** The API version every call uses (jsforce defaults to 50.0). */
export const API_VERSION = '62.0';

/** What the token endpoint gives back that Pulse uses. */
export interface Token {
  accessToken: string;
  instanceUrl: string;
}

/** What to do when a session handed over by the `sf` CLI (kind access_token) no longer works. */
export const ACCESS_TOKEN_FIX =
  'log in to the org again (sf org login web stores a refresh token, which Pulse renews by itself) and run sf pulse connect';

/** Signs the JWT bearer assertion (RS256, 3 minutes) for the integration user; node:crypto, since jose is ESM-only. */
export function jwtAssertion(auth: Extract<SalesforceAuth, { kind: 'jwt' }>, now = Date.now()): string {
  const aud = /test\.salesforce\.com|sandbox/i.test(auth.loginUrl) ? 'https://test.salesforce.com' : auth.loginUrl;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
    iss: auth.clientId,
    sub: auth.username,
    aud,
    exp: Math.floor(now / 1000) + 180,
  })}`;
  let key;
  try {
    key = createPrivateKey(auth.privateKey);
  } catch (cause) {
    throw new PulseError(
      'SF_AUTH',
      'SF_PRIVATE_KEY is not a PEM private key: set the key of the connected app certificate',
      {},
      { cause },
    );
  }
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}

/** The token retries' side effects (default: real timers, Math.random). */
export type TokenRetry = Partial<Pick<RetryOptions, 'sleep' | 'random'>>;

/** Asks the org's token endpoint for an access token with whichever grant is configured. */
export async function fetchToken(
  auth: SalesforceAuth,
  fetchFn: typeof fetch = timedFetch(fetch),
  retry: TokenRetry = {},
): Promise<Token> {
  // A handed-over session is the token itself: there is no grant to ask with.
  if (auth.kind === 'access_token') return { accessToken: auth.accessToken, instanceUrl: auth.loginUrl };
  const form = new URLSearchParams();
  if (auth.kind === 'client_credentials') {
    form.set('grant_type', 'client_credentials');
    form.set('client_id', auth.clientId);
    form.set('client_secret', auth.clientSecret);
  } else if (auth.kind === 'jwt') {
    form.set('grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    form.set('assertion', jwtAssertion(auth));
  } else {
    form.set('grant_type', 'refresh_token');
    form.set('client_id', auth.clientId);
    if (auth.clientSecret) form.set('client_secret', auth.clientSecret);
    form.set('refresh_token', auth.refreshToken);
  }
  // A kept-alive socket the server has just closed fails the POST before it is sent: try again on a
  // fresh one. A login URL that is really unreachable fails every try and names SF_LOGIN_URL.
  const res = await withRetry(
    async (): Promise<Verdict<Response>> => {
      try {
        return {
          done: await fetchFn(`${auth.loginUrl}/services/oauth2/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
          }),
        };
      } catch (cause) {
        return {
          backoff: new PulseError('SF_AUTH', `cannot reach ${auth.loginUrl}: check SF_LOGIN_URL`, {}, { cause }),
        };
      }
    },
    {
      // A token request is safe to repeat; an HTTP answer (a refusal) is final.
      policy: NETWORK_RETRY,
      sleep: retry.sleep ?? realSleep,
      random: retry.random,
    },
  );
  const body = (await res.json().catch(() => ({}))) as Record<string, string | undefined>;
  if (!res.ok || !body.access_token || !body.instance_url) {
    throw new PulseError(
      'SF_AUTH',
      `Salesforce refused the ${auth.kind} sign-in (${body.error ?? res.status}: ${body.error_description ?? 'no detail'}); ` +
        authFix(auth),
      { grant: auth.kind },
    );
  }
  return { accessToken: body.access_token, instanceUrl: body.instance_url };
}

function authFix(auth: SalesforceAuth): string {
  switch (auth.kind) {
    case 'client_credentials':
      return 'check SF_CLIENT_ID/SF_CLIENT_SECRET and that the connected app enables the client credentials flow with a run-as user';
    case 'jwt':
      return 'check SF_CLIENT_ID, SF_USERNAME, that SF_PRIVATE_KEY matches the certificate on the connected app, and that the user is pre-authorized';
    case 'access_token':
      return ACCESS_TOKEN_FIX;
    default:
      return 'the stored refresh token was revoked or expired: reconnect the org';
  }
}

/**
 * A jsforce connection on API 62.0 that signs in again by itself when the session expires
 * (jsforce retries the failed call once with the new token).
 */
export async function connectSalesforce(
  auth: SalesforceAuth,
  fetchFn: typeof fetch = timedFetch(fetch),
  callTimeoutMs = CALL_TIMEOUT_MS,
): Promise<Connection> {
  const token = await fetchToken(auth, fetchFn);
  return withCallTimeout(
    new Connection({
      instanceUrl: token.instanceUrl,
      accessToken: token.accessToken,
      version: API_VERSION,
      refreshFn: (_conn, callback) => {
        if (auth.kind === 'access_token') {
          // Asking again would hand back the same expired session: say how to get a new one.
          callback(
            new PulseError('SF_AUTH', `the stored Salesforce session expired or was revoked: ${ACCESS_TOKEN_FIX}`),
          );
          return;
        }
        fetchToken(auth, fetchFn).then(
          (t) => callback(null, t.accessToken),
          (e: Error) => callback(e),
        );
      },
    }),
    callTimeoutMs,
  );
}

/**
 * jsforce's transport with a deadline on every call: jsforce waits 30 minutes for an answer by
 * default, and its Connection takes no timeout of its own, so a Salesforce that stops answering
 * would hold the daily run (and its lock) for that long.
 */
class TimedTransport extends Transport {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  override httpRequest(req: HttpRequest, options: HttpRequestOptions = {}) {
    return super.httpRequest(req, { timeout: this.timeoutMs, ...options });
  }
}

/** `conn` with each of its calls (REST, sObject collections, Bulk API 2.0) given up after `timeoutMs`. */
export function withCallTimeout(conn: Connection, timeoutMs = CALL_TIMEOUT_MS): Connection {
  // Every request jsforce makes (its HttpApi, Bulk API 2.0) goes through the connection's transport.
  (conn as unknown as { _transport: Transport })._transport = new TimedTransport(timeoutMs);
  return conn;
}
