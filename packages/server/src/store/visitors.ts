import type { Db } from './db';

/** What an identify or group call taught us: this visitor is this email and/or this company domain. */
export interface VisitorLink {
  visitorId: string;
  email: string | null;
  domain: string | null;
}

/**
 * Records visitor links; a later link keeps what it does not replace (identify sets the email,
 * group the domain, each leaving the other). Within one batch the last link of a visitor wins.
 */
export async function upsertVisitorLinks(db: Db, orgId: string, links: readonly VisitorLink[]): Promise<void> {
  if (links.length === 0) return;
  const merged = new Map<string, VisitorLink>();
  for (const l of links) {
    const prev = merged.get(l.visitorId);
    merged.set(l.visitorId, {
      visitorId: l.visitorId,
      email: l.email ?? prev?.email ?? null,
      domain: l.domain ?? prev?.domain ?? null,
    });
  }
  // In id order, so concurrent requests lock shared visitors in the same order.
  const rows = [...merged.values()].sort((a, b) =>
    a.visitorId < b.visitorId ? -1 : a.visitorId > b.visitorId ? 1 : 0,
  );
  await db.query(
    `INSERT INTO ingest_visitors (org_id, visitor_id, email, domain)
     SELECT $1, visitor_id, email, domain FROM unnest($2::text[], $3::text[], $4::text[]) AS t(visitor_id, email, domain)
     ON CONFLICT (org_id, visitor_id) DO UPDATE SET
       email = COALESCE(EXCLUDED.email, ingest_visitors.email),
       domain = COALESCE(EXCLUDED.domain, ingest_visitors.domain),
       updated_at = EXCLUDED.updated_at`,
    [orgId, rows.map((r) => r.visitorId), rows.map((r) => r.email), rows.map((r) => r.domain)],
  );
}

/** The links known for these visitor ids. */
export async function findVisitorLinks(
  db: Db,
  orgId: string,
  visitorIds: readonly string[],
): Promise<Map<string, VisitorLink>> {
  const out = new Map<string, VisitorLink>();
  if (visitorIds.length === 0) return out;
  const r = await db.query<VisitorLink>(
    `SELECT visitor_id AS "visitorId", email, domain FROM ingest_visitors WHERE org_id = $1 AND visitor_id = ANY($2::text[])`,
    [orgId, [...new Set(visitorIds)]],
  );
  for (const row of r.rows) out.set(row.visitorId, row);
  return out;
}
