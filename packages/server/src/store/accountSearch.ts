import type { Db } from './db';

/** An account as the console's search lists it, with its latest score of the live version. */
export interface AccountHit {
  accountId: string;
  name: string;
  domain: string | null;
  score: number | null;
  band: string | null;
  trend: string | null;
}

/** `%` and `_` match literally in a search term. */
const likeTerm = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Accounts whose name or domain contains `q` (any case), best score first, with the score, band and
 * trend of `modelVersion` on its latest scored day (null: not scored, or no live version).
 */
export async function searchAccounts(
  db: Db,
  orgId: string,
  modelVersion: string | null,
  q: string,
  limit: number,
): Promise<AccountHit[]> {
  const r = await db.query<AccountHit>(
    `WITH last AS (SELECT max(day) AS day FROM snapshots WHERE org_id = $1 AND model_version = $2)
     SELECT a.id AS "accountId", a.name, a.domain, s.score, s.band, s.detail->>'trend' AS trend
     FROM accounts a
     LEFT JOIN snapshots s ON s.org_id = a.org_id AND s.model_version = $2 AND s.account_id = a.id
       AND s.day = (SELECT day FROM last)
     WHERE a.org_id = $1 AND NOT a.is_deleted AND ($3 = '' OR a.name ILIKE $4 OR a.domain ILIKE $4)
     ORDER BY s.score DESC NULLS LAST, a.name, a.id LIMIT $5`,
    [orgId, modelVersion, q, likeTerm(q), limit],
  );
  return r.rows.map((x) => ({ ...x, score: x.score === null ? null : Math.round(Number(x.score)) }));
}
