import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';
import { distributeByOrg } from './distribution';

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/**
 * Applies every numbered SQL migration not yet applied, each in its own transaction, then (on a Citus
 * coordinator, unless `distribute` is false) distributes the tables not yet distributed; safe to run twice.
 * `distribute: false` is for tests that build the schema of an older Pulse, which never distributed.
 */
export async function migrate(
  db: Db,
  dir = MIGRATIONS_DIR,
  { distribute = true }: { distribute?: boolean } = {},
): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    await db.transaction(async (tx) => {
      // Several processes may start at once (web, worker, release): one migrates, the others wait.
      if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7316001)');
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
      if (done.rowCount > 0) return;
      await tx.exec(readFileSync(join(dir, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    });
  }
  if (distribute) await distributeByOrg(db);
  return applied;
}
