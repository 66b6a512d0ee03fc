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

/** Forgets every Salesforce watermark of an org (a `--full` pull starts from the beginning); MAP checkpoints stay. */
export async function resetWatermarks(db: Db, orgId: string): Promise<void> {
  await db.query(`DELETE FROM sync_state WHERE org_id = $1 AND object NOT LIKE 'map:%'`, [orgId]);
}

/** All watermarks of an org, by object. */
export async function listWatermarks(db: Db, orgId: string): Promise<Watermark[]> {
  const r = await db.query<Watermark>(
    'SELECT object, watermark, records FROM sync_state WHERE org_id = $1 ORDER BY object',
    [orgId],
  );
  return r.rows;
}

/** A source's resume point: its watermark and the vendor's opaque cursor (MAP sources). */
export async function getCheckpoint(
  db: Db,
  orgId: string,
  object: string,
): Promise<{ watermark: Date | null; cursor: string | null }> {
  const r = await db.query<{ watermark: Date | null; cursor: string | null }>(
    'SELECT watermark, cursor FROM sync_state WHERE org_id = $1 AND object = $2',
    [orgId, object],
  );
  return { watermark: r.rows[0]?.watermark ?? null, cursor: r.rows[0]?.cursor ?? null };
}

/** Saves a resume point as the source gave it (its watermark never moves back) and adds to its record count. */
export async function saveCheckpoint(
  db: Db,
  orgId: string,
  object: string,
  checkpoint: { watermark: Date | null; cursor: string | null },
  records: number,
): Promise<void> {
  await db.query(
    `INSERT INTO sync_state (org_id, object, watermark, cursor, records) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, object) DO UPDATE SET
       watermark = GREATEST(sync_state.watermark, EXCLUDED.watermark), cursor = EXCLUDED.cursor,
       records = sync_state.records + EXCLUDED.records, updated_at = now()`,
    [orgId, object, checkpoint.watermark?.toISOString() ?? null, checkpoint.cursor, records],
  );
}

/** Forgets one object's resume point (a `--full` pull of one source). */
export async function resetCheckpoint(db: Db, orgId: string, object: string): Promise<void> {
  await db.query('DELETE FROM sync_state WHERE org_id = $1 AND object = $2', [orgId, object]);
}
