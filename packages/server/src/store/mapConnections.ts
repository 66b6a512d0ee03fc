import type { Db } from './db';
import { decryptSecret, encryptSecret } from './connections';
import { ensureOrg } from './orgs';

/** A stored MAP connection: settings in the clear, secrets decrypted. */
export interface StoredMapConnection {
  source: string;
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

/** Stores (or replaces) an org's connection to one MAP; the secrets are encrypted at rest. */
export async function saveMapConnection(
  db: Db,
  orgId: string,
  conn: StoredMapConnection,
  secretKey: string,
): Promise<void> {
  await ensureOrg(db, orgId);
  await db.query(
    `INSERT INTO map_connections (org_id, source, settings, secret_enc) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (org_id, source) DO UPDATE SET settings = EXCLUDED.settings, secret_enc = EXCLUDED.secret_enc,
       updated_at = now()`,
    [orgId, conn.source, JSON.stringify(conn.settings), encryptSecret(JSON.stringify(conn.secrets), secretKey)],
  );
}

/** The sources an org has a stored connection for (no secrets read). */
export async function listMapSources(db: Db, orgId: string): Promise<string[]> {
  const r = await db.query<{ source: string }>('SELECT source FROM map_connections WHERE org_id = $1 ORDER BY source', [
    orgId,
  ]);
  return r.rows.map((x) => x.source);
}

/** An org's stored connection to one MAP, decrypted, or null. */
export async function loadMapConnection(
  db: Db,
  orgId: string,
  source: string,
  secretKey: string,
): Promise<StoredMapConnection | null> {
  const r = await db.query<{ settings: Record<string, string>; secret_enc: string }>(
    'SELECT settings, secret_enc FROM map_connections WHERE org_id = $1 AND source = $2',
    [orgId, source],
  );
  const row = r.rows[0];
  if (!row) return null;
  const secrets = JSON.parse(decryptSecret(row.secret_enc, secretKey, orgId)) as Record<string, string>;
  return { source, settings: row.settings, secrets };
}

/** Forgets an org's connection to one MAP; true when there was one. */
export async function deleteMapConnection(db: Db, orgId: string, source: string): Promise<boolean> {
  const r = await db.query('DELETE FROM map_connections WHERE org_id = $1 AND source = $2', [orgId, source]);
  return r.rowCount > 0;
}
