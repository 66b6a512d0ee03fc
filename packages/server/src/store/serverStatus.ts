import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** An org as the server lists it. */
export interface OrgRow {
  id: string;
  name: string;
}

/** Every org, by id. */
export async function listOrgs(db: Db): Promise<OrgRow[]> {
  const r = await db.query<OrgRow>('SELECT id, name FROM orgs ORDER BY id');
  return r.rows;
}

/** Migration files on disk not yet recorded as applied (empty when the store is up to date). */
export async function pendingMigrations(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f));
  const r = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
  const applied = new Set(r.rows.map((row) => row.name));
  return files.filter((f) => !applied.has(f)).sort();
}

/** How many runs there are per kind and status, across orgs (Prometheus scrape). */
export async function countRunsByKindAndStatus(db: Db): Promise<Array<{ kind: string; status: string; n: number }>> {
  const r = await db.query<{ kind: string; status: string; n: number }>(
    'SELECT kind, status, count(*) AS n FROM runs GROUP BY kind, status ORDER BY kind, status',
  );
  return r.rows;
}

/** When the newest finished run of each kind ended, in seconds since the epoch, across orgs. */
export async function lastRunTimes(db: Db): Promise<Array<{ kind: string; seconds: number }>> {
  const r = await db.query<{ kind: string; seconds: number }>(
    `SELECT kind, extract(epoch FROM max(finished_at))::float8 AS seconds
     FROM runs WHERE finished_at IS NOT NULL GROUP BY kind ORDER BY kind`,
  );
  return r.rows;
}
