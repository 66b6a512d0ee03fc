/**
 * Model versions per org: a published version is immutable, carries its frozen `references` (the
 * resolved "auto" saturation references), and at most one is active.
 */
import type { Db } from './db';
import { PulseError } from '../errors';
import { parseModel, type Model } from '../model/schema';

/** A model version as stored. */
export interface StoredModel {
  model: Model;
  references: Record<string, number>;
  publishedAt: Date;
  isActive: boolean;
}

/**
 * Stores a new model version with its frozen references. Publishing the same version again with the same
 * document is a no-op that refreshes nothing; a different document under an existing version is refused.
 */
export async function saveModelVersion(
  db: Db,
  orgId: string,
  model: Model,
  references: Record<string, number>,
): Promise<void> {
  const existing = await db.query<{ document: unknown }>(
    'SELECT document FROM models WHERE org_id = $1 AND version = $2',
    [orgId, model.version],
  );
  const row = existing.rows[0];
  if (row) {
    if (JSON.stringify(parseModel(row.document)) !== JSON.stringify(model)) {
      throw new PulseError(
        'MODEL_VERSION_EXISTS',
        `model version "${model.version}" is already published with a different document; give the new model a new version`,
        { org: orgId, record: model.version },
      );
    }
    await db.query('UPDATE models SET "references" = $3::jsonb WHERE org_id = $1 AND version = $2', [
      orgId,
      model.version,
      JSON.stringify(references),
    ]);
    return;
  }
  await db.query('INSERT INTO models (org_id, version, document, "references") VALUES ($1, $2, $3::jsonb, $4::jsonb)', [
    orgId,
    model.version,
    JSON.stringify(model),
    JSON.stringify(references),
  ]);
}

/** Makes one version the org's active model (and no other). */
export async function activateModel(db: Db, orgId: string, version: string): Promise<void> {
  await db.transaction(async (tx) => {
    const found = await tx.query('SELECT 1 FROM models WHERE org_id = $1 AND version = $2', [orgId, version]);
    if (found.rowCount === 0) {
      throw new PulseError('MODEL_NOT_FOUND', `model version "${version}" is not published for org ${orgId}`, {
        org: orgId,
        record: version,
      });
    }
    await tx.query('UPDATE models SET is_active = false WHERE org_id = $1 AND is_active', [orgId]);
    // A shadow that goes live is no longer a shadow (it would be scored twice a day).
    await tx.query('UPDATE models SET is_active = true, is_shadow = false WHERE org_id = $1 AND version = $2', [
      orgId,
      version,
    ]);
  });
}

interface ModelRow {
  document: unknown;
  references: Record<string, number>;
  published_at: Date;
  is_active: boolean;
}

function toStored(row: ModelRow, orgId: string): StoredModel {
  return {
    model: parseModel(row.document, `org ${orgId} model`),
    references: row.references,
    publishedAt: row.published_at,
    isActive: row.is_active,
  };
}

/** The org's active model with its frozen references, or null when none is published. */
export async function loadActiveModel(db: Db, orgId: string): Promise<StoredModel | null> {
  const r = await db.query<ModelRow>(
    'SELECT document, "references", published_at, is_active FROM models WHERE org_id = $1 AND is_active',
    [orgId],
  );
  return r.rows[0] ? toStored(r.rows[0], orgId) : null;
}

/** One published version, or null. */
export async function loadModelVersion(db: Db, orgId: string, version: string): Promise<StoredModel | null> {
  const r = await db.query<ModelRow>(
    'SELECT document, "references", published_at, is_active FROM models WHERE org_id = $1 AND version = $2',
    [orgId, version],
  );
  return r.rows[0] ? toStored(r.rows[0], orgId) : null;
}

/** Every published version of the org, newest first. */
export async function listModelVersions(
  db: Db,
  orgId: string,
): Promise<{ version: string; publishedAt: Date; isActive: boolean }[]> {
  const r = await db.query<{ version: string; published_at: Date; is_active: boolean }>(
    'SELECT version, published_at, is_active FROM models WHERE org_id = $1 ORDER BY published_at DESC, version',
    [orgId],
  );
  return r.rows.map((x) => ({ version: x.version, publishedAt: x.published_at, isActive: x.is_active }));
}

/** Makes one stored version the org's shadow (and no other); the live version cannot be its own shadow. */
export async function setShadowModel(db: Db, orgId: string, version: string): Promise<void> {
  await db.transaction(async (tx) => {
    const found = await tx.query<{ is_active: boolean }>(
      'SELECT is_active FROM models WHERE org_id = $1 AND version = $2',
      [orgId, version],
    );
    const row = found.rows[0];
    if (!row) {
      throw new PulseError('MODEL_NOT_FOUND', `model version "${version}" is not stored for org ${orgId}`, {
        org: orgId,
        record: version,
      });
    }
    if (row.is_active) {
      throw new PulseError(
        'SHADOW_IS_LIVE',
        `model version "${version}" is org ${orgId}'s live model; a shadow needs its own version`,
        { org: orgId, record: version },
      );
    }
    await tx.query('UPDATE models SET is_shadow = false WHERE org_id = $1 AND is_shadow', [orgId]);
    await tx.query('UPDATE models SET is_shadow = true WHERE org_id = $1 AND version = $2', [orgId, version]);
  });
}

/** Removes the org's shadow (its version and snapshots stay stored); returns its version, or null. */
export async function clearShadowModel(db: Db, orgId: string): Promise<string | null> {
  const r = await db.query<{ version: string }>(
    'UPDATE models SET is_shadow = false WHERE org_id = $1 AND is_shadow RETURNING version',
    [orgId],
  );
  return r.rows[0]?.version ?? null;
}

/** The org's shadow version with its frozen references, or null. */
export async function loadShadowModel(db: Db, orgId: string): Promise<StoredModel | null> {
  const r = await db.query<ModelRow>(
    'SELECT document, "references", published_at, is_active FROM models WHERE org_id = $1 AND is_shadow',
    [orgId],
  );
  return r.rows[0] ? toStored(r.rows[0], orgId) : null;
}
