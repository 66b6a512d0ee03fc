/**
 * Checkpoints: where each stream's next pull resumes (one row per org and stream in
 * `sync_checkpoints`). A Salesforce object's checkpoint is its watermark (newest SystemModstamp
 * stored); a MAP source's (`map:<source>`) adds the vendor's opaque cursor.
 */
import type { Db } from './db';

/** A stream's resume point: the newest source time fully stored and the vendor's opaque cursor. */
export interface Checkpoint {
  watermark: Date | null;
  cursor: string | null;
}

/** A stored checkpoint with its stream and the records pulled into it so far. */
export interface StoredCheckpoint extends Checkpoint {
  stream: string;
  records: number;
}

/** The stream's checkpoint, or nulls before its first pull. */
export async function getCheckpoint(db: Db, orgId: string, stream: string): Promise<Checkpoint> {
  const r = await db.query<Checkpoint>(
    'SELECT watermark, cursor FROM sync_checkpoints WHERE org_id = $1 AND stream = $2',
    [orgId, stream],
  );
  return { watermark: r.rows[0]?.watermark ?? null, cursor: r.rows[0]?.cursor ?? null };
}

/** Saves a checkpoint as the source gave it (its watermark never moves back) and adds to its record count. */
export async function saveCheckpoint(
  db: Db,
  orgId: string,
  stream: string,
  checkpoint: Checkpoint,
  records: number,
): Promise<void> {
  await db.query(
    `INSERT INTO sync_checkpoints (org_id, stream, watermark, cursor, records) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, stream) DO UPDATE SET
       watermark = GREATEST(sync_checkpoints.watermark, EXCLUDED.watermark), cursor = EXCLUDED.cursor,
       records = sync_checkpoints.records + EXCLUDED.records, updated_at = EXCLUDED.updated_at`,
    [orgId, stream, checkpoint.watermark?.toISOString() ?? null, checkpoint.cursor, records],
  );
}

/** Forgets one stream's checkpoint (a `--full` pull of one MAP source). */
export async function resetCheckpoint(db: Db, orgId: string, stream: string): Promise<void> {
  await db.query('DELETE FROM sync_checkpoints WHERE org_id = $1 AND stream = $2', [orgId, stream]);
}

/** Forgets every Salesforce checkpoint of an org (a `--full` pull starts from the beginning); MAP ones stay. */
export async function resetSalesforceCheckpoints(db: Db, orgId: string): Promise<void> {
  await db.query(`DELETE FROM sync_checkpoints WHERE org_id = $1 AND stream NOT LIKE 'map:%'`, [orgId]);
}

/** All checkpoints of an org, by stream. */
export async function listCheckpoints(db: Db, orgId: string): Promise<StoredCheckpoint[]> {
  const r = await db.query<StoredCheckpoint>(
    'SELECT stream, watermark, cursor, records FROM sync_checkpoints WHERE org_id = $1 ORDER BY stream',
    [orgId],
  );
  return r.rows;
}
