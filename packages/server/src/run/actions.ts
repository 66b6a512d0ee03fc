/**
 * Actions on demand (`pulse actions run`): under the org's daily-run lock, decides the newest scored
 * day with the rules in force — idempotent by key, so a day a run decided adds only what a rule
 * added since would fire — pushes the map-list rules' lists for that day (only the differences),
 * then sends whatever the outbox holds that is due: the day's, and items left pending by a crashed
 * run or waiting for a retry. The same stage as the daily run's, for between runs (a receiver that
 * was down for an hour gets its delivery without waiting a day). Running it again sends nothing new.
 */
import type { Connection } from 'jsforce';
import type { Config, SalesforceAuth } from '../config';
import { PulseError } from '../errors';
import { decideDay, rulesInForce, type DecideResult } from '../actions/decide';
import { pushRuleLists, type RuleListResult } from '../actions/ruleLists';
import { defaultRegistry, type DestinationRegistry } from '../actions/registry';
import { sendDue, type SendOptions, type SendResult } from '../actions/sender';
import { connectSalesforce } from '../sources/salesforce/connection';
import { signInFor } from '../sources/salesforce/signIn';
import { realSleep } from '../sources/retry';
import { latestSnapshotDay } from '../store/actions';
import type { Db } from '../store/db';
import { tryLock } from '../store/lock';
import { loadActiveModel } from '../store/models';
import { DAILY_LOCK } from './daily';
import { listClientsFor } from './listClients';
import { checkLateRun } from './late';
import { log } from '../log';

/** What an on-demand actions run did. */
export interface ActionsRunResult {
  orgId: string;
  /** The newest scored day decided now (rows 0 when everything it fires was decided before), or null: nothing scored. */
  decided: DecideResult | null;
  /** The map-list rules' lists pushed for that day. */
  lists: RuleListResult[];
  sent: SendResult;
}

/** Everything with a side effect, injected (tests pass the emulator's sign-in and instant sleeps). */
export interface ActionsRunDeps {
  db: Db;
  orgId: string;
  config: Pick<Config, 'salesforce' | 'secretKeys' | 'maps'>;
  now?: () => Date;
  salesforce?: SalesforceAuth;
  connect?: (auth: SalesforceAuth) => Promise<Connection>;
  registry?: DestinationRegistry;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The network the MAP list pushes use (default: global fetch). */
  fetch?: typeof fetch;
  afterDeliver?: SendOptions['afterDeliver'];
  /** False: only send what is due (the worker's pass every few minutes between runs). Default true. */
  decide?: boolean;
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
    let lists: RuleListResult[] = [];
    const active = await loadActiveModel(db, orgId);
    const day = active ? await latestSnapshotDay(db, orgId, active.model.version) : null;
    if (active && day && deps.decide !== false) {
      const inForce = await rulesInForce(db, orgId, registry);
      const modelVersion = active.model.version;
      decided = await db.transaction((tx) =>
        decideDay(tx, { orgId, model: active.model, modelVersion, day, registry, now: now(), rules: inForce }),
      );
      lists = await pushRuleLists(db, {
        orgId,
        model: active.model,
        modelVersion,
        day,
        rules: inForce.rules.rules,
        clientFor: listClientsFor({ ...deps, db, orgId, now }),
      });
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
    return { orgId, decided, lists, sent };
  } finally {
    await lock.release();
  }
}

/**
 * One between-runs pass over `orgs` (the worker's, every few minutes), one org after another: a daily
 * run that has not started within its slot and the grace alerts the admins (RUN_LATE), then the org's
 * due actions are sent. An org whose daily run is going is left to that run; one org failing is
 * logged and the next is handled.
 */
export async function sendBetweenRuns(
  db: Db,
  orgs: readonly string[],
  config: ActionsRunDeps['config'] & Pick<Config, 'schedule'>,
): Promise<void> {
  for (const orgId of orgs) {
    try {
      const late = await checkLateRun({ db, orgId, config });
      if (late && late.raised > 0) log.warn({ org: orgId, ...late }, 'the scheduled daily run is late');
    } catch (e) {
      log.warn({ org: orgId, message: (e as Error).message }, 'late-run check failed');
    }
    try {
      // Only the sends: the day was decided and its lists pushed by its run (or `pulse actions run`).
      const r = await runActions({ db, orgId, config, decide: false });
      if (r.sent.delivered + r.sent.failed + r.sent.retrying > 0) {
        log.info({ org: orgId, ...r.sent, byKind: undefined, failures: undefined }, 'actions sent between runs');
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'RUN_LOCKED') log.warn({ org: orgId, code, message: (e as Error).message }, 'actions send failed');
    }
  }
}
