/**
 * OAuth 2.0 endpoints: /services/oauth2/token (client_credentials, JWT bearer, refresh_token,
 * authorization_code, password), /authorize and /revoke, and the identity URL.
 * Error bodies per https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 */
import {
  createHash,
  createHmac,
  createPublicKey,
  createVerify,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Clock } from '../kit/clock';
import type { TokenBook } from '../kit/tokens';
import type { Auth, EmulatorContext, Session } from './context';
import { sendJson } from './context';

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  userId: string;
  orgId: string;
  tokenTtlSeconds: number;
  /** The connected app's certificate (X.509 PEM) or public key (SPKI PEM) for JWT bearer. */
  jwtCertificate?: string;
  /**
   * The connected app's callback URLs: the authorize endpoint refuses any other redirect_uri
   * (redirect_uri_mismatch), as Salesforce does. Unset: any (tests that do not care).
   */
  callbackUrls?: readonly string[];
  /** Extra accepted JWT `aud` values besides the emulator's login URL and login/test.salesforce.com. */
  jwtAudiences?: string[];
  /**
   * Other users who may sign in on the authorize page, chosen by `login_hint` (their username), as
   * Salesforce's login page lets a user choose who signs in. Without a hint: the integration user.
   */
  otherUsers?: readonly OAuthUser[];
}

/** A user an access token is issued for. */
export interface OAuthUser {
  userId: string;
  username: string;
  /** Display name (UserInfo `name`). */
  name: string;
}

/** What the token book keeps for an access token (its expiresAt is the book's). */
export type SessionData = Omit<Session, 'expiresAt'>;

/** Issued access/refresh tokens and authorization codes. */
export class Sessions implements Auth {
  private readonly refreshTokens = new Map<string, { user: OAuthUser; clientId: string }>();
  private readonly codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge?: string; expiresAt: number; scope: string; user: OAuthUser }
  >();

  constructor(
    readonly opts: OAuthOptions,
    private readonly clock: Clock,
    /** Access tokens; their lifetime is `opts.tokenTtlSeconds` and the faults' expireSessions() bumps their epoch. */
    private readonly tokens: TokenBook<SessionData>,
  ) {}

  /** The integration user: whom every grant but a hinted authorization code is for. */
  get integrationUser(): OAuthUser {
    return { userId: this.opts.userId, username: this.opts.username, name: 'Pulse Integration' };
  }

  /** The user with `userId` (the integration user or one of the others), if any. */
  user(userId: string): OAuthUser | undefined {
    if (userId === this.opts.userId) return this.integrationUser;
    return this.opts.otherUsers?.find((u) => u.userId === userId);
  }

  /** The user a `login_hint` names (case-insensitive username), if any. */
  userByUsername(username: string): OAuthUser | undefined {
    const u = username.toLowerCase();
    if (u === this.opts.username.toLowerCase()) return this.integrationUser;
    return this.opts.otherUsers?.find((o) => o.username.toLowerCase() === u);
  }

  /** Issues an access token for `user` (default: the integration user). */
  issue(clientId: string, user: OAuthUser = this.integrationUser): Session {
    const now = this.clock.now().getTime();
    const accessToken = `${this.opts.orgId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    const data = { accessToken, userId: user.userId, username: user.username, clientId, issuedAt: now };
    return this.tokens.issue(accessToken, data, now);
  }

  /** Issues a refresh token bound to a client and a user. */
  issueRefresh(clientId: string, user: OAuthUser = this.integrationUser): string {
    const rt = `5Aep${randomBytes(30).toString('base64url')}`;
    this.refreshTokens.set(rt, { user, clientId });
    return rt;
  }

  refresh(rt: string): { clientId: string; user: OAuthUser } | undefined {
    return this.refreshTokens.get(rt);
  }

  /** Revokes an access or refresh token. */
  revoke(token: string): boolean {
    return this.tokens.revoke(token) || this.refreshTokens.delete(token);
  }

  saveCode(
    code: string,
    v: { clientId: string; redirectUri: string; challenge?: string; scope: string; user: OAuthUser },
  ): void {
    this.codes.set(code, { ...v, expiresAt: this.clock.now().getTime() + 15 * 60_000 });
  }

  takeCode(
    code: string,
  ): { clientId: string; redirectUri: string; challenge?: string; scope: string; user: OAuthUser } | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    return c && c.expiresAt > this.clock.now().getTime() ? c : undefined;
  }

  /** The live session for `token`, or null when unknown, expired or expired by fault. */
  session(token: string): Session | null {
    return this.tokens.live(token);
  }
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidGrant = (d: string) => new OAuthError(400, 'invalid_grant', d);

/** Routes under /services/oauth2 plus /id/:org/:user. */
export function oauthRouter(ctx: EmulatorContext, sessions: Sessions): Router {
  const o = sessions.opts;
  const r = express.Router();
  const form = express.urlencoded({ extended: false, limit: '1mb' });

  const tokenResponse = (s: Session, extra: Record<string, string> = {}) => {
    const issuedAt = String(s.issuedAt);
    const id = `${ctx.instanceUrl}/id/${o.orgId}/${s.userId}`;
    return {
      access_token: s.accessToken,
      ...extra,
      signature: createHmac('sha256', o.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: extra.refresh_token ? 'refresh_token api' : 'api',
      instance_url: ctx.instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  };

  const checkClient = (body: Record<string, string | undefined>, requireSecret: boolean) => {
    if (body.client_id !== o.clientId) throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    if ((requireSecret || body.client_secret !== undefined) && body.client_secret !== o.clientSecret)
      throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
  };

  const jwtBearer = (assertion: string | undefined) => {
    if (!assertion || !o.jwtCertificate) throw invalidGrant('invalid assertion');
    const { header, payload } = verifyRs256(assertion, publicKeyOf(o.jwtCertificate));
    if (header.alg !== 'RS256') throw invalidGrant('invalid assertion');
    if (payload.iss !== o.clientId) throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    const auds = [
      ctx.instanceUrl,
      'https://login.salesforce.com',
      'https://test.salesforce.com',
      ...(o.jwtAudiences ?? []),
    ];
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => typeof a === 'string' && auds.includes(a.replace(/\/$/, ''))))
      throw invalidGrant('audience is invalid');
    if (typeof payload.exp !== 'number') throw invalidGrant('invalid assertion');
    if (payload.exp * 1000 <= ctx.clock.now().getTime()) throw invalidGrant('expired authorization code');
    if (payload.sub !== o.username) throw invalidGrant("user hasn't approved this consumer");
  };

  r.post('/services/oauth2/token', form, async (req: Request, res: Response) => {
    const body = req.body as Record<string, string | undefined>;
    try {
      switch (body.grant_type) {
        case 'client_credentials': {
          checkClient(body, true);
          return sendJson(res, 200, tokenResponse(sessions.issue(o.clientId)));
        }
        case 'password': {
          checkClient(body, true);
          if (body.username !== o.username || body.password !== o.password)
            throw invalidGrant('authentication failure');
          return sendJson(res, 200, tokenResponse(sessions.issue(o.clientId)));
        }
        case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
          jwtBearer(body.assertion);
          return sendJson(res, 200, tokenResponse(sessions.issue(o.clientId)));
        }
        case 'refresh_token': {
          checkClient(body, false);
          const rt = body.refresh_token ? sessions.refresh(body.refresh_token) : undefined;
          if (!rt || rt.clientId !== body.client_id) throw invalidGrant('expired access/refresh token');
          return sendJson(res, 200, tokenResponse(sessions.issue(rt.clientId, rt.user)));
        }
        case 'authorization_code': {
          checkClient(body, false);
          const code = body.code ? sessions.takeCode(body.code) : undefined;
          if (!code || code.clientId !== body.client_id) throw invalidGrant('invalid authorization code');
          if (code.redirectUri !== body.redirect_uri)
            throw new OAuthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
          if (code.challenge) {
            if (!body.code_verifier) throw invalidGrant('invalid code verifier');
            const expect = createHash('sha256').update(body.code_verifier).digest('base64url');
            if (expect !== code.challenge) throw new OAuthError(400, 'invalid_request', 'invalid code verifier');
          } else if (!body.client_secret) {
            throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
          }
          const s = sessions.issue(o.clientId, code.user);
          return sendJson(res, 200, tokenResponse(s, { refresh_token: sessions.issueRefresh(o.clientId, code.user) }));
        }
        default:
          throw new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
      }
    } catch (e) {
      if (e instanceof OAuthError) return sendJson(res, e.status, { error: e.error, error_description: e.description });
      throw e;
    }
  });

  // The admin "Connect" button: auto-approves and redirects back with a code (web-server flow).
  // `login_hint` chooses who signs in (the integration user without one), as a person types their
  // username on Salesforce's login page; an unknown username is refused as a failed login.
  r.get('/services/oauth2/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.client_id !== o.clientId || !q.redirect_uri) {
      return res.status(400).type('text/html').send('<html><body>error=invalid_client_id</body></html>');
    }
    // The redirect_uri must be one of the connected app's callback URLs; Salesforce shows an error
    // page rather than redirect to an address it does not trust.
    if (o.callbackUrls && !o.callbackUrls.includes(q.redirect_uri)) {
      return res
        .status(400)
        .type('text/html')
        .send(
          '<html><body>error=redirect_uri_mismatch&amp;error_description=redirect_uri must match configuration</body></html>',
        );
    }
    const target = new URL(q.redirect_uri);
    const user = q.login_hint ? sessions.userByUsername(q.login_hint) : sessions.integrationUser;
    if (!user) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', `no user ${q.login_hint} in this org`);
    } else if (q.response_type !== 'code') {
      target.searchParams.set('error', 'unsupported_response_type');
      target.searchParams.set('error_description', 'response type not supported');
    } else {
      const code = `aPrx${randomBytes(24).toString('base64url')}`;
      sessions.saveCode(code, {
        clientId: q.client_id,
        redirectUri: q.redirect_uri,
        challenge: q.code_challenge,
        scope: q.scope ?? 'api refresh_token',
        user,
      });
      target.searchParams.set('code', code);
    }
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    res.redirect(302, target.toString());
  });

  r.post('/services/oauth2/revoke', form, (req: Request, res: Response) => {
    const token = (req.body as Record<string, string | undefined>).token ?? String(req.query.token ?? '');
    if (!sessions.revoke(token))
      return res.status(400).type('application/x-www-form-urlencoded').send('error=invalid_token');
    res.status(200).end();
  });

  // OpenID Connect UserInfo, what Salesforce's own CLI asks after an access-token login
  // (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_userinfo_endpoint.htm&type=5).
  r.get('/services/oauth2/userinfo', (req: Request, res: Response) => {
    const token = bearer(req) ?? (typeof req.query.access_token === 'string' ? req.query.access_token : null);
    const session = token ? sessions.session(token) : null;
    const u = session ? sessions.user(session.userId) : undefined;
    if (!u) return sendJson(res, 403, 'Bad_OAuth_Token');
    const base = ctx.instanceUrl;
    const [given, ...family] = u.name.split(' ');
    sendJson(res, 200, {
      sub: `${base}/id/${o.orgId}/${u.userId}`,
      user_id: u.userId,
      organization_id: o.orgId,
      preferred_username: u.username,
      nickname: u.username.split('@')[0],
      name: u.name,
      email: u.username,
      email_verified: true,
      given_name: given,
      family_name: family.join(' '),
      zoneinfo: 'Etc/UTC',
      profile: `${base}/${u.userId}`,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      updated_at: ctx.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      urls: {
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
        profile: `${base}/${u.userId}`,
      },
    });
  });

  r.get('/id/:orgId/:userId', (req: Request, res: Response) => {
    const token = bearer(req) ?? (typeof req.query.oauth_token === 'string' ? req.query.oauth_token : null);
    const session = token ? sessions.session(token) : null;
    const u = session ? sessions.user(session.userId) : undefined;
    if (!u) return sendJson(res, 403, 'Bad_OAuth_Token');
    const base = ctx.instanceUrl;
    sendJson(res, 200, {
      id: `${base}/id/${o.orgId}/${u.userId}`,
      asserted_user: true,
      user_id: u.userId,
      organization_id: o.orgId,
      username: u.username,
      nick_name: u.username.split('@')[0],
      display_name: u.name,
      email: u.username,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: {
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
        profile: `${base}/${u.userId}`,
      },
    });
  });

  return r;
}

/** The Bearer token of a request, if any. */
export function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h);
  return m ? m[1]!.trim() : null;
}

/** The public key of a PEM certificate or SPKI public key. */
function publicKeyOf(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

/**
 * Verifies a compact JWS signed RS256 and returns its header and claims; throws invalid_grant
 * otherwise. (jose is ESM-only, which the CommonJS test runtime cannot require; the check is small.)
 */
function verifyRs256(
  jwt: string,
  key: KeyObject,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw invalidGrant('invalid assertion');
  const [h, p, sig] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalidGrant('invalid assertion');
  }
  if (header.alg !== 'RS256') throw invalidGrant('invalid assertion');
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key, Buffer.from(sig, 'base64url'));
  if (!ok) throw invalidGrant('invalid assertion');
  return { header, payload };
}
