/**
 * Actions on demand (`pulse actions run`): under the org's daily-run lock, decides the newest scored
 * day if no run decided it yet, then sends whatever the outbox holds that is due — today's, and
 * items left pending by a crashed run or waiting for a retry. The same stage as the daily run's, for
 * between runs (a receiver that was down for an hour gets its delivery without waiting a day).
 */
import type { Connection } from 'jsforce';
import type { Config, SalesforceAuth } from '../config';
import { PulseError } from '../errors';
import { decideDay, type DecideResult } from '../actions/decide';
import { defaultRegistry, type DestinationRegistry } from '../actions/registry';
import { sendDue, type SendOptions, type SendResult } from '../actions/sender';
import { connectSalesforce } from '../sources/salesforce/connection';
import { signInFor } from '../sources/salesforce/signIn';
import { realSleep } from '../sources/retry';
import { latestSnapshotDay, lastDecidedDay } from '../store/actions';
import type { Db } from '../store/db';
import { tryLock } from '../store/lock';
import { loadActiveModel } from '../store/models';
import { addDays } from '../scoring/days';
import { DAILY_LOCK } from './daily';
import { log } from '../log';

/** What an on-demand actions run did. */
export interface ActionsRunResult {
  orgId: string;
  /** The day decided now, or null when a run had decided the newest scored day already. */
  decided: DecideResult | null;
  sent: SendResult;
}

/** Everything with a side effect, injected (tests pass the emulator's sign-in and instant sleeps). */
export interface ActionsRunDeps {
  db: Db;
  orgId: string;
  config: Pick<Config, 'salesforce' | 'secretKeys'>;
  now?: () => Date;
  salesforce?: SalesforceAuth;
  connect?: (auth: SalesforceAuth) => Promise<Connection>;
  registry?: DestinationRegistry;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  afterDeliver?: SendOptions['afterDeliver'];
}

/** Runs the actions stage now; see the module comment. Refused while a daily run of the org is going. */
export async function runActions(deps: ActionsRunDeps): Promise<ActionsRunResult> {
  const { db, orgId } = deps;
  const now = deps.now ?? (() => new Date());
  const registry = deps.registry ?? defaultRegistry();
  const lock = await tryLock(db, DAILY_LOCK, orgId);
  if (!lock) {
    throw new PulseError('RUN_LOCKED', `a daily run of org ${orgId} is going; its actions stage sends what is due`, {
      org: orgId,
    });
  }
  try {
    let decided: DecideResult | null = null;
    const active = await loadActiveModel(db, orgId);
    const day = active ? await latestSnapshotDay(db, orgId, active.model.version) : null;
    if (active && day && (await lastDecidedDay(db, orgId, addDays(day, 1))) !== day) {
      decided = await db.transaction((tx) =>
        decideDay(tx, { orgId, model: active.model, modelVersion: active.model.version, day, registry, now: now() }),
      );
    }
    let conn: Promise<Connection> | null = null;
    const salesforce = () =>
      (conn ??= (async () =>
        (deps.connect ?? connectSalesforce)(deps.salesforce ?? (await signInFor(db, orgId, deps.config))))());
    const sent = await sendDue(db, {
      orgId,
      registry,
      context: { salesforce, now, sleep: deps.sleep ?? realSleep },
      random: deps.random,
      afterDeliver: deps.afterDeliver,
    });
    return { orgId, decided, sent };
  } finally {
    await lock.release();
  }
}

/**
 * One between-runs send pass over `orgs` (the worker's, every few minutes): each org's due actions,
 * one org after another. An org whose daily run is going is left to that run; one org failing to
 * send is logged and the next is sent.
 */
export async function sendBetweenRuns(
  db: Db,
  orgs: readonly string[],
  config: ActionsRunDeps['config'],
): Promise<void> {
  for (const orgId of orgs) {
    try {
      const r = await runActions({ db, orgId, config });
      if (r.sent.delivered + r.sent.failed + r.sent.retrying > 0) {
        log.info({ org: orgId, ...r.sent, byKind: undefined, failures: undefined }, 'actions sent between runs');
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'RUN_LOCKED') log.warn({ org: orgId, code, message: (e as Error).message }, 'actions send failed');
    }
  }
}
