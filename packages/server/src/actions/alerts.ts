/**
 * System alerts to admins: a daily run that failed or ended partial — the Salesforce sign-in refused,
 * a permission the write needs lost (the preflight runs every day), the API budget or Salesforce's
 * limit stopping a stage — goes through the destinations the rules' `alerts` names, so scores never
 * go stale silently. Stored in the outbox like actions: one key per code and day (a second failed run
 * that day adds nothing), and a code sent within `cooldownHours` is held back (counted, not sent).
 */
import type { Db } from '../store/db';
import { decidedSince, insertOutbox } from '../store/outbox';
import { deliveryIdOf } from './decide';
import type { SystemAlert } from './destination';
import type { RulesDocument } from './rules';

/** The outbox's rule id of system alerts. */
export const ALERTS_RULE = '_alerts';

/** The parts of a run an alert is made of. */
export interface RunOutcome {
  runId: number;
  status: 'succeeded' | 'partial' | 'failed' | 'skipped';
  asOf: string;
  failures: { stage: string; code: string; message: string }[];
}

const CREDENTIAL = new Set(['SF_AUTH', 'SECRET_KEY_MISSING', 'INVALID_SESSION_ID']);
const BUDGET = new Set(['SF_BUDGET', 'REQUEST_LIMIT_EXCEEDED']);

/** The alert a run calls for (none when it succeeded or was skipped). */
export function alertOf(orgId: string, run: RunOutcome): SystemAlert | null {
  const base = { orgId, day: run.asOf, runId: run.runId };
  if (run.status === 'failed') {
    const f = run.failures.at(-1);
    const code = !f
      ? 'RUN_FAILED'
      : CREDENTIAL.has(f.code)
        ? 'CREDENTIAL_REFUSED'
        : f.code === 'PREFLIGHT_FAILED'
          ? 'PERMISSION_LOST'
          : 'RUN_FAILED';
    return {
      ...base,
      code,
      message: `run ${run.runId} failed at ${f?.stage ?? 'run'}: ${f?.code ?? ''}: ${f?.message ?? ''}`,
    };
  }
  if (run.status === 'partial') {
    const budget = run.failures.find((f) => BUDGET.has(f.code));
    if (budget) return { ...base, code: 'BUDGET_STOPPED', message: `run ${run.runId}: ${budget.message}` };
    const f = run.failures[0];
    const more = run.failures.length > 1 ? ` (and ${run.failures.length - 1} more)` : '';
    return {
      ...base,
      code: 'RUN_PARTIAL',
      message: `run ${run.runId} ended partial: ${f?.code ?? ''}: ${f?.message ?? ''}${more}`,
    };
  }
  return null;
}

/** How long after its slot a scheduled daily run may start before the admins hear it is late. */
export const LATE_GRACE_MINUTES = 60;

/**
 * RUN_LATE when no daily run started since the schedule's last slot (`slotAt`, labelled `slot` in
 * the schedule's zone) and `graceMinutes` have passed since it: the worker is down, asleep or stuck.
 * A run that started before the slot is yesterday's and does not count.
 */
export function lateRunAlert(
  orgId: string,
  opts: { slotAt: Date; slot: string; lastStartedAt: Date | null; now: Date; graceMinutes?: number },
): SystemAlert | null {
  const grace = opts.graceMinutes ?? LATE_GRACE_MINUTES;
  const lateBy = opts.now.getTime() - opts.slotAt.getTime();
  if (lateBy < grace * 60_000) return null;
  if (opts.lastStartedAt && opts.lastStartedAt.getTime() >= opts.slotAt.getTime()) return null;
  return {
    orgId,
    code: 'RUN_LATE',
    day: opts.slot.slice(0, 10),
    runId: null,
    message: `the daily run scheduled for ${opts.slot} has not started ${Math.floor(lateBy / 60_000)} minutes later: check that \`pulse worker\` is running (scores go stale until it does)`,
  };
}

/** Stores `alert` for every alerts destination of the rules; returns what was stored and what held back. */
export async function raiseAlert(
  db: Db,
  opts: { orgId: string; alert: SystemAlert; rules: RulesDocument; now: Date },
): Promise<{ raised: number; held: number }> {
  const { orgId, alert, rules, now } = opts;
  if (!rules.alerts) return { raised: 0, held: 0 };
  const key = `${ALERTS_RULE}|${alert.code}|${alert.day}`;
  const since = new Date(now.getTime() - rules.alerts.cooldownHours * 3_600_000);
  const cooled = await decidedSince(db, orgId, ALERTS_RULE, alert.code, since);
  const added = await insertOutbox(
    db,
    orgId,
    rules.alerts.destinations.map((d, i) => ({
      key,
      destination: i,
      kind: d.kind,
      deliveryId: deliveryIdOf(orgId, key, i),
      ruleId: ALERTS_RULE,
      accountId: '',
      recipient: 'admins',
      day: alert.day,
      trigger: alert.code,
      settings: d.settings,
      change: alert,
      status: cooled ? ('held' as const) : ('pending' as const),
      heldReason: cooled ? 'cooldown' : null,
    })),
    now,
  );
  return cooled ? { raised: 0, held: added } : { raised: added, held: 0 };
}
