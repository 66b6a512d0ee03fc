/**
 * The transactional outbox of actions: one row per decision and destination, keyed by (rule,
 * account, trigger, day) and the destination's place in the rule, so deciding a day again adds
 * nothing. The sender reads what is due and marks each row delivered, for a retry, or failed.
 */
import type { Db } from './db';

/** Outbox statuses: owed, done, given up (or refused for good), held back by the limits. */
export type OutboxStatus = 'pending' | 'delivered' | 'failed' | 'held';

/** A decision to store, for one destination of its rule. */
export interface OutboxInsert {
  key: string;
  destination: number;
  kind: string;
  deliveryId: string;
  ruleId: string;
  accountId: string;
  recipient: string;
  day: string;
  trigger: string;
  settings: unknown;
  change: unknown;
  status: 'pending' | 'held';
  heldReason: string | null;
}

/** A stored outbox row: the decision as inserted, and how its delivery went. */
export interface OutboxRow extends Omit<OutboxInsert, 'status'> {
  id: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  externalId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const COLUMNS = `id, key, destination, kind, delivery_id, rule_id, account_id, recipient, day, trigger, settings,
  change, status, held_reason, attempts, next_attempt_at, last_error, external_id, created_at, finished_at`;

type Raw = {
  id: number;
  key: string;
  destination: number;
  kind: string;
  delivery_id: string;
  rule_id: string;
  account_id: string;
  recipient: string;
  day: string;
  trigger: string;
  settings: unknown;
  change: unknown;
  status: OutboxStatus;
  held_reason: string | null;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  external_id: string | null;
  created_at: Date;
  finished_at: Date | null;
};

const rowOf = (x: Raw): OutboxRow => ({
  id: x.id,
  key: x.key,
  destination: x.destination,
  kind: x.kind,
  deliveryId: x.delivery_id,
  ruleId: x.rule_id,
  accountId: x.account_id,
  recipient: x.recipient,
  day: x.day,
  trigger: x.trigger,
  settings: x.settings,
  change: x.change,
  status: x.status,
  heldReason: x.held_reason,
  attempts: x.attempts,
  nextAttemptAt: x.next_attempt_at,
  lastError: x.last_error,
  externalId: x.external_id,
  createdAt: x.created_at,
  finishedAt: x.finished_at,
});

/** Stores decisions; a key already stored for a destination is left as it is. Returns the rows added. */
export async function insertOutbox(db: Db, orgId: string, rows: readonly OutboxInsert[], now: Date): Promise<number> {
  let added = 0;
  for (const x of rows) {
    const r = await db.query(
      `INSERT INTO action_outbox (org_id, key, destination, kind, delivery_id, rule_id, account_id, recipient, day,
         trigger, settings, change, status, held_reason, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11::jsonb, $12::jsonb, $13, $14, $15, $15)
       ON CONFLICT (org_id, key, destination) DO NOTHING`,
      [
        orgId,
        x.key,
        x.destination,
        x.kind,
        x.deliveryId,
        x.ruleId,
        x.accountId,
        x.recipient,
        x.day,
        x.trigger,
        JSON.stringify(x.settings ?? {}),
        JSON.stringify(x.change),
        x.status,
        x.heldReason,
        now.toISOString(),
      ],
    );
    added += r.rowCount;
  }
  return added;
}

/** Keys already decided (any status) on `day`. */
export async function decidedKeys(db: Db, orgId: string, day: string): Promise<Set<string>> {
  const r = await db.query<{ key: string }>(
    'SELECT DISTINCT key FROM action_outbox WHERE org_id = $1 AND day = $2::date',
    [orgId, day],
  );
  return new Set(r.rows.map((x) => x.key));
}

/** Decisions that fired (not held) from `from` to `to`, one per key: what the cooldown and the cap count. */
export async function firedSince(
  db: Db,
  orgId: string,
  from: string,
  to: string,
): Promise<{ ruleId: string; accountId: string; recipient: string; day: string }[]> {
  const r = await db.query<{ rule_id: string; account_id: string; recipient: string; day: string }>(
    `SELECT DISTINCT key, rule_id, account_id, recipient, day FROM action_outbox
     WHERE org_id = $1 AND status <> 'held' AND day BETWEEN $2::date AND $3::date ORDER BY day`,
    [orgId, from, to],
  );
  return r.rows.map((x) => ({ ruleId: x.rule_id, accountId: x.account_id, recipient: x.recipient, day: x.day }));
}

/** Pending rows due by `now`, oldest first (only one rule's, e.g. the system alerts, when `ruleId` is given). */
export async function listDue(db: Db, orgId: string, now: Date, limit = 1000, ruleId?: string): Promise<OutboxRow[]> {
  const r = await db.query<Raw>(
    `SELECT ${COLUMNS} FROM action_outbox WHERE org_id = $1 AND status = 'pending' AND next_attempt_at <= $2
       AND ($4::text IS NULL OR rule_id = $4) ORDER BY id LIMIT $3`,
    [orgId, now.toISOString(), limit, ruleId ?? null],
  );
  return r.rows.map(rowOf);
}

/** Whether a rule's `trigger` was decided (not held) for the org since `since` (the alerts' cooldown). */
export async function decidedSince(
  db: Db,
  orgId: string,
  ruleId: string,
  trigger: string,
  since: Date,
): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM action_outbox WHERE org_id = $1 AND rule_id = $2 AND trigger = $3 AND status <> 'held'
       AND created_at >= $4 LIMIT 1`,
    [orgId, ruleId, trigger, since.toISOString()],
  );
  return r.rowCount > 0;
}

/** Marks a row delivered (with the receiver's id for it, e.g. the Task id). */
export async function markDelivered(
  db: Db,
  orgId: string,
  id: number,
  externalId: string | null,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE action_outbox SET status = 'delivered', attempts = attempts + 1, external_id = $3, last_error = NULL,
       finished_at = $4 WHERE org_id = $1 AND id = $2`,
    [orgId, id, externalId, now.toISOString()],
  );
}

/** Records a failed attempt to try again at `next`. */
export async function markRetry(db: Db, orgId: string, id: number, error: string, next: Date): Promise<void> {
  await db.query(
    `UPDATE action_outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4
     WHERE org_id = $1 AND id = $2`,
    [orgId, id, error, next.toISOString()],
  );
}

/** Marks a row failed for good (a permanent refusal, or given up). */
export async function markFailed(db: Db, orgId: string, id: number, error: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE action_outbox SET status = 'failed', attempts = attempts + 1, last_error = $3, finished_at = $4
     WHERE org_id = $1 AND id = $2`,
    [orgId, id, error, now.toISOString()],
  );
}

/** An org's outbox rows, newest first (optionally one day's). */
export async function listOutbox(
  db: Db,
  orgId: string,
  opts: { day?: string; limit?: number } = {},
): Promise<OutboxRow[]> {
  const r = await db.query<Raw>(
    `SELECT ${COLUMNS} FROM action_outbox WHERE org_id = $1 AND ($2::date IS NULL OR day = $2::date)
     ORDER BY id DESC LIMIT $3`,
    [orgId, opts.day ?? null, opts.limit ?? 1000],
  );
  return r.rows.map(rowOf);
}

/** Outbox rows by destination kind and status, across orgs (the metrics read these at scrape time). */
export async function countOutbox(db: Db): Promise<{ kind: string; status: OutboxStatus; n: number }[]> {
  const r = await db.query<{ kind: string; status: OutboxStatus; n: number }>(
    'SELECT kind, status, count(*)::int AS n FROM action_outbox GROUP BY kind, status',
  );
  return r.rows;
}
