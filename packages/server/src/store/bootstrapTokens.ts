/**
 * The bootstrap token of an org: the first way into the console, before Salesforce is connected.
 * `pulse admin token` makes one (replacing the last) and prints it once; only its hash is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';
import { ensureOrg } from './orgs';

/** Every bootstrap token starts with this, so a leaked one is recognisable. */
export const BOOTSTRAP_TOKEN_PREFIX = 'pbt_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Makes the org's bootstrap token (the previous one stops working) and returns it; it is not stored. */
export async function createBootstrapToken(db: Db, orgId: string, now: Date, ttlMs: number): Promise<string> {
  await ensureOrg(db, orgId);
  const token = BOOTSTRAP_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO console_bootstrap_tokens (org_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at,
       expires_at = EXCLUDED.expires_at`,
    [orgId, hashToken(token), now.toISOString(), new Date(now.getTime() + ttlMs).toISOString()],
  );
  return token;
}

/** The org whose live bootstrap token this is at `now`, or null (unknown or expired). */
export async function findBootstrapToken(db: Db, token: string, now: Date): Promise<string | null> {
  const r = await db.query<{ org_id: string }>(
    'SELECT org_id FROM console_bootstrap_tokens WHERE token_hash = $1 AND expires_at > $2',
    [hashToken(token), now.toISOString()],
  );
  return r.rows[0]?.org_id ?? null;
}
