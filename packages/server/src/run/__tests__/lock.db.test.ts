/** The org lock the daily run takes: one holder per org, across handles (processes) on Postgres. */
import { withTestDb } from '../../../testing/db';
import { openDb, type Db } from '../../store/db';
import { isLockHeld, tryLock } from '../../store/lock';

let db: Db;
withTestDb((d) => (db = d));

it('one holder per org and lock name; released, it can be taken again', async () => {
  const a = await tryLock(db, 'daily-run', 'acme');
  expect(a).not.toBeNull();
  expect(await tryLock(db, 'daily-run', 'acme')).toBeNull();
  const other = await tryLock(db, 'daily-run', 'globex');
  const otherName = await tryLock(db, 'backfill', 'acme');
  expect(other).not.toBeNull();
  expect(otherName).not.toBeNull();
  await a!.release();
  await a!.release(); // idempotent
  const again = await tryLock(db, 'daily-run', 'acme');
  expect(again).not.toBeNull();
  await Promise.all([again!.release(), other!.release(), otherName!.release()]);
});

it('two callers at the same moment: exactly one gets it', async () => {
  const got = await Promise.all([1, 2, 3].map(() => tryLock(db, 'daily-run', 'race')));
  expect(got.filter((l) => l !== null)).toHaveLength(1);
  await got.find((l) => l !== null)!.release();
});

/** How many advisory locks the database holds for (`name`, `orgId`) in this schema, as the lock keys them. */
async function advisoryLocksHeld(name: string, orgId: string): Promise<number> {
  const r = await db.query<{ n: string | number }>(
    `WITH k AS (SELECT hashtextextended(current_schema() || ':' || $1 || ':' || $2, 0) AS key)
     SELECT count(*) AS n FROM pg_locks, k
     WHERE locktype = 'advisory' AND objsubid = 1
       AND classid::bigint = ((k.key >> 32) & 4294967295) AND objid::bigint = (k.key & 4294967295)`,
    [name, orgId],
  );
  return Number(r.rows[0]!.n);
}

it('is held by the database (a session advisory lock) while taken, and let go on release', async () => {
  // On PGlite too: the in-process guard is not all there is, the lock is in the database's lock table.
  expect(await advisoryLocksHeld('daily-run', 'held')).toBe(0);
  const lock = await tryLock(db, 'daily-run', 'held');
  expect(await advisoryLocksHeld('daily-run', 'held')).toBe(1);
  await lock!.release();
  expect(await advisoryLocksHeld('daily-run', 'held')).toBe(0);
});

it('isLockHeld says whether anyone holds the lock, without taking it (the pool finds dead workers by it)', async () => {
  expect(await isLockHeld(db, 'daily-run', 'seen')).toBe(false);
  const lock = await tryLock(db, 'daily-run', 'seen');
  expect(await isLockHeld(db, 'daily-run', 'seen')).toBe(true);
  expect(await isLockHeld(db, 'daily-run', 'other-org')).toBe(false);
  await lock!.release();
  expect(await isLockHeld(db, 'daily-run', 'seen')).toBe(false);
});

// Another connection pool stands for another process; the embedded database lives in one process,
// so this case exists only on Postgres (the Postgres pass of test:all), where it is the real guarantee.
if (process.env.DATABASE_URL)
  it('holds against another connection pool (another process) on Postgres', async () => {
    expect(db.kind).toBe('postgres');
    const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    const other = await openDb({ url: process.env.DATABASE_URL, schema });
    try {
      const mine = await tryLock(db, 'daily-run', 'acme');
      expect(await tryLock(other, 'daily-run', 'acme')).toBeNull();
      // Seen from the other process, which does not hold it: read from pg_locks.
      expect(await isLockHeld(other, 'daily-run', 'acme')).toBe(true);
      await mine!.release();
      const theirs = await tryLock(other, 'daily-run', 'acme');
      expect(theirs).not.toBeNull();
      expect(await tryLock(db, 'daily-run', 'acme')).toBeNull();
      await theirs!.release();
      expect(await isLockHeld(other, 'daily-run', 'acme')).toBe(false);
      const after = await tryLock(db, 'daily-run', 'acme');
      expect(after).not.toBeNull();
      await after!.release();
    } finally {
      await other.close();
    }
  });
