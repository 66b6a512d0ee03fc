import type { SecretKeys } from '../config';
import type { Db } from './db';
import { decryptSecret, encryptSecret, sealedWithCurrent } from './connections';
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
       updated_at = EXCLUDED.updated_at`,
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
  keys: SecretKeys | null,
): Promise<StoredMapConnection | null> {
  const r = await db.query<{ settings: Record<string, string>; secret_enc: string }>(
    'SELECT settings, secret_enc FROM map_connections WHERE org_id = $1 AND source = $2',
    [orgId, source],
  );
  const row = r.rows[0];
  if (!row) return null;
  const secrets = JSON.parse(decryptSecret(row.secret_enc, keys, { org: orgId, source })) as Record<string, string>;
  return { source, settings: row.settings, secrets };
}

/** Forgets an org's connection to one MAP; true when there was one. */
export async function deleteMapConnection(db: Db, orgId: string, source: string): Promise<boolean> {
  const r = await db.query('DELETE FROM map_connections WHERE org_id = $1 AND source = $2', [orgId, source]);
  return r.rowCount > 0;
}

/** What `resealSecrets` did: connections re-sealed with the current key, and those already sealed with it. */
export interface ResealResult {
  resealed: Array<{ org: string; source: string }>;
  current: number;
}

/**
 * Re-seals every stored connection secret (Salesforce and MAP, every org) with the current key, in one
 * transaction: a secret that neither key opens stops it with the error naming that connection, and
 * nothing is written. Afterwards PULSE_SECRET_KEY_OLD can go.
 */
export async function resealSecrets(db: Db, keys: SecretKeys): Promise<ResealResult> {
  return db.transaction(async (tx) => {
    type Row = { org: string; source: string; secret_enc: string };
    // Locked as read: a `pulse connect` meanwhile waits, and is not overwritten with its old secret.
    const sf = await tx.query<Row>(
      `SELECT org_id AS org, 'salesforce' AS source, secret_enc FROM connections ORDER BY org_id FOR UPDATE`,
    );
    const maps = await tx.query<Row>(
      'SELECT org_id AS org, source, secret_enc FROM map_connections ORDER BY org_id, source FOR UPDATE',
    );
    const rows = { rows: [...sf.rows, ...maps.rows] };
    const out: ResealResult = { resealed: [], current: 0 };
    for (const row of rows.rows) {
      if (sealedWithCurrent(row.secret_enc, keys)) {
        out.current++;
        continue;
      }
      const sealed = encryptSecret(decryptSecret(row.secret_enc, keys, row), keys.current);
      if (row.source === 'salesforce')
        await tx.query('UPDATE connections SET secret_enc = $2, updated_at = now() WHERE org_id = $1', [
          row.org,
          sealed,
        ]);
      else
        await tx.query(
          'UPDATE map_connections SET secret_enc = $3, updated_at = now() WHERE org_id = $1 AND source = $2',
          [row.org, row.source, sealed],
        );
      out.resealed.push({ org: row.org, source: row.source });
    }
    return out;
  });
}
