/**
 * The contract between the actions core (rules, triggers, the outbox, its sender) and the destinations
 * that deliver (Salesforce Task, Slack, signed webhook, weekly digest email, MAP list membership).
 * The core decides and stores what is owed; a destination only delivers one stored item and says how
 * it went, so the sender alone marks, retries and gives up.
 */
import type { Connection } from 'jsforce';
import type { z } from 'zod';
import type { Db } from '../store/db';

/** What a trigger fired on: one account's change from the previous day to this one. */
export interface AccountChange {
  orgId: string;
  accountId: string;
  accountName: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  /** The day scored (YYYY-MM-DD) and the day compared with (null the first time an org's actions are decided). */
  day: string;
  previousDay: string | null;
  score: number;
  previousScore: number | null;
  band: string;
  previousBand: string | null;
  trend: string;
  previousTrend: string | null;
  mqa: boolean;
  previousMqa: boolean | null;
  /** The top three contributors, already resolved to names for the message. */
  topPeople: { personId: string; name: string | null; title: string | null; points: number; share: number }[];
  changeDrivers: { key: string; change: number }[];
}

/** One stored action owed to one destination: the outbox row a destination is handed. */
export interface ActionDelivery {
  /** Stable across retries and re-runs: receivers dedupe by it (sent as a header or in the body). */
  deliveryId: string;
  /** The idempotency key: rule, account, trigger, day. */
  key: string;
  ruleId: string;
  /** What fired, in words a person reads ("entered High", "became MQA", "Surging"). */
  trigger: string;
  change: AccountChange;
  /** 1 on the first try. */
  attempt: number;
}

/** How one attempt went. The sender marks `delivered` and `failed`, and retries `retry`. */
export type DeliveryOutcome =
  | { status: 'delivered'; externalId?: string }
  /** A transient failure (5xx, timeout, 429, lock): try again, not before `afterMs` when the receiver said. */
  | { status: 'retry'; error: string; afterMs?: number }
  /** A permanent failure (4xx, bad configuration): recorded and not tried again. */
  | { status: 'failed'; error: string };

/**
 * A system alert for the org's admins: something that keeps the scores from being current (a run
 * failed or ended partial, the Salesforce sign-in was refused, the write preflight lost a permission,
 * the API budget stopped a stage). Deduplicated per code and day, cooled down like actions.
 */
export interface SystemAlert {
  orgId: string;
  /** RUN_FAILED, RUN_PARTIAL, CREDENTIAL_REFUSED, PERMISSION_LOST, BUDGET_STOPPED. */
  code: string;
  /** What happened and what to do, as the run recorded it. */
  message: string;
  day: string;
  runId: number | null;
}

/** One stored alert owed to one destination. */
export interface AlertDelivery {
  deliveryId: string;
  key: string;
  alert: SystemAlert;
  attempt: number;
}

/**
 * What the sender hands every delivery besides its settings: the org, the store (a destination that
 * reads more, e.g. the digest's accounts), the Salesforce connection of the run (opened on first use),
 * the clock and the sleep its own short waits use (tests pass instant ones).
 */
export interface DeliveryContext {
  orgId: string;
  db: Db;
  salesforce(): Promise<Connection>;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/**
 * A destination delivers one item with its own settings. A rule names the destination by `kind` and
 * carries its settings; the rules loader validates them with `settings` and reports problems by path.
 */
export interface Destination<Settings> {
  kind: string;
  /** Parses a rule's settings (defaults filled in, so its input type is anything). */
  settings: z.ZodType<Settings, z.ZodTypeDef, unknown>;
  /** Delivers one item; never throws for the receiver's answer (a throw counts as `retry`). */
  deliver(delivery: ActionDelivery, settings: Settings, context: DeliveryContext): Promise<DeliveryOutcome>;
  /**
   * Who a delivery with these settings is for, as the weekly cap counts it: the same string for the
   * same person, channel or receiver. Default: the account owner (`ownerId`, or `unowned`).
   */
  recipientOf?(settings: Settings, account: { ownerId: string | null }): string;
  /** Delivers a system alert to admins; a destination without it cannot be named in the rules' `alerts`. */
  deliverAlert?(delivery: AlertDelivery, settings: Settings, context: DeliveryContext): Promise<DeliveryOutcome>;
}

/** The recipient the weekly cap counts for one delivery of a destination (the owner unless it says). */
export function recipientOf<S>(
  destination: Destination<S> | undefined,
  settings: S,
  account: { ownerId: string | null },
): string {
  return destination?.recipientOf?.(settings, account) ?? account.ownerId ?? 'unowned';
}
