/**
 * The outbox's sender: hands each pending item that is due to its destination and marks it —
 * delivered, retried later with jittered exponential backoff (the retry module's windows), or failed
 * (a permanent refusal, or still failing a day after it was decided). Only the sender marks; a
 * destination only says how one attempt went. A crash after a delivery and before its mark leaves
 * the item pending, so it is delivered again: Salesforce Tasks are found by their key and updated
 * (still one Task), other receivers dedupe by the delivery id.
 */
import type { Connection } from 'jsforce';
import { PulseError } from '../errors';
import { log } from '../log';
import { backoffCapMs, type RetryPolicy } from '../sources/retry';
import type { Db } from '../store/db';
import { listDue, markDelivered, markFailed, markRetry, type OutboxRow } from '../store/outbox';
import { ALERTS_RULE } from './alerts';
import type { AccountChange, DeliveryContext, DeliveryOutcome, SystemAlert } from './destination';
import type { DestinationRegistry } from './registry';

/** Between tries of one item: windows of 1, 2, 4 … minutes, at most an hour. */
export const ACTION_RETRY: RetryPolicy = { attempts: Number.POSITIVE_INFINITY, baseMs: 60_000, maxMs: 3_600_000 };
/** An item still failing this long after it was decided is given up, with its last error recorded. */
export const GIVE_UP_MS = 86_400_000;

/** What one send pass did, in total and per destination kind. */
export interface SendResult {
  delivered: number;
  retrying: number;
  failed: number;
  byKind: Record<string, { delivered: number; retrying: number; failed: number }>;
  /** The items that failed for good in this pass. */
  failures: { key: string; kind: string; error: string }[];
  /** Salesforce API calls the deliveries made (Tasks: the find query, the collections call, retries). */
  salesforceCalls: number;
  /** Items left pending, untried, because the Salesforce API budget was spent (sent by the next pass). */
  deferred: number;
}

/** The Salesforce calls a connection makes through the meter: each spends one of the budget. */
const METERED = new Set<PropertyKey>(['query', 'queryMore', 'request', 'requestGet', 'requestPost', 'requestPatch']);

/** `conn` with every call counted by `spend` first (which throws when the budget is spent). */
function meteredConnection(conn: Connection, spend: () => void): Connection {
  return new Proxy(conn, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!METERED.has(prop)) return fn.bind(target);
      return (...args: unknown[]) => {
        spend();
        return fn.apply(target, args);
      };
    },
  });
}

/** Options of a send pass. */
export interface SendOptions {
  orgId: string;
  registry: DestinationRegistry;
  context: Omit<DeliveryContext, 'orgId' | 'db'>;
  /** The jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  /** Items per pass at most (default 1000; the rest wait for the next pass). */
  limit?: number;
  /** Only this rule's items (the run's alerts are sent even when the run failed before its actions stage). */
  ruleId?: string;
  /**
   * The Salesforce API calls this pass may make: the run's budget less what the pull and the write
   * spent (default: no limit, still counted). A delivery refused a call is left pending as it was.
   */
  salesforceBudget?: number;
  /** Called after a delivery, before its mark (tests throw here to crash between send and mark). */
  afterDeliver?: (row: OutboxRow, outcome: DeliveryOutcome) => void | Promise<void>;
}

/** Delivers every due pending item of the org once and marks it; see the module comment. */
export async function sendDue(db: Db, opts: SendOptions): Promise<SendResult> {
  const { orgId, registry } = opts;
  const result: SendResult = {
    delivered: 0,
    retrying: 0,
    failed: 0,
    byKind: {},
    failures: [],
    salesforceCalls: 0,
    deferred: 0,
  };
  const limit = opts.salesforceBudget ?? Number.POSITIVE_INFINITY;
  let refused = false;
  const spend = () => {
    if (result.salesforceCalls >= limit) {
      refused = true;
      throw new PulseError('SF_BUDGET', `the run's Salesforce API budget (${limit} calls for actions) is spent`, {
        org: orgId,
      });
    }
    result.salesforceCalls++;
  };
  let metered: Promise<Connection> | null = null;
  const ctx: DeliveryContext = {
    ...opts.context,
    orgId,
    db,
    salesforce: () => (metered ??= opts.context.salesforce().then((c) => meteredConnection(c, spend))),
  };
  const random = opts.random ?? Math.random;
  for (const row of await listDue(db, orgId, ctx.now(), opts.limit ?? 1000, opts.ruleId)) {
    refused = false;
    const outcome = await attempt(row, registry, ctx);
    if (refused) {
      // Whatever the destination made of the refusal, the item was not tried for its receiver: it
      // stays pending as it was (a Task half-sent is found again by its key next time).
      result.deferred++;
      continue;
    }
    await opts.afterDeliver?.(row, outcome);
    const now = ctx.now();
    const tally = (result.byKind[row.kind] ??= { delivered: 0, retrying: 0, failed: 0 });
    if (outcome.status === 'delivered') {
      await markDelivered(db, orgId, row.id, outcome.externalId ?? null, now);
      result.delivered++;
      tally.delivered++;
      continue;
    }
    const giveUp = outcome.status === 'failed' || now.getTime() - row.createdAt.getTime() >= GIVE_UP_MS;
    if (giveUp) {
      const error = outcome.status === 'failed' ? outcome.error : `gave up after a day of tries: ${outcome.error}`;
      await markFailed(db, orgId, row.id, error, now);
      result.failed++;
      tally.failed++;
      result.failures.push({ key: row.key, kind: row.kind, error });
      log.warn({ org: orgId, key: row.key, kind: row.kind, error }, 'action delivery failed');
      continue;
    }
    const waitMs = Math.max(outcome.afterMs ?? 0, random() * backoffCapMs(ACTION_RETRY, row.attempts + 1));
    await markRetry(db, orgId, row.id, outcome.error, new Date(now.getTime() + waitMs));
    result.retrying++;
    tally.retrying++;
  }
  if (result.deferred > 0) {
    log.warn(
      { org: orgId, deferred: result.deferred, salesforceCalls: result.salesforceCalls },
      'Salesforce API budget spent: actions left for the next pass',
    );
  }
  return result;
}

/** One attempt: the destination by kind, its settings parsed, a throw counted as a transient failure. */
async function attempt(row: OutboxRow, registry: DestinationRegistry, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const dest = registry.get(row.kind);
  if (!dest) return { status: 'failed', error: `UNKNOWN_DESTINATION: no destination of kind "${row.kind}"` };
  const settings = dest.settings.safeParse(row.settings);
  if (!settings.success) return { status: 'failed', error: `BAD_SETTINGS: ${settings.error.issues[0]?.message ?? ''}` };
  try {
    if (row.ruleId === ALERTS_RULE) {
      if (!dest.deliverAlert)
        return { status: 'failed', error: `NO_ALERTS: "${row.kind}" does not deliver system alerts` };
      return await dest.deliverAlert(
        { deliveryId: row.deliveryId, key: row.key, alert: row.change as SystemAlert, attempt: row.attempts + 1 },
        settings.data,
        ctx,
      );
    }
    return await dest.deliver(
      {
        deliveryId: row.deliveryId,
        key: row.key,
        ruleId: row.ruleId,
        trigger: row.trigger,
        change: row.change as AccountChange,
        attempt: row.attempts + 1,
      },
      settings.data,
      ctx,
    );
  } catch (e) {
    return { status: 'retry', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}
