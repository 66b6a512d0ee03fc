/** Token buckets in the store: a burst, a refill at the rate, the wait until the next token. */
import { createTestDb, dropTestDb } from '../../../testing/db';
import type { Db } from '../db';
import { forgetIdleBuckets, takeToken, waitForToken } from '../rateBuckets';

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => dropTestDb(db));

const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 12) + ms);
const rate = { perSecond: 2, burst: 3 };

test('a bucket allows a burst, then refills at its rate and says how long to wait', async () => {
  const take = (ms: number) => takeToken(db, 'k', rate, at(ms));
  expect([await take(0), await take(0), await take(0)]).toEqual([0, 0, 0]);
  expect(await take(0)).toBe(1);
  expect(await takeToken(db, 'other', rate, at(0))).toBe(0);
  expect(await take(500)).toBe(0); // one token back after half a second
  expect(await take(500)).toBeGreaterThan(0);
  // A clock that steps back (another process's) neither refills nor breaks the bucket.
  expect(await take(100)).toBeGreaterThan(0);
  expect(await take(10_000)).toBe(0);
});

test('waiting for a token does not take it; a bucket never taken from is full', async () => {
  expect(await waitForToken(db, 'fresh', rate, at(0))).toBe(0);
  for (let i = 0; i < 3; i++) await takeToken(db, 'peek', rate, at(0));
  expect(await waitForToken(db, 'peek', rate, at(0))).toBe(1);
  expect(await waitForToken(db, 'peek', rate, at(0))).toBe(1);
  expect(await waitForToken(db, 'peek', rate, at(600))).toBe(0);
});

test('idle buckets are forgotten', async () => {
  await takeToken(db, 'idle', rate, at(0));
  expect(await forgetIdleBuckets(db, at(1))).toBeGreaterThan(0);
  const left = await db.query("SELECT 1 FROM rate_buckets WHERE bucket = 'idle'");
  expect(left.rows).toEqual([]);
});
