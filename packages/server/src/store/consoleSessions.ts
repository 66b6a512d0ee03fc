/**
 * Console sign-in sessions. The browser holds `<org>:<id>` in a signed cookie; the store holds the
 * id's SHA-256 only, the role, who signed in, the CSRF token and when the session ends.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';
import { ensureOrg } from './orgs';

/** What a console user may do: `admin` everything, `viewer` read only. */
export type ConsoleRole = 'admin' | 'viewer';

/** Who signed in: a Salesforce user, or the bootstrap token (`name: "bootstrap"`). */
export interface ConsoleUser {
  name: string;
  username: string | null;
  sfOrgId: string | null;
  sfUserId: string | null;
}

/** A live session as the routes see it. */
export interface ConsoleSession {
  orgId: string;
  role: ConsoleRole;
  user: ConsoleUser;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** The id's SHA-256, hex: ids are 32 random bytes, so a fast hash is enough. */
function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Starts a session and returns its id (for the cookie) with the session; the id itself is not stored. */
export async function createConsoleSession(
  db: Db,
  s: { orgId: string; role: ConsoleRole; user: ConsoleUser; now: Date; ttlMs: number },
): Promise<{ id: string; session: ConsoleSession }> {
  await ensureOrg(db, s.orgId);
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(s.now.getTime() + s.ttlMs);
  await db.query(
    `INSERT INTO console_sessions (org_id, id_hash, role, user_name, username, sf_org_id, sf_user_id, csrf_token, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      s.orgId,
      hashId(id),
      s.role,
      s.user.name,
      s.user.username,
      s.user.sfOrgId,
      s.user.sfUserId,
      csrfToken,
      s.now.toISOString(),
      expiresAt.toISOString(),
    ],
  );
  return { id, session: { orgId: s.orgId, role: s.role, user: s.user, csrfToken, createdAt: s.now, expiresAt } };
}

interface SessionRow {
  role: ConsoleRole;
  user_name: string;
  username: string | null;
  sf_org_id: string | null;
  sf_user_id: string | null;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
}

/** The live session with this id at `now`; null when unknown, revoked or expired. */
export async function findConsoleSession(db: Db, orgId: string, id: string, now: Date): Promise<ConsoleSession | null> {
  const r = await db.query<SessionRow>(
    `SELECT role, user_name, username, sf_org_id, sf_user_id, csrf_token, created_at, expires_at
     FROM console_sessions WHERE org_id = $1 AND id_hash = $2 AND revoked_at IS NULL AND expires_at > $3`,
    [orgId, hashId(id), now.toISOString()],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    orgId,
    role: row.role,
    user: { name: row.user_name, username: row.username, sfOrgId: row.sf_org_id, sfUserId: row.sf_user_id },
    csrfToken: row.csrf_token,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

/** Revokes a session (sign-out); revoking twice keeps the first time. Returns whether it existed. */
export async function revokeConsoleSession(db: Db, orgId: string, id: string, now: Date): Promise<boolean> {
  const r = await db.query(
    'UPDATE console_sessions SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id_hash = $2',
    [orgId, hashId(id), now.toISOString()],
  );
  return r.rowCount > 0;
}

/** Forgets sessions that ended before `before` (expired or revoked); returns how many. */
export async function forgetEndedConsoleSessions(db: Db, before: Date): Promise<number> {
  const r = await db.query('DELETE FROM console_sessions WHERE expires_at < $1 OR revoked_at < $1', [
    before.toISOString(),
  ]);
  return r.rowCount;
}
