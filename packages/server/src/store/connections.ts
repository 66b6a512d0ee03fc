import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SalesforceAuth } from '../config';
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

/** Decrypts what encryptSecret wrote; a wrong key or a tampered value is a PulseError naming the fix. */
export function decryptSecret(enc: string, secretKey: string, orgId?: string): string {
  const [v, iv, tag, ct] = enc.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) {
    throw new PulseError('SECRET_UNREADABLE', 'stored secret has an unknown format: reconnect the org', { org: orgId });
  }
  try {
    const d = createDecipheriv('aes-256-gcm', aesKey(secretKey), Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  } catch (cause) {
    throw new PulseError(
      'SECRET_UNREADABLE',
      'cannot decrypt the stored Salesforce secret: PULSE_SECRET_KEY is not the key it was stored with (set the original key, or reconnect the org)',
      { org: orgId },
      { cause },
    );
  }
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
export async function loadConnection(db: Db, orgId: string, secretKey: string): Promise<SalesforceAuth | null> {
  const r = await db.query<{
    auth_kind: SalesforceAuth['kind'];
    login_url: string;
    client_id: string;
    username: string | null;
    secret_enc: string;
  }>('SELECT auth_kind, login_url, client_id, username, secret_enc FROM connections WHERE org_id = $1', [orgId]);
  const row = r.rows[0];
  if (!row) return null;
  const s = JSON.parse(decryptSecret(row.secret_enc, secretKey, orgId)) as Record<string, string | undefined>;
  const base = { loginUrl: row.login_url, clientId: row.client_id };
  if (row.auth_kind === 'jwt')
    return { kind: 'jwt', ...base, username: row.username ?? '', privateKey: s.privateKey ?? '' };
  if (row.auth_kind === 'refresh_token') {
    return { kind: 'refresh_token', ...base, clientSecret: s.clientSecret, refreshToken: s.refreshToken ?? '' };
  }
  return { kind: 'client_credentials', ...base, clientSecret: s.clientSecret ?? '' };
}
