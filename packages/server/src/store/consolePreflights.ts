import type { Db } from './db';
import { ensureOrg } from './orgs';

/** Keeps the org's last permissions check (the console shows it until the next). */
export async function saveConsolePreflight(db: Db, orgId: string, result: unknown, at: Date): Promise<void> {
  await ensureOrg(db, orgId);
  await db.query(
    `INSERT INTO console_preflights (org_id, result, checked_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (org_id) DO UPDATE SET result = EXCLUDED.result, checked_at = EXCLUDED.checked_at`,
    [orgId, JSON.stringify(result), at.toISOString()],
  );
}

/** The org's last permissions check, or null when none ran. */
export async function loadConsolePreflight(db: Db, orgId: string): Promise<unknown> {
  const r = await db.query<{ result: unknown }>('SELECT result FROM console_preflights WHERE org_id = $1', [orgId]);
  return r.rows[0]?.result ?? null;
}
