/**
 * Opportunities as outcomes (the backtest's and the suggested weights'): the ones an exported
 * opportunities.csv brings, and every live one of an org, whichever source stored it.
 */
import type { Db } from './db';
import { UPSERT_BATCH } from './accounts';

/** An opportunity as a backtest reads it: UTC days, not timestamps. */
export interface OutcomeOpportunity {
  id: string;
  accountId: string;
  /** UTC day it was created. */
  createdDay: string;
  /** UTC day it closed; null while open. */
  closedDay: string | null;
  isWon: boolean;
}

/** An opportunity from an exported opportunities.csv. */
export interface CsvOpportunity {
  id: string;
  accountId: string;
  createdAt: Date;
  closedAt: Date | null;
  stage: string | null;
  amount: number | null;
  isWon: boolean;
  type: string | null;
}

/** Upserts exported opportunities by id: closed when they carry a closedAt, close_date its UTC day. */
export async function upsertCsvOpportunities(db: Db, orgId: string, rows: readonly CsvOpportunity[]): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
    const b = rows.slice(i, i + UPSERT_BATCH);
    await db.query(
      `INSERT INTO opportunities (org_id, id, account_id, stage, amount, is_closed, is_won, created_at, close_date, type)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::boolean[], $7::boolean[],
                                $8::timestamptz[], $9::date[], $10::text[])
       ON CONFLICT (org_id, id) DO UPDATE SET account_id = EXCLUDED.account_id, stage = EXCLUDED.stage,
         amount = EXCLUDED.amount, is_closed = EXCLUDED.is_closed, is_won = EXCLUDED.is_won,
         created_at = EXCLUDED.created_at, close_date = EXCLUDED.close_date, type = EXCLUDED.type, is_deleted = false`,
      [
        orgId,
        b.map((o) => o.id),
        b.map((o) => o.accountId),
        b.map((o) => o.stage),
        b.map((o) => o.amount),
        b.map((o) => o.closedAt !== null),
        b.map((o) => o.isWon),
        b.map((o) => o.createdAt.toISOString()),
        b.map((o) => (o.closedAt ? o.closedAt.toISOString().slice(0, 10) : null)),
        b.map((o) => o.type),
      ],
    );
  }
}

/**
 * Every live opportunity of the org that names an account, with UTC days. A closed one without a
 * close date counts as closed on its creation day (Salesforce always has one; this only guards odd data).
 */
export async function listOutcomeOpportunities(db: Db, orgId: string): Promise<OutcomeOpportunity[]> {
  const r = await db.query<{ id: string; account_id: string; created: string; closed: string | null; is_won: boolean }>(
    `SELECT id, account_id, (created_at AT TIME ZONE 'UTC')::date::text AS created,
            CASE WHEN is_closed THEN COALESCE(close_date, (created_at AT TIME ZONE 'UTC')::date)::text END AS closed,
            is_won
     FROM opportunities WHERE org_id = $1 AND account_id IS NOT NULL AND NOT is_deleted ORDER BY id`,
    [orgId],
  );
  return r.rows.map((o) => ({
    id: o.id,
    accountId: o.account_id,
    createdDay: o.created,
    closedDay: o.closed,
    isWon: o.is_won,
  }));
}

/** The ids of the org's live accounts, sorted. */
export async function listAccountIds(db: Db, orgId: string): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    'SELECT id FROM accounts WHERE org_id = $1 AND NOT is_deleted ORDER BY id COLLATE "C"',
    [orgId],
  );
  return r.rows.map((x) => x.id);
}

/** A person with activity at an account before a day, with what the persona rules read. */
export interface EngagedPersonRow {
  accountId: string;
  personId: string;
  seniority: string;
  department: string;
  title: string | null;
}

/**
 * For each (account, day), the people with a non-excluded event at that account in the `windowDays`
 * days before the day (the day itself not included): who was engaged before an opportunity.
 */
export async function listEngagedPeopleBefore(
  db: Db,
  orgId: string,
  refs: readonly { accountId: string; day: string }[],
  windowDays: number,
): Promise<EngagedPersonRow[]> {
  if (refs.length === 0) return [];
  const r = await db.query<EngagedPersonRow>(
    `SELECT DISTINCT t.account_id AS "accountId", p.id AS "personId", p.seniority, p.department, p.title
     FROM unnest($2::text[], $3::date[]) AS t(account_id, day)
     JOIN events e ON e.org_id = $1 AND e.account_id = t.account_id AND e.excluded_reason IS NULL
       AND e.occurred_at >= (t.day - $4::int)::timestamp AT TIME ZONE 'UTC'
       AND e.occurred_at < t.day::timestamp AT TIME ZONE 'UTC'
     JOIN people p ON p.org_id = $1 AND p.id = e.person_id AND NOT p.is_deleted
     ORDER BY 1, 2`,
    [orgId, refs.map((x) => x.accountId), refs.map((x) => x.day), windowDays],
  );
  return r.rows;
}
