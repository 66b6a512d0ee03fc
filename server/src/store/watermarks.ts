import type { Db } from './db';

/** Where the pull of one object stands for an org. */
export interface Watermark {
  object: string;
  watermark: Date | null;
  records: number;
}

/** The watermark of one object, or null before its first pull. */
export async function getWatermark(db: Db, orgId: string, object: string): Promise<Date | null> {
  const r = await db.query<{ watermark: Date | null }>(
    'SELECT watermark FROM sync_state WHERE org_id = $1 AND object = $2',
    [orgId, object],
  );
  return r.rows[0]?.watermark ?? null;
}

/** Moves an object's watermark forward (never back) and adds to its record count. */
export async function advanceWatermark(
  db: Db,
  orgId: string,
  object: string,
  watermark: Date,
  records: number,
): Promise<void> {
  await db.query(
    `INSERT INTO sync_state (org_id, object, watermark, records) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, object) DO UPDATE SET
       watermark = GREATEST(sync_state.watermark, EXCLUDED.watermark),
       records = sync_state.records + EXCLUDED.records, updated_at = now()`,
    [orgId, object, watermark.toISOString(), records],
  );
}

/** Forgets every watermark of an org (a `--full` pull starts from the beginning). */
export async function resetWatermarks(db: Db, orgId: string): Promise<void> {
  await db.query('DELETE FROM sync_state WHERE org_id = $1', [orgId]);
}

/** All watermarks of an org, by object. */
export async function listWatermarks(db: Db, orgId: string): Promise<Watermark[]> {
  const r = await db.query<Watermark>(
    'SELECT object, watermark, records FROM sync_state WHERE org_id = $1 ORDER BY object',
    [orgId],
  );
  return r.rows;
}
