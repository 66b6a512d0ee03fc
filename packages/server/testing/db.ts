import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../src/store/db';
import { migrate } from '../src/store/migrate';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a
 * new schema on the Postgres named by DATABASE_URL (dropped again by `dropTestDb`).
 */
export async function createTestDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const db = await openDb(url ? { url, schema } : { dataDir: 'memory' });
  await migrate(db);
  schemas.set(db, schema);
  return db;
}

const schemas = new WeakMap<Db, string | undefined>();

/** Closes a test database, dropping its Postgres schema. */
export async function dropTestDb(db: Db): Promise<void> {
  const schema = schemas.get(db);
  if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
}

/**
 * A fresh database for the test file, handed to `use` before its tests and dropped after them
 * (with `cleanup`, if given): `let db: Db; withTestDb((d) => (db = d));`.
 */
export function withTestDb(use: (db: Db) => void, cleanup?: () => void): void {
  let db: Db | undefined;
  beforeAll(async () => {
    db = await createTestDb();
    use(db);
  });
  afterAll(async () => {
    if (db) await dropTestDb(db);
    cleanup?.();
  });
}
