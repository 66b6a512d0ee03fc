/**
 * What the actions core reads and keeps besides the outbox: the org's rules document, the days
 * decided, each account's daily history as triggers read it, and the accounts with their owners.
 */
import type { Db } from './db';

/** The org's stored rules document (as validated when it was set), or null when none is stored. */
export async function loadRulesDocument(db: Db, orgId: string): Promise<{ document: unknown; updatedAt: Date } | null> {
  const r = await db.query<{ document: unknown; updated_at: Date }>(
    'SELECT document, updated_at FROM action_rules WHERE org_id = $1',
    [orgId],
  );
  const row = r.rows[0];
  return row ? { document: row.document, updatedAt: row.updated_at } : null;
}

/** Stores the org's rules document (replacing the one before). */
export async function saveRulesDocument(db: Db, orgId: string, document: unknown): Promise<void> {
  await db.query(
    `INSERT INTO action_rules (org_id, document, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (org_id) DO UPDATE SET document = EXCLUDED.document, updated_at = EXCLUDED.updated_at`,
    [orgId, JSON.stringify(document)],
  );
}

/** The last day before `day` whose actions were decided, or null. */
export async function lastDecidedDay(db: Db, orgId: string, day: string): Promise<string | null> {
  const r = await db.query<{ day: string | null }>(
    'SELECT max(day) AS day FROM action_days WHERE org_id = $1 AND day < $2::date',
    [orgId, day],
  );
  return r.rows[0]?.day ?? null;
}

/** Records that `day`'s actions were decided, adding what this decision fired and held. */
export async function markDayDecided(db: Db, orgId: string, day: string, fired: number, held: number): Promise<void> {
  await db.query(
    `INSERT INTO action_days (org_id, day, fired, held) VALUES ($1, $2::date, $3, $4)
     ON CONFLICT (org_id, day) DO UPDATE SET fired = action_days.fired + EXCLUDED.fired,
       held = action_days.held + EXCLUDED.held, decided_at = EXCLUDED.decided_at`,
    [orgId, day, fired, held],
  );
}

/** One account-day as triggers read it. */
export interface HistoryPoint {
  accountId: string;
  day: string;
  /** The exact score (round it for the shown one). */
  score: number;
  mqa: boolean;
  missingPersonas: string[];
}

/** Every snapshot of a model version over an inclusive day range, as triggers read them. */
export async function readTriggerHistory(
  db: Db,
  orgId: string,
  modelVersion: string,
  from: string,
  to: string,
): Promise<HistoryPoint[]> {
  const r = await db.query<{
    account_id: string;
    day: string;
    score: number;
    mqa: boolean;
    missing_personas: string[];
  }>(
    `SELECT account_id, day, score, mqa, missing_personas FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date ORDER BY account_id, day`,
    [orgId, modelVersion, from, to],
  );
  return r.rows.map((x) => ({
    accountId: x.account_id,
    day: x.day,
    score: x.score,
    mqa: x.mqa,
    missingPersonas: x.missing_personas,
  }));
}

/** The newest day with snapshots of a model version, or null. */
export async function latestSnapshotDay(db: Db, orgId: string, modelVersion: string): Promise<string | null> {
  const r = await db.query<{ day: string | null }>(
    'SELECT max(day) AS day FROM snapshots WHERE org_id = $1 AND model_version = $2',
    [orgId, modelVersion],
  );
  return r.rows[0]?.day ?? null;
}

/** A day's snapshot detail of some accounts (band, trend, top people, change drivers), by account. */
export async function readDayDetail(
  db: Db,
  orgId: string,
  modelVersion: string,
  day: string,
  accountIds: readonly string[],
): Promise<Map<string, { band: string; detail: Record<string, unknown> }>> {
  const r = await db.query<{ account_id: string; band: string; detail: Record<string, unknown> }>(
    `SELECT account_id, band, detail FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day = $3::date AND account_id = ANY($4::text[])`,
    [orgId, modelVersion, day, accountIds],
  );
  return new Map(r.rows.map((x) => [x.account_id, { band: x.band, detail: x.detail }]));
}

/** An account with its owner, as rules scope and messages read it. */
export interface ActionAccountRow {
  id: string;
  name: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  industry: string | null;
  employees: number | null;
  attributes: Record<string, unknown>;
}

/** The org's live accounts with their owner's name and email (from the pulled Users). */
export async function listActionAccounts(db: Db, orgId: string): Promise<ActionAccountRow[]> {
  const r = await db.query<{
    id: string;
    name: string;
    owner_id: string | null;
    owner_name: string | null;
    owner_email: string | null;
    industry: string | null;
    employees: number | null;
    attributes: Record<string, unknown>;
  }>(
    `SELECT a.id, a.name, a.owner_id, a.owner_name, u.fields->>'Email' AS owner_email, a.industry, a.employees,
       a.attributes
     FROM accounts a
     LEFT JOIN source_records u ON u.org_id = a.org_id AND u.object = 'User' AND u.id = a.owner_id
     WHERE a.org_id = $1 AND NOT a.is_deleted`,
    [orgId],
  );
  return r.rows.map((x) => ({
    id: x.id,
    name: x.name,
    ownerId: x.owner_id,
    ownerName: x.owner_name,
    ownerEmail: x.owner_email,
    industry: x.industry,
    employees: x.employees,
    attributes: x.attributes ?? {},
  }));
}
