import { join } from 'node:path';
import type { Config } from '../config';
import { openDb, type Db } from './db';
import { migrate } from './migrate';

/**
 * Opens the configured store, migrated: Postgres when DATABASE_URL is set, else the embedded PGlite
 * persisted under PULSE_DATA_DIR (in its `pg/` folder, leaving the directory's other uses free).
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  opts: { connections?: number } = {},
): Promise<Db> {
  const db = await openDb(
    config.databaseUrl ? { url: config.databaseUrl, max: opts.connections } : { dataDir: join(config.dataDir, 'pg') },
  );
  await migrate(db);
  return db;
}
