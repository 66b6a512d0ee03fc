import { createHmac } from 'node:crypto';
import request from 'supertest';
import type express from 'express';
import { readConfig } from '../src/config';
import { createApp, type AppDeps } from '../src/http/app';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../src/http/session';
import { createConsoleSession, type ConsoleRole } from '../src/store/consoleSessions';
import type { Db } from '../src/store/db';

/** Signs a cookie value as cookie-parser checks it (cookie-signature's scheme: HMAC-SHA256, base64, no padding). */
export function signCookie(value: string, secret: string): string {
  return `s:${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`;
}

/** The secret console tests sign cookies with. */
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef';

/** A console app on `db` with a pinned clock and configuration (no environment read). */
export function consoleApp(
  db: Db,
  now: () => Date,
  extra: Partial<AppDeps> & { env?: NodeJS.ProcessEnv } = {},
): express.Express {
  const { env, ...rest } = extra;
  return createApp({
    db,
    now,
    ...rest,
    console: { sessionSecret: TEST_SESSION_SECRET, config: readConfig(env ?? {}), ...rest.console },
  });
}

/** A session made straight in the store, as a cookie header and its CSRF token. */
export async function sessionCookie(
  db: Db,
  orgId: string,
  role: ConsoleRole,
  now: Date,
): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }> {
  const { id, session } = await createConsoleSession(db, {
    orgId,
    role,
    user: { name: `${role} user`, username: `${role}@example.com`, sfOrgId: null, sfUserId: null },
    now,
    ttlMs: SESSION_TTL_MS,
  });
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(signCookie(`${orgId}:${id}`, TEST_SESSION_SECRET))}`;
  return { cookie, csrf: session.csrfToken, headers: { Cookie: cookie, 'X-CSRF-Token': session.csrfToken } };
}

/** The `name=value` of a Set-Cookie header, for sending back. */
export function cookieFrom(res: request.Response, name: string): string | null {
  const set = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
  const line = set.find((c) => c.startsWith(`${name}=`));
  return line ? line.split(';')[0]! : null;
}
