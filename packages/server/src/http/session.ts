/**
 * Console sessions at the HTTP edge: the signed `pulse_session` cookie (http-only, SameSite=Lax,
 * Secure over https) names a session row in the store; routes under /api need one, writes need the
 * admin role. The cookie holds `<org>:<random id>`; the store keeps only the id's hash.
 */
import type { CookieOptions, NextFunction, Request, Response } from 'express';
import type { Db } from '../store/db';
import {
  createConsoleSession,
  findConsoleSession,
  revokeConsoleSession,
  type ConsoleRole,
  type ConsoleSession,
  type ConsoleUser,
} from '../store/consoleSessions';
import { HttpError } from './httpError';

/** The session cookie's name. */
export const SESSION_COOKIE = 'pulse_session';
/** How long a session lasts: a working day, so a console left open overnight asks again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** Methods that change nothing: no CSRF token, and a viewer may send them. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The cookie's options for this request (Secure when the client came over https). */
export function sessionCookieOptions(req: Request, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure: req.secure,
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

/** Splits the cookie's `<org>:<id>` (org ids may hold colons; ids are base64url and never do). */
function parseCookie(value: unknown): { orgId: string; id: string } | null {
  if (typeof value !== 'string') return null;
  const at = value.lastIndexOf(':');
  if (at <= 0 || at === value.length - 1) return null;
  return { orgId: value.slice(0, at), id: value.slice(at + 1) };
}

/** The request's live session, as `loadSession` found it; undefined when there is none. */
export function sessionOf(res: Response): ConsoleSession | undefined {
  return res.locals.session as ConsoleSession | undefined;
}

/** The request's session, which a route behind `requireSession` always has. */
export function theSession(res: Response): ConsoleSession {
  const s = sessionOf(res);
  if (!s) throw new HttpError(401, 'NO_SESSION', 'sign in first: POST /auth/token or GET /auth/salesforce');
  return s;
}

/** Looks up the session the signed cookie names and sets `res.locals.session` (nothing when none or forged). */
export function loadSession(db: Db, now: () => Date) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const parsed = parseCookie((req.signedCookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE]);
    if (!parsed) return next();
    findConsoleSession(db, parsed.orgId, parsed.id, now()).then((s) => {
      if (s) {
        res.locals.session = s;
        res.locals.sessionId = parsed.id;
      }
      next();
    }, next);
  };
}

/** 401 NO_SESSION without a live session. */
export function requireSession(_req: Request, res: Response, next: NextFunction): void {
  next(sessionOf(res) ? undefined : new HttpError(401, 'NO_SESSION', 'no console session: sign in at /signin first'));
}

/** 403 FORBIDDEN_ROLE for a write by a viewer: viewers read only. */
export function requireWriteRole(req: Request, res: Response, next: NextFunction): void {
  const s = sessionOf(res);
  if (s && s.role !== 'admin' && !SAFE_METHODS.has(req.method)) {
    return next(
      new HttpError(
        403,
        'FORBIDDEN_ROLE',
        `${s.user.username ?? s.user.name} is a viewer: only admins may change settings (Customize Application or Modify All Data in Salesforce, or PULSE_CONSOLE_ADMINS)`,
      ),
    );
  }
  next();
}

/** Starts a session and sets its cookie; answers what the console shows of it. */
export async function signIn(
  db: Db,
  req: Request,
  res: Response,
  s: { orgId: string; role: ConsoleRole; user: ConsoleUser; now: Date },
): Promise<ConsoleSession> {
  const { id, session } = await createConsoleSession(db, { ...s, ttlMs: SESSION_TTL_MS });
  res.cookie(SESSION_COOKIE, `${s.orgId}:${id}`, sessionCookieOptions(req, SESSION_TTL_MS));
  return session;
}

/** Revokes the request's session in the store and clears its cookie. */
export async function signOut(db: Db, res: Response, req: Request, now: Date): Promise<void> {
  const s = sessionOf(res);
  const id = res.locals.sessionId as string | undefined;
  if (s && id) await revokeConsoleSession(db, s.orgId, id, now);
  res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
}

/** What GET /api/session answers. */
export function sessionBody(s: ConsoleSession) {
  return {
    user: {
      name: s.user.name,
      ...(s.user.username ? { username: s.user.username } : {}),
      ...(s.user.sfOrgId ? { orgId: s.user.sfOrgId } : {}),
    },
    role: s.role,
    csrfToken: s.csrfToken,
    org: s.orgId,
    expiresAt: s.expiresAt.toISOString(),
  };
}
