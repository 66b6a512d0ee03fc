/** Per-org field mapping overrides (output → Account field, or null for off). */
import type { AccountOutputKey } from '../contract/fields';
import type { FieldMappingOverrides } from '../contract/fieldMapping';
import type { Db } from './db';

/** The org's overrides; outputs without a row keep the contract default. */
export async function loadFieldMappingOverrides(db: Db, orgId: string): Promise<FieldMappingOverrides> {
  const r = await db.query<{ output: AccountOutputKey; field: string | null }>(
    'SELECT output, field FROM field_mappings WHERE org_id = $1 ORDER BY output',
    [orgId],
  );
  return Object.fromEntries(r.rows.map((row) => [row.output, row.field])) as FieldMappingOverrides;
}

/** Sets one output's field (null = off). */
export async function setFieldMapping(
  db: Db,
  orgId: string,
  output: AccountOutputKey,
  field: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO field_mappings (org_id, output, field) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, output) DO UPDATE SET field = EXCLUDED.field, updated_at = EXCLUDED.updated_at`,
    [orgId, output, field],
  );
}

/** Drops an override so the output falls back to its default field. */
export async function resetFieldMapping(db: Db, orgId: string, output: AccountOutputKey): Promise<void> {
  await db.query('DELETE FROM field_mappings WHERE org_id = $1 AND output = $2', [orgId, output]);
}
