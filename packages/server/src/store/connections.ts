import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SalesforceAuth, SecretKeys } from '../config';
import { PulseError } from '../errors';
import type { Db } from './db';
import { ensureOrg } from './orgs';

/** The 32-byte AES key derived from PULSE_SECRET_KEY (any length of text). */
function aesKey(secretKey: string): Buffer {
  if (!secretKey)
    throw new PulseError('SECRET_KEY_MISSING', 'set PULSE_SECRET_KEY to store or read connection secrets');
  return createHash('sha256').update(secretKey, 'utf8').digest();
}

/** Encrypts a secret with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptSecret(plain: string, secretKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(secretKey), iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Which stored secret is read: its org and connection (for the error that names it). */
export interface SecretOwner {
  org: string;
  /** `salesforce`, `marketo`, `hubspot` or `pardot`. */
  source: string;
}

/** Opens `enc` with one key, or null when the key is not the one it was sealed with (or it was tampered with). */
function openWith(enc: string, key: string): string | null {
  const [, iv, tag, ct] = enc.split('.');
  try {
    const d = createDecipheriv('aes-256-gcm', aesKey(key), Buffer.from(iv!, 'base64url'));
    d.setAuthTag(Buffer.from(tag!, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(ct!, 'base64url')), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Decrypts what encryptSecret wrote, with the current key, else the previous one. No key at all is
 * SECRET_KEY_MISSING, and a value neither key opens SECRET_UNREADABLE: PulseErrors naming the org,
 * the connection and the fix.
 */
export function decryptSecret(enc: string, keys: SecretKeys | null, owner: SecretOwner): string {
  if (!keys) {
    throw new PulseError(
      'SECRET_KEY_MISSING',
      `the stored ${owner.source} connection of org ${owner.org} cannot be read: PULSE_SECRET_KEY is not set (set the key it was stored with)`,
      { ...owner },
    );
  }
  const [v, iv, tag, ct] = enc.split('.');
  const reconnect = owner.source === 'salesforce' ? 'reconnect the org' : `run pulse connect ${owner.source}`;
  if (v !== 'v1' || !iv || !tag || ct === undefined) {
    throw new PulseError(
      'SECRET_UNREADABLE',
      `the stored ${owner.source} connection of org ${owner.org} has an unknown format: ${reconnect}`,
      { ...owner },
    );
  }
  const plain = openWith(enc, keys.current) ?? (keys.previous ? openWith(enc, keys.previous) : null);
  if (plain !== null) return plain;
  const tried = keys.previous ? 'neither PULSE_SECRET_KEY nor PULSE_SECRET_KEY_OLD is' : 'PULSE_SECRET_KEY is not';
  throw new PulseError(
    'SECRET_UNREADABLE',
    `cannot decrypt the stored ${owner.source} connection of org ${owner.org}: ${tried} the key it was stored with (set the original key as PULSE_SECRET_KEY_OLD, or ${reconnect})`,
    { ...owner },
  );
}

/** Whether the current key opens `enc` (false: it is sealed with the previous key, or unreadable). */
export function sealedWithCurrent(enc: string, keys: SecretKeys): boolean {
  return openWith(enc, keys.current) !== null;
}

function secretOf(auth: SalesforceAuth): string {
  switch (auth.kind) {
    case 'client_credentials':
      return JSON.stringify({ clientSecret: auth.clientSecret });
    case 'jwt':
      return JSON.stringify({ privateKey: auth.privateKey });
    default:
      return JSON.stringify({ clientSecret: auth.clientSecret, refreshToken: auth.refreshToken });
  }
}

/** Stores (or replaces) an org's Salesforce connection; the secret part is encrypted at rest. */
export async function saveConnection(db: Db, orgId: string, auth: SalesforceAuth, secretKey: string): Promise<void> {
  await ensureOrg(db, orgId);
  await db.query(
    `INSERT INTO connections (org_id, auth_kind, login_url, client_id, username, secret_enc) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (org_id) DO UPDATE SET auth_kind = EXCLUDED.auth_kind, login_url = EXCLUDED.login_url,
       client_id = EXCLUDED.client_id, username = EXCLUDED.username, secret_enc = EXCLUDED.secret_enc, updated_at = now()`,
    [
      orgId,
      auth.kind,
      auth.loginUrl,
      auth.clientId,
      auth.kind === 'jwt' ? auth.username : null,
      encryptSecret(secretOf(auth), secretKey),
    ],
  );
}

/** An org's stored connection, decrypted, or null when the org has none. */
export async function loadConnection(db: Db, orgId: string, keys: SecretKeys | null): Promise<SalesforceAuth | null> {
  const r = await db.query<{
    auth_kind: SalesforceAuth['kind'];
    login_url: string;
    client_id: string;
    username: string | null;
    secret_enc: string;
  }>('SELECT auth_kind, login_url, client_id, username, secret_enc FROM connections WHERE org_id = $1', [orgId]);
  const row = r.rows[0];
  if (!row) return null;
  const s = JSON.parse(decryptSecret(row.secret_enc, keys, { org: orgId, source: 'salesforce' })) as Record<
    string,
    string | undefined
  >;
  const base = { loginUrl: row.login_url, clientId: row.client_id };
  if (row.auth_kind === 'jwt')
    return { kind: 'jwt', ...base, username: row.username ?? '', privateKey: s.privateKey ?? '' };
  if (row.auth_kind === 'refresh_token') {
    return { kind: 'refresh_token', ...base, clientSecret: s.clientSecret, refreshToken: s.refreshToken ?? '' };
  }
  return { kind: 'client_credentials', ...base, clientSecret: s.clientSecret ?? '' };
}

/** Who connected the org and where it lives, as the console's sign-in learnt it (shown, never secret). */
export interface ConnectionIdentity {
  sfOrgId: string;
  instanceUrl: string;
  connectedBy: string;
}

/** Records the Salesforce org, instance and user of an org's stored connection. */
export async function saveConnectionIdentity(db: Db, orgId: string, who: ConnectionIdentity): Promise<void> {
  await db.query(
    'UPDATE connections SET sf_org_id = $2, instance_url = $3, connected_by = $4, updated_at = now() WHERE org_id = $1',
    [orgId, who.sfOrgId, who.instanceUrl, who.connectedBy],
  );
}

/** The org's connection as the console shows it (no secret); null when none is stored. */
export async function loadConnectionSummary(
  db: Db,
  orgId: string,
): Promise<{ authKind: string; loginUrl: string; identity: ConnectionIdentity | null; updatedAt: Date } | null> {
  const r = await db.query<{
    auth_kind: string;
    login_url: string;
    sf_org_id: string | null;
    instance_url: string | null;
    connected_by: string | null;
    updated_at: Date;
  }>(
    'SELECT auth_kind, login_url, sf_org_id, instance_url, connected_by, updated_at FROM connections WHERE org_id = $1',
    [orgId],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    authKind: row.auth_kind,
    loginUrl: row.login_url,
    identity:
      row.sf_org_id && row.instance_url
        ? { sfOrgId: row.sf_org_id, instanceUrl: row.instance_url, connectedBy: row.connected_by ?? '' }
        : null,
    updatedAt: new Date(row.updated_at),
  };
}
