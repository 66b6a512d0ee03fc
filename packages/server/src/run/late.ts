/**
 * The late-run alert: the worker checks, between runs, whether each org's daily run started within
 * its slot plus the grace (actions/alerts.ts `lateRunAlert`); when not, it raises RUN_LATE to the
 * admins like any system alert — one per slot day, cooled down — and sends it at once.
 */
import type { Connection } from 'jsforce';
import type { Config, SalesforceAuth } from '../config';
import { ALERTS_RULE, lateRunAlert, raiseAlert } from '../actions/alerts';
import { rulesInForce } from '../actions/decide';
import { defaultRegistry, type DestinationRegistry } from '../actions/registry';
import { sendDue } from '../actions/sender';
import { connectSalesforce } from '../sources/salesforce/connection';
import { realSleep } from '../sources/retry';
import { signInFor } from '../sources/salesforce/signIn';
import type { Db } from '../store/db';
import { listRuns } from '../store/runs';
import { previousSlotAt, slotIn } from './schedule';

/** What one check did: the alert raised (null: on time, or no daily slot to check). */
export interface LateCheck {
  code: 'RUN_LATE';
  slot: string;
  raised: number;
  held: number;
  delivered: number;
}

/** Everything with a side effect, injected (tests pass their own registry and clock). */
export interface LateCheckDeps {
  db: Db;
  orgId: string;
  config: Pick<Config, 'schedule' | 'salesforce' | 'secretKeys'>;
  now?: () => Date;
  graceMinutes?: number;
  registry?: DestinationRegistry;
  salesforce?: SalesforceAuth;
  connect?: (auth: SalesforceAuth) => Promise<Connection>;
  sleep?: (ms: number) => Promise<void>;
}

/** Checks the org's last slot and alerts when its run is late; see the module comment. */
export async function checkLateRun(deps: LateCheckDeps): Promise<LateCheck | null> {
  const { db, orgId } = deps;
  const now = deps.now ?? (() => new Date());
  const at = now();
  const { schedule } = deps.config;
  const slotAt = previousSlotAt(schedule, at);
  if (!slotAt) return null;
  const [last] = await listRuns(db, orgId, 'daily', 1);
  const slot = slotIn(slotAt, schedule.timezone);
  const alert = lateRunAlert(orgId, {
    slotAt,
    slot,
    lastStartedAt: last?.startedAt ?? null,
    now: at,
    graceMinutes: deps.graceMinutes,
  });
  if (!alert) return null;
  const registry = deps.registry ?? defaultRegistry();
  const { rules } = await rulesInForce(db, orgId, registry);
  const raised = await raiseAlert(db, { orgId, alert, rules, now: at });
  const result: LateCheck = { code: 'RUN_LATE', slot, ...raised, delivered: 0 };
  if (raised.raised === 0) return result;
  let conn: Promise<Connection> | null = null;
  const salesforce = () =>
    (conn ??= (async () =>
      (deps.connect ?? connectSalesforce)(deps.salesforce ?? (await signInFor(db, orgId, deps.config))))());
  const sent = await sendDue(db, {
    orgId,
    registry,
    ruleId: ALERTS_RULE,
    context: { salesforce, now, sleep: deps.sleep ?? realSleep },
  });
  result.delivered = sent.delivered;
  return result;
}
