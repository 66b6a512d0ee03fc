/**
 * Named locks per org that hold across processes: a Postgres session advisory lock taken on a
 * connection reserved for the lock's lifetime, so it ends when the holder releases it or its process
 * dies. The embedded database has one connection shared by the whole process, and a session may
 * take its own advisory lock twice, so holders in this process are also tracked in memory.
 */
import type { Db, ReservedDb } from './db';

/** A lock this process holds; `release()` gives it back (idempotent). */
export interface HeldLock {
  readonly name: string;
  readonly orgId: string;
  release(): Promise<void>;
}

// Holders in this process, per database handle (two handles are two pools: Postgres arbitrates).
const heldHere = new WeakMap<Db, Set<string>>();

// One 64-bit key per (schema, lock name, org): two Pulse stores in different schemas of one database
// (tests run that way) never contend, and org ids need no registry of numbers.
const KEY_SQL = `hashtextextended(current_schema() || ':' || $1 || ':' || $2, 0)`;

/**
 * Takes lock `name` for `orgId` without waiting: the held lock, or null when another holder (in this
 * process or another) has it.
 */
export async function tryLock(db: Db, name: string, orgId: string): Promise<HeldLock | null> {
  const key = `${name}:${orgId}`;
  let mine = heldHere.get(db);
  if (!mine) heldHere.set(db, (mine = new Set()));
  if (mine.has(key)) return null;
  // Claimed before the first await, so two callers in this process cannot both get past here.
  mine.add(key);
  let conn: ReservedDb | Db = db;
  try {
    if (db.reserve) conn = await db.reserve();
    const r = await conn.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY_SQL}) AS ok`, [name, orgId]);
    if (r.rows[0]?.ok !== true) {
      await releaseConn(conn);
      mine.delete(key);
      return null;
    }
  } catch (e) {
    await releaseConn(conn);
    mine.delete(key);
    throw e;
  }
  let released = false;
  return {
    name,
    orgId,
    release: async () => {
      if (released) return;
      released = true;
      try {
        await conn.query(`SELECT pg_advisory_unlock(${KEY_SQL})`, [name, orgId]);
      } finally {
        await releaseConn(conn);
        mine.delete(key);
      }
    },
  };
}

async function releaseConn(conn: ReservedDb | Db): Promise<void> {
  if ('release' in conn && typeof conn.release === 'function') await conn.release();
}

/**
 * Whether any session holds lock `name` for `orgId` (read from pg_locks, without taking it): how the
 * worker pool tells a job whose worker died (its lock went with its connection) from one still going.
 * On the embedded database only this process can hold it, so the in-memory holders answer.
 */
export async function isLockHeld(db: Db, name: string, orgId: string): Promise<boolean> {
  if (heldHere.get(db)?.has(`${name}:${orgId}`)) return true;
  if (db.kind === 'pglite') return false;
  // A bigint advisory key shows in pg_locks as its high and low 32 bits (classid, objid) with objsubid 1.
  const r = await db.query<{ held: boolean }>(
    `WITH k AS (SELECT ${KEY_SQL} AS key)
     SELECT EXISTS (
       SELECT 1 FROM pg_locks, k
       WHERE locktype = 'advisory' AND objsubid = 1 AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid::bigint = ((k.key >> 32) & 4294967295) AND objid::bigint = (k.key & 4294967295)
     ) AS held`,
    [name, orgId],
  );
  return r.rows[0]?.held === true;
}
