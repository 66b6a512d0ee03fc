import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';

/** Every key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'pk_';
/** Characters of the key shown in lists to tell keys apart (prefix included): `pk_` + 8. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;

/** A key as listed: never the key itself. */
export interface ApiKeyRow {
  orgId: string;
  prefix: string;
  label: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The key's SHA-256, hex. Keys are 32 random bytes, so a fast hash is enough (no guessing to slow down). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new random key: `pk_` + 32 random bytes in base64url (43 characters). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Creates a key for an org and returns it; only its hash and display prefix are stored. The prefix is
 * how `pulse keys revoke` names a key without its org, so a new key never shares one with another key.
 */
export async function createApiKey(
  db: Db,
  orgId: string,
  label: string | null = null,
): Promise<{ key: string; prefix: string }> {
  for (;;) {
    const key = generateApiKey();
    const prefix = key.slice(0, DISPLAY_LENGTH);
    // 48 random bits: a clash is rare enough that drawing again is the whole answer.
    const taken = await db.query('SELECT 1 FROM api_keys WHERE prefix = $1', [prefix]);
    if (taken.rowCount > 0) continue;
    await db.query('INSERT INTO api_keys (org_id, prefix, key_hash, label) VALUES ($1, $2, $3, $4)', [
      orgId,
      prefix,
      hashApiKey(key),
      label,
    ]);
    return { key, prefix };
  }
}

const COLUMNS = `org_id AS "orgId", prefix, label, created_at AS "createdAt", last_used_at AS "lastUsedAt",
  revoked_at AS "revokedAt"`;

/** The keys of one org (or all orgs), newest first, revoked ones included. */
export async function listApiKeys(db: Db, orgId?: string): Promise<ApiKeyRow[]> {
  const r = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE ($1::text IS NULL OR org_id = $1) ORDER BY created_at DESC, prefix`,
    [orgId ?? null],
  );
  return r.rows;
}

/**
 * Revokes a key by its display prefix at `at`; returns it, or null when no such key exists. Revoking
 * twice keeps the first time. The time is a parameter: the prefix names no org, so on Citus the update
 * goes to every shard, where only immutable expressions may be evaluated.
 */
export async function revokeApiKey(db: Db, prefix: string, at: Date = new Date()): Promise<ApiKeyRow | null> {
  const r = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2::timestamptz) WHERE prefix = $1 RETURNING ${COLUMNS}`,
    [prefix, at.toISOString()],
  );
  return r.rows[0] ?? null;
}

/** The key a request presented, looked up by hash; null when unknown. The caller checks `revokedAt`. */
export async function findApiKey(db: Db, key: string): Promise<ApiKeyRow | null> {
  const r = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [hashApiKey(key)]);
  return r.rows[0] ?? null;
}

/** Records that a key of an org was used (callers throttle this: it is a write). */
export async function touchApiKey(db: Db, orgId: string, prefix: string, at: Date): Promise<void> {
  await db.query('UPDATE api_keys SET last_used_at = $3 WHERE org_id = $1 AND prefix = $2', [
    orgId,
    prefix,
    at.toISOString(),
  ]);
}
