import { readConfig, type Config } from '../config';
import type { Db } from '../store/db';
import { openStore } from '../store/open';

/** What a command's store comes from: the injected one (tests), else the configured one. */
export interface StoreDeps {
  db?: Db;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
}

/** Runs `fn` on the injected store, else on the configured one, opened for it and closed after. */
export async function withStore<T>(deps: StoreDeps, fn: (db: Db) => Promise<T>): Promise<T> {
  if (deps.db) return fn(deps.db);
  const db = await openStore(deps.config ?? readConfig());
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
