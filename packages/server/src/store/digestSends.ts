/**
 * SQL of the weekly digest's sends (migration 095): one row per org, week and owner once that owner's
 * digest was delivered or refused for good, so each owner gets one digest per week.
 */
import type { Db } from './db';

/** One owner's final outcome for a week. */
export interface DigestSend {
  ownerId: string;
  email: string;
  status: 'delivered' | 'failed';
  messageId: string | null;
  error: string | null;
}

/** The owners whose digest of the week ending `weekEnd` is done (delivered or failed for good). */
export async function readDigestSends(db: Db, orgId: string, weekEnd: string): Promise<Map<string, DigestSend>> {
  const r = await db.query<{
    owner_id: string;
    email: string;
    status: 'delivered' | 'failed';
    message_id: string | null;
    error: string | null;
  }>(`SELECT owner_id, email, status, message_id, error FROM digest_sends WHERE org_id = $1 AND week_end = $2::date`, [
    orgId,
    weekEnd,
  ]);
  return new Map(
    r.rows.map((x) => [
      x.owner_id,
      { ownerId: x.owner_id, email: x.email, status: x.status, messageId: x.message_id, error: x.error },
    ]),
  );
}

/** Records owners' final outcomes for the week (a second record of an owner keeps the first). */
export async function recordDigestSends(
  db: Db,
  orgId: string,
  weekEnd: string,
  sends: readonly DigestSend[],
  at: Date,
): Promise<void> {
  for (const s of sends) {
    await db.query(
      `INSERT INTO digest_sends (org_id, week_end, owner_id, email, status, message_id, error, sent_at)
       VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id, week_end, owner_id) DO NOTHING`,
      [orgId, weekEnd, s.ownerId, s.email, s.status, s.messageId, s.error, at],
    );
  }
}
