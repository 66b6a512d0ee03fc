/**
 * What the console keeps about model versions besides the document (models.ts): who published
 * each, with what note and content hash, the figures of its latest scored day, and the one draft.
 */
import type { Db } from './db';
import { ensureOrg } from './orgs';

/** Who published a version, why, and the hash of its document. */
export interface VersionMeta {
  author: string | null;
  note: string | null;
  contentHash: string | null;
}

/** Records who published a version and why (a version's document never changes; this is said once). */
export async function annotateModelVersion(db: Db, orgId: string, version: string, meta: VersionMeta): Promise<void> {
  await db.query(
    `UPDATE models SET author = COALESCE(author, $3), note = COALESCE(note, $4), content_hash = COALESCE(content_hash, $5)
     WHERE org_id = $1 AND version = $2`,
    [orgId, version, meta.author, meta.note, meta.contentHash],
  );
}

/** A version as the version list shows it. */
export interface VersionRow extends VersionMeta {
  version: string;
  publishedAt: Date;
  isActive: boolean;
  isShadow: boolean;
  document: unknown;
}

/** Every version of the org with its meta, newest first. */
export async function listVersionRows(db: Db, orgId: string): Promise<VersionRow[]> {
  const r = await db.query<{
    version: string;
    published_at: Date;
    is_active: boolean;
    is_shadow: boolean;
    author: string | null;
    note: string | null;
    content_hash: string | null;
    document: unknown;
  }>(
    `SELECT version, published_at, is_active, is_shadow, author, note, content_hash, document FROM models
     WHERE org_id = $1 ORDER BY published_at DESC, version`,
    [orgId],
  );
  return r.rows.map((x) => ({
    version: x.version,
    publishedAt: new Date(x.published_at),
    isActive: x.is_active,
    isShadow: x.is_shadow,
    author: x.author,
    note: x.note,
    contentHash: x.content_hash,
    document: x.document,
  }));
}

/** A version's figures on its latest scored day. */
export interface VersionFigures {
  day: string;
  accounts: number;
  meanScore: number;
  bands: Record<string, number>;
  mqa: number;
}

/** The figures of every scored version of the org on its own latest day. */
export async function versionFigures(db: Db, orgId: string): Promise<Map<string, VersionFigures>> {
  const r = await db.query<{ model_version: string; day: string; band: string; n: number; total: number; mqa: number }>(
    `WITH last AS (
       SELECT model_version, max(day) AS day FROM snapshots WHERE org_id = $1 GROUP BY model_version
     )
     SELECT s.model_version, l.day, s.band, count(*)::int AS n, sum(s.score)::float8 AS total,
       count(*) FILTER (WHERE s.mqa)::int AS mqa
     FROM snapshots s JOIN last l ON l.model_version = s.model_version AND l.day = s.day
     WHERE s.org_id = $1 GROUP BY s.model_version, l.day, s.band`,
    [orgId],
  );
  const out = new Map<string, VersionFigures & { sum: number }>();
  for (const row of r.rows) {
    const f = out.get(row.model_version) ?? { day: row.day, accounts: 0, meanScore: 0, bands: {}, mqa: 0, sum: 0 };
    f.accounts += row.n;
    f.sum += row.total;
    f.mqa += row.mqa;
    f.bands[row.band] = row.n;
    out.set(row.model_version, f);
  }
  return new Map(
    [...out].map(([v, { sum, ...f }]) => [
      v,
      { ...f, meanScore: f.accounts ? Math.round((sum / f.accounts) * 10) / 10 : 0 },
    ]),
  );
}

/** Saves the org's draft model (one per org). */
export async function saveModelDraft(
  db: Db,
  orgId: string,
  document: unknown,
  author: string,
  at: Date,
): Promise<void> {
  await ensureOrg(db, orgId);
  await db.query(
    `INSERT INTO console_model_drafts (org_id, document, author, updated_at) VALUES ($1, $2::jsonb, $3, $4)
     ON CONFLICT (org_id) DO UPDATE SET document = EXCLUDED.document, author = EXCLUDED.author, updated_at = EXCLUDED.updated_at`,
    [orgId, JSON.stringify(document), author, at.toISOString()],
  );
}

/** The org's draft model document, or null. */
export async function loadModelDraft(db: Db, orgId: string): Promise<unknown> {
  const r = await db.query<{ document: unknown }>('SELECT document FROM console_model_drafts WHERE org_id = $1', [
    orgId,
  ]);
  return r.rows[0]?.document ?? null;
}

/** Drops the org's draft (it was published). */
export async function clearModelDraft(db: Db, orgId: string): Promise<void> {
  await db.query('DELETE FROM console_model_drafts WHERE org_id = $1', [orgId]);
}
