import type { Db } from './db';
import { UPSERT_BATCH } from './accounts';

/** A person (contact, lead, MAP record) with the normalized identity fields filled in. */
export interface PersonRecord {
  id: string;
  kind?: string;
  accountId: string | null;
  email: string | null;
  name: string;
  title: string | null;
  departmentExplicit: string | null;
  seniority: string;
  department: string;
  matchMethod: string | null;
  matchConfidence: number | null;
  attributes?: Record<string, unknown>;
}

/** Inserts or updates people by (org, id) in unnest batches; unchanged rows are left alone. */
export async function upsertPeople(
  db: Db,
  orgId: string,
  people: readonly PersonRecord[],
  opts: { keepMatch?: boolean } = {},
): Promise<void> {
  // keepMatch: a source that re-sends a person must not undo the matching done after its pull
  // (account, method, confidence, merged_into are the matcher's, not the source's).
  const keep = opts.keepMatch === true;
  for (let i = 0; i < people.length; i += UPSERT_BATCH) {
    const b = people.slice(i, i + UPSERT_BATCH);
    await db.query(
      `INSERT INTO people (org_id, id, kind, account_id, email, name, title, department_explicit, seniority, department,
                           match_method, match_confidence, attributes)
       SELECT $1, id, kind, account_id, email, name, title, department_explicit, seniority, department,
              match_method, match_confidence, attributes::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::real[], $13::text[])
         AS t(id, kind, account_id, email, name, title, department_explicit, seniority, department,
              match_method, match_confidence, attributes)
       ON CONFLICT (org_id, id) DO UPDATE SET
         kind = EXCLUDED.kind, email = EXCLUDED.email, name = EXCLUDED.name,
         title = EXCLUDED.title, department_explicit = EXCLUDED.department_explicit, seniority = EXCLUDED.seniority,
         department = EXCLUDED.department, attributes = EXCLUDED.attributes, is_deleted = false,
         account_id = CASE WHEN ${keep} THEN people.account_id ELSE EXCLUDED.account_id END,
         match_method = CASE WHEN ${keep} THEN people.match_method ELSE EXCLUDED.match_method END,
         match_confidence = CASE WHEN ${keep} THEN people.match_confidence ELSE EXCLUDED.match_confidence END,
         updated_at = EXCLUDED.updated_at
       WHERE (people.kind, people.email, people.name, people.title, people.department_explicit,
              people.seniority, people.department, people.attributes, people.is_deleted)
         IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.email, EXCLUDED.name, EXCLUDED.title,
              EXCLUDED.department_explicit, EXCLUDED.seniority, EXCLUDED.department, EXCLUDED.attributes, false)
         OR (NOT ${keep} AND (people.account_id, people.match_method, people.match_confidence)
              IS DISTINCT FROM (EXCLUDED.account_id, EXCLUDED.match_method, EXCLUDED.match_confidence))`,
      [
        orgId,
        b.map((p) => p.id),
        b.map((p) => p.kind ?? 'contact'),
        b.map((p) => p.accountId),
        b.map((p) => p.email),
        b.map((p) => p.name),
        b.map((p) => p.title),
        b.map((p) => p.departmentExplicit),
        b.map((p) => p.seniority),
        b.map((p) => p.department),
        b.map((p) => p.matchMethod),
        b.map((p) => p.matchConfidence),
        b.map((p) => JSON.stringify(p.attributes ?? {})),
      ],
    );
  }
}

/** One person by id, or null. */
export async function getPerson(db: Db, orgId: string, personId: string): Promise<PersonRecord | null> {
  const r = await db.query<PersonRecord>(
    `SELECT id, kind, account_id AS "accountId", email, name, title, department_explicit AS "departmentExplicit",
            seniority, department, match_method AS "matchMethod", match_confidence AS "matchConfidence", attributes
     FROM people WHERE org_id = $1 AND id = $2`,
    [orgId, personId],
  );
  return r.rows[0] ?? null;
}

/** The people of one account, by id. */
export async function listAccountPeople(db: Db, orgId: string, accountId: string): Promise<PersonRecord[]> {
  const r = await db.query<PersonRecord>(
    `SELECT id, kind, account_id AS "accountId", email, name, title, department_explicit AS "departmentExplicit",
            seniority, department, match_method AS "matchMethod", match_confidence AS "matchConfidence", attributes
     FROM people WHERE org_id = $1 AND account_id = $2 AND NOT is_deleted ORDER BY id`,
    [orgId, accountId],
  );
  return r.rows;
}

/** Names and titles of some people, for the outputs that name them. */
export async function listPeopleNames(
  db: Db,
  orgId: string,
  personIds: readonly string[],
): Promise<{ id: string; name: string; title: string | null }[]> {
  if (personIds.length === 0) return [];
  const r = await db.query<{ id: string; name: string; title: string | null }>(
    'SELECT id, name, title FROM people WHERE org_id = $1 AND id = ANY($2::text[])',
    [orgId, personIds],
  );
  return r.rows;
}
