import type { Db } from './db';

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface BucketRate {
  perSecond: number;
  burst: number;
}

/**
 * The tokens in bucket row `b` at $4, refilled at $3 per second up to $2. Written out where it is used,
 * not as a subquery: Citus (where rate_buckets is a reference table) takes no subquery in an INSERT.
 */
const REFILL = 'LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM ($4::timestamptz - b.at))) * $3::float8)';

/**
 * Takes one token from `bucket` at `now`, in one statement (the row serializes concurrent takers,
 * across processes); returns 0 when a token was there, else the whole seconds until one is.
 */
export async function takeToken(db: Db, bucket: string, rate: BucketRate, now: Date): Promise<number> {
  const r = await db.query<{ tokens: number; allowed: boolean }>(
    // In ON CONFLICT's SET, b is the row as it was: REFILL is its tokens topped up for the time since.
    `INSERT INTO rate_buckets AS b (bucket, tokens, at, allowed) VALUES ($1, $2::float8 - 1, $4, $2::float8 >= 1)
     ON CONFLICT (bucket) DO UPDATE SET
       tokens = ${REFILL} - CASE WHEN ${REFILL} >= 1 THEN 1 ELSE 0 END,
       at = GREATEST(b.at, $4::timestamptz),
       allowed = ${REFILL} >= 1
     RETURNING tokens, allowed`,
    [bucket, rate.burst, rate.perSecond, now.toISOString()],
  );
  const row = r.rows[0]!;
  return row.allowed ? 0 : Math.max(1, Math.ceil((1 - row.tokens) / rate.perSecond));
}

/** The seconds until `bucket` has a token at `now` (0: it has one), without taking it; a bucket never taken from is full. */
export async function waitForToken(db: Db, bucket: string, rate: BucketRate, now: Date): Promise<number> {
  const r = await db.query<{ t: number }>(
    `SELECT LEAST($2::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM ($4::timestamptz - at))) * $3::float8) AS t
     FROM rate_buckets WHERE bucket = $1`,
    [bucket, rate.burst, rate.perSecond, now.toISOString()],
  );
  const t = r.rows[0]?.t ?? rate.burst;
  return t >= 1 ? 0 : Math.max(1, Math.ceil((1 - t) / rate.perSecond));
}

/** Forgets buckets untouched since `before` (a full bucket and a missing one are the same). */
export async function forgetIdleBuckets(db: Db, before: Date): Promise<number> {
  const r = await db.query('DELETE FROM rate_buckets WHERE at < $1', [before.toISOString()]);
  return r.rowCount;
}
