/**
 * The weekly owner digest as an action: the rules document's `digest` setting says the weekday and
 * the SMTP server; the daily run sends it on that weekday for the seven days ending that day, and
 * `pulse actions digest` on demand. Each owner gets one digest per org and week: final outcomes are
 * stored (store/digestSends.ts) and owners already done are skipped, so a re-run sends nothing new
 * and a transient refusal is tried again by the next send.
 */
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { readDigestSends, recordDigestSends } from '../store/digestSends';
import type { Db } from '../store/db';
import { gatherOwnerDigests, sendOwnerDigests } from './digest';
import { WEEKDAYS, type DigestSetting } from './rules';

/** What one digest send did. */
export interface WeeklyDigestResult {
  weekEnd: string;
  /** Owners sent now, refused for good now, to retry, already done before, without an email. */
  delivered: number;
  failed: number;
  retrying: number;
  alreadySent: number;
  withoutEmail: number;
  failures: { ownerId: string; error: string }[];
}

/** The digest weekday of `day` (YYYY-MM-DD, UTC). */
export function weekdayOf(day: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7]!;
}

/** Sends the digest of the week ending `weekEnd` to every owner not sent it yet; see the module comment. */
export async function sendWeeklyDigest(
  db: Db,
  opts: {
    orgId: string;
    weekEnd: string;
    setting: DigestSetting;
    now: Date;
    modelVersion?: string;
    env?: NodeJS.ProcessEnv;
    transport?: Transporter<SMTPTransport.SentMessageInfo>;
  },
): Promise<WeeklyDigestResult> {
  const { orgId, weekEnd } = opts;
  const gathered = await gatherOwnerDigests(db, orgId, weekEnd, undefined, opts.modelVersion);
  const done = await readDigestSends(db, orgId, weekEnd);
  const due = gathered.digests.filter((d) => !done.has(d.ownerId));
  const outcomes =
    due.length === 0
      ? []
      : await sendOwnerDigests(due, {
          smtp: opts.setting.smtp,
          sendEmpty: opts.setting.sendEmpty,
          env: opts.env,
          transport: opts.transport,
        });
  await recordDigestSends(
    db,
    orgId,
    weekEnd,
    outcomes.flatMap((o) =>
      o.outcome.status === 'retry'
        ? []
        : [
            {
              ownerId: o.ownerId,
              email: o.ownerEmail,
              status: o.outcome.status,
              messageId: o.outcome.status === 'delivered' ? (o.outcome.externalId ?? null) : null,
              error: o.outcome.status === 'failed' ? o.outcome.error : null,
            },
          ],
    ),
    opts.now,
  );
  const result: WeeklyDigestResult = {
    weekEnd,
    delivered: 0,
    failed: 0,
    retrying: 0,
    alreadySent: gathered.digests.length - due.length,
    withoutEmail: gathered.withoutEmail.length,
    failures: [],
  };
  for (const o of outcomes) {
    if (o.outcome.status === 'delivered') result.delivered++;
    else {
      if (o.outcome.status === 'failed') result.failed++;
      else result.retrying++;
      result.failures.push({ ownerId: o.ownerId, error: o.outcome.error });
    }
  }
  return result;
}
