import type { Db } from './db';

/** Creates the org row if it is missing (every other table references it); keeps an existing name. */
export async function ensureOrg(db: Db, orgId: string, name = orgId): Promise<void> {
  await db.query('INSERT INTO orgs (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [orgId, name]);
}
