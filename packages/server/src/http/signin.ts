/**
 * Signing in to the console: the bootstrap token (`POST /auth/token`), "Sign in with Salesforce"
 * (`GET /auth/salesforce` → the org's authorize page → `GET /auth/salesforce/callback`), and
 * sign-out. Failed sign-ins count against the client address (the shared rate buckets).
 */
import { randomBytes } from 'node:crypto';
import express, { type Request } from 'express';
import { z } from 'zod';
import type { SecretKeys } from '../config';
import type { Logger } from '../log';
import { authorizeUrl, exchangeCode, fetchSalesforceUser, pkcePair } from '../sources/salesforce/webServerFlow';
import { findBootstrapToken } from '../store/bootstrapTokens';
import { saveConnection, saveConnectionIdentity } from '../store/connections';
import type { Db } from '../store/db';
import { CallbackQuery, SalesforceSignInQuery, TokenSignIn } from './adminRoutes/schemas';
import { asyncRoute } from './asyncRoute';
import { requireCsrf } from './csrf';
import { HttpError } from './httpError';
import { DEFAULT_RATE_LIMIT } from './ingestRoutes';
import { RateLimiter } from './rateLimit';
import { sessionBody, sessionOf, signIn, signOut } from './session';
import { parseRequest } from './validate';

/** The cookie that carries `state` and the PKCE verifier from the redirect to the callback. */
export const OAUTH_COOKIE = 'pulse_oauth';
/** How long a browser may take on Salesforce's login page. */
const OAUTH_TTL_MS = 10 * 60_000;

/** How the console signs people in (config.ts `ConsoleConfig`, plus what the app needs to store a connection). */
export interface SignInOptions {
  /** The Pulse org a Salesforce sign-in opens (PULSE_ORG, default `default`). */
  orgId: string;
  /** The connected app's consumer key (SF_CLIENT_ID); null: "Sign in with Salesforce" is off. */
  clientId: string | null;
  clientSecret: string | null;
  loginUrls: { production: string; sandbox: string };
  /** Lower-cased Salesforce usernames who are admins whatever their permissions (PULSE_CONSOLE_ADMINS). */
  admins: readonly string[];
  /** Seal the signed-in admin's refresh token as the org's connection (null: not stored). */
  secretKeys: SecretKeys | null;
  /** The console's public origin for the redirect URI (default: the request's own). */
  publicUrl?: string;
  /** Salesforce calls (tests may route them). Default: fetch with a timeout. */
  fetch?: typeof fetch;
}

const OAuthCookie = z.object({
  state: z.string(),
  verifier: z.string(),
  env: z.enum(['production', 'sandbox']),
  redirectUri: z.string(),
});

function redirectUri(req: Request, opts: SignInOptions): string {
  const origin = opts.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return `${origin}/auth/salesforce/callback`;
}

/** The sign-in routes under /auth. */
export function signInRouter(db: Db, now: () => Date, log: Logger, opts: SignInOptions): express.Router {
  const r = express.Router();
  const limiter = new RateLimiter(db, DEFAULT_RATE_LIMIT, now);
  const ip = (req: Request) => req.ip ?? 'unknown';

  /** 429 while the address has used up its failed sign-ins. */
  const checkRate = async (req: Request): Promise<void> => {
    const wait = await limiter.signInWait(ip(req));
    if (wait > 0) {
      throw new HttpError(
        429,
        'TOO_MANY_SIGNINS',
        `too many failed sign-ins from this address: try again in ${wait} s`,
        [],
        { 'Retry-After': String(wait) },
      );
    }
  };
  /** Counts a failed sign-in and throws its error. */
  const fail = async (req: Request, e: HttpError): Promise<never> => {
    await limiter.signInFailed(ip(req));
    log.warn({ code: e.code, ip: ip(req) }, 'console sign-in refused');
    throw e;
  };

  r.post(
    '/auth/token',
    express.json({ limit: '4kb' }),
    asyncRoute(async (req, res) => {
      await checkRate(req);
      const body = parseRequest(TokenSignIn, req.body, 'sign-in');
      const orgId = await findBootstrapToken(db, body.token, now());
      if (!orgId) {
        await fail(
          req,
          new HttpError(
            401,
            'BAD_TOKEN',
            'that is not a live bootstrap token: print a new one with npx pulse admin token',
          ),
        );
        return;
      }
      const s = await signIn(db, req, res, {
        orgId,
        role: 'admin',
        user: { name: 'bootstrap', username: null, sfOrgId: null, sfUserId: null },
        now: now(),
      });
      log.info({ org: orgId, via: 'bootstrap' }, 'console sign-in');
      res.json(sessionBody(s));
    }),
  );

  r.get(
    '/auth/salesforce',
    asyncRoute(async (req, res) => {
      if (!opts.clientId) {
        throw new HttpError(
          503,
          'SALESFORCE_SIGNIN_OFF',
          "Sign in with Salesforce is not configured: set SF_CLIENT_ID (and SF_CLIENT_SECRET) to a connected app whose callback URL is this server's /auth/salesforce/callback, or sign in with a bootstrap token (npx pulse admin token)",
        );
      }
      const q = parseRequest(SalesforceSignInQuery, req.query, 'query');
      const pkce = pkcePair();
      const state = randomBytes(24).toString('base64url');
      const uri = redirectUri(req, opts);
      res.cookie(OAUTH_COOKIE, JSON.stringify({ state, verifier: pkce.verifier, env: q.env, redirectUri: uri }), {
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: req.secure,
        path: '/auth/salesforce',
        maxAge: OAUTH_TTL_MS,
      });
      res.redirect(
        302,
        authorizeUrl({
          loginUrl: opts.loginUrls[q.env],
          clientId: opts.clientId,
          redirectUri: uri,
          state,
          challenge: pkce.challenge,
          ...(q.login_hint ? { loginHint: q.login_hint } : {}),
        }),
      );
    }),
  );

  r.get(
    '/auth/salesforce/callback',
    asyncRoute(async (req, res) => {
      await checkRate(req);
      const raw = (req.signedCookies as Record<string, unknown>)[OAUTH_COOKIE];
      res.clearCookie(OAUTH_COOKIE, { path: '/auth/salesforce', httpOnly: true, sameSite: 'lax', secure: req.secure });
      const q = req.query as Record<string, unknown>;
      if (typeof q.error === 'string') {
        await fail(
          req,
          new HttpError(
            401,
            'SIGNIN_REFUSED',
            `Salesforce refused the sign-in: ${q.error}${typeof q.error_description === 'string' ? ` (${q.error_description})` : ''}`,
          ),
        );
      }
      const cb = parseRequest(CallbackQuery, req.query, 'callback');
      let saved: z.infer<typeof OAuthCookie> | null = null;
      try {
        saved = typeof raw === 'string' ? OAuthCookie.parse(JSON.parse(raw)) : null;
      } catch {
        saved = null;
      }
      if (!saved || saved.state !== cb.state) {
        await fail(
          req,
          new HttpError(
            400,
            'BAD_STATE',
            "the sign-in state is missing, expired or not this browser's: start again at /auth/salesforce",
          ),
        );
        return;
      }
      const loginUrl = opts.loginUrls[saved.env];
      let grant;
      let user;
      try {
        grant = await exchangeCode(
          {
            loginUrl,
            clientId: opts.clientId ?? '',
            clientSecret: opts.clientSecret,
            redirectUri: saved.redirectUri,
            code: cb.code,
            verifier: saved.verifier,
          },
          opts.fetch,
        );
        user = await fetchSalesforceUser(grant, opts.fetch);
      } catch (e) {
        await fail(req, new HttpError(401, 'SIGNIN_FAILED', `Sign in with Salesforce failed: ${(e as Error).message}`));
        return;
      }
      const admin = user.canAdminister || opts.admins.includes(user.username.toLowerCase());
      if (admin && grant.refreshToken && opts.secretKeys) {
        // The admin's grant becomes the org's connection, as `pulse connect` stores one.
        await saveConnection(
          db,
          opts.orgId,
          {
            kind: 'refresh_token',
            loginUrl,
            clientId: opts.clientId ?? '',
            ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : {}),
            refreshToken: grant.refreshToken,
          },
          opts.secretKeys.current,
        );
        await saveConnectionIdentity(db, opts.orgId, {
          sfOrgId: user.orgId,
          instanceUrl: grant.instanceUrl,
          connectedBy: user.username,
        });
      }
      await signIn(db, req, res, {
        orgId: opts.orgId,
        role: admin ? 'admin' : 'viewer',
        user: { name: user.name, username: user.username, sfOrgId: user.orgId, sfUserId: user.userId },
        now: now(),
      });
      log.info({ org: opts.orgId, via: 'salesforce', role: admin ? 'admin' : 'viewer' }, 'console sign-in');
      res.redirect(302, '/');
    }),
  );

  r.post(
    '/auth/signout',
    (req, res, next) => (sessionOf(res) ? requireCsrf(req, res, next) : next()),
    asyncRoute(async (req, res) => {
      await signOut(db, res, req, now());
      res.status(204).end();
    }),
  );

  return r;
}
