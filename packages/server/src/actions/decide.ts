/**
 * Deciding a day's actions: every enabled rule's trigger on every scored account in its scope, the
 * day against the last day decided, then the cooldown and the weekly cap; what fires and what is held
 * back goes into the outbox with its idempotency key (rule, account, trigger, day). The daily run
 * calls this inside the transaction that stores the day's snapshots, so a day's scores and its
 * decisions are stored together or not at all. Deciding a day again adds nothing it already holds.
 */
import { createHash } from 'node:crypto';
import { log } from '../log';
import type { Model } from '../model/schema';
import { bandOf, roundScore } from '../scoring/band';
import { addDays } from '../scoring/days';
import {
  lastDecidedDay,
  listActionAccounts,
  loadRulesDocument,
  markDayDecided,
  readDayDetail,
  readTriggerHistory,
  type ActionAccountRow,
  type HistoryPoint,
} from '../store/actions';
import type { Db } from '../store/db';
import { decidedKeys, firedSince, insertOutbox, type OutboxInsert } from '../store/outbox';
import { listPeopleNames } from '../store/people';
import { recipientOf, type AccountChange } from './destination';
import type { DestinationRegistry } from './registry';
import { actionRules, DEFAULT_RULES_DOCUMENT, parseRules, type Rule, type RulesDocument } from './rules';
import { inScope, type ActionAccount } from './scope';
import {
  applyLimits,
  decisionKey,
  emptyLimits,
  fires,
  Timeline,
  trendOn,
  triggerLabel,
  weekOf,
  type Candidate,
  type HeldReason,
  type LimitState,
} from './triggers';

/** Days of history a band trigger's hysteresis starts from (an account High all month is still in it). */
const BAND_HISTORY_DAYS = 30;

/**
 * How many days before the compared day the rules need: the trend's window, the longest change
 * window, and the hysteresis history when a band trigger is among them. Only those days are read.
 */
export function historyDays(model: Model, rules: readonly Rule[]): number {
  let days = model.trend.days;
  for (const r of rules) {
    if (r.trigger.type === 'change') days = Math.max(days, r.trigger.days);
    if (r.trigger.type === 'band') days = Math.max(days, BAND_HISTORY_DAYS);
  }
  return days;
}

/** The org's rules in force: the stored document, or the defaults when none is stored. */
export async function rulesInForce(
  db: Db,
  orgId: string,
  registry: DestinationRegistry,
): Promise<{ rules: RulesDocument; source: 'stored' | 'default' }> {
  const stored = await loadRulesDocument(db, orgId);
  if (stored) return { rules: parseRules(stored.document, registry, `of org ${orgId}`), source: 'stored' };
  return { rules: parseRules(DEFAULT_RULES_DOCUMENT, registry, 'defaults'), source: 'default' };
}

/** An account row as scopes read it: its Salesforce fields by API name. */
export function actionAccount(a: ActionAccountRow): ActionAccount {
  return {
    id: a.id,
    name: a.name,
    ownerId: a.ownerId,
    ownerName: a.ownerName,
    ownerEmail: a.ownerEmail,
    fields: {
      ...a.attributes,
      Id: a.id,
      Name: a.name,
      OwnerId: a.ownerId,
      Industry: a.industry,
      NumberOfEmployees: a.employees,
    },
  };
}

/** Each account's timeline (rounded scores) from stored history rows. */
export function timelines(rows: readonly HistoryPoint[]): Map<string, Timeline> {
  const by = new Map<string, HistoryPoint[]>();
  for (const r of rows) {
    let list = by.get(r.accountId);
    if (!list) by.set(r.accountId, (list = []));
    list.push(r);
  }
  const out = new Map<string, Timeline>();
  for (const [id, list] of by) {
    list.sort((a, b) => (a.day < b.day ? -1 : 1));
    out.set(
      id,
      new Timeline(
        list.map((p) => ({ day: p.day, score: roundScore(p.score), mqa: p.mqa, missingPersonas: p.missingPersonas })),
      ),
    );
  }
  return out;
}

/** Every enabled rule that fires on `day` against `previous`, for every scored account in its scope. */
export function candidatesOn(
  registry: DestinationRegistry,
  model: Model,
  rules: readonly Rule[],
  lines: ReadonlyMap<string, Timeline>,
  accounts: ReadonlyMap<string, ActionAccount>,
  day: string,
  previous: string | null,
): Candidate[] {
  const out: Candidate[] = [];
  for (const [accountId, t] of lines) {
    const now = t.at(day);
    const account = accounts.get(accountId);
    if (!now || !account) continue;
    for (const rule of rules) {
      if (!rule.enabled || !inScope(rule.scope, account) || !fires(model, rule.trigger, t, day, previous)) continue;
      out.push({
        rule,
        accountId,
        recipients: rule.destinations.map((d) => recipientOf(registry.get(d.kind), d.settings, account)),
        score: now.score,
        key: decisionKey(rule.id, accountId, rule.trigger, day),
      });
    }
  }
  return out;
}

/** The delivery id receivers dedupe by: stable for a key and destination across retries and re-runs. */
export function deliveryIdOf(orgId: string, key: string, destination: number): string {
  return createHash('sha256').update(`${orgId}\u0000${key}\u0000${destination}`).digest('hex').slice(0, 32);
}

/** What deciding a day did. */
export interface DecideResult {
  day: string;
  /** The day compared with: the last day decided, or null the first time (compared with nothing). */
  previous: string | null;
  rulesSource: 'stored' | 'default';
  /** Decisions that fire (each goes to every destination of its rule whose recipient is under the cap). */
  fired: number;
  /** Decisions in cooldown, and deliveries held over their recipient's weekly cap. */
  held: Record<HeldReason, number>;
  /** Outbox rows added (decisions × destinations; none when the day was decided before). */
  rows: number;
}

/** Options of one day's decision. */
export interface DecideOptions {
  orgId: string;
  model: Model;
  modelVersion: string;
  day: string;
  registry: DestinationRegistry;
  now: Date;
  /** The rules (default: the org's in force). */
  rules?: { rules: RulesDocument; source: 'stored' | 'default' };
}

/** Decides `day`'s actions and stores them in the outbox; see the module comment. */
export async function decideDay(db: Db, opts: DecideOptions): Promise<DecideResult> {
  const { orgId, model, day } = opts;
  const { rules, source } = opts.rules ?? (await rulesInForce(db, orgId, opts.registry));
  const previous = await lastDecidedDay(db, orgId, day);
  const result: DecideResult = { day, previous, rulesSource: source, fired: 0, held: { cooldown: 0, cap: 0 }, rows: 0 };
  const enabled = actionRules(rules.rules);
  warnUnknownPersonas(model, enabled, orgId);
  if (enabled.length > 0) {
    const from = addDays(previous ?? day, -historyDays(model, enabled));
    const history = await readTriggerHistory(db, orgId, opts.modelVersion, from, day);
    const lines = timelines(history);
    const accounts = new Map((await listActionAccounts(db, orgId)).map((a) => [a.id, actionAccount(a)]));
    const done = await decidedKeys(db, orgId, day);
    const candidates = candidatesOn(opts.registry, model, enabled, lines, accounts, day, previous).filter(
      (c) => !done.has(c.key),
    );
    const state = await limitState(db, orgId, enabled, day);
    const limited = applyLimits(candidates, enabled, rules.capPerRecipientPerWeek, day, state);
    result.fired = limited.fired.length;
    result.held.cooldown = limited.held.filter((h) => h.reason === 'cooldown').length;
    result.held.cap = limited.cappedDeliveries;
    const changes = await accountChanges(db, opts, lines, accounts, previous, [
      ...new Set(limited.decisions.map((x) => x.candidate.accountId)),
    ]);
    const rows: OutboxInsert[] = [];
    for (const { candidate: c, held: heldBy } of limited.decisions) {
      c.rule.destinations.forEach((d, i) => {
        const held = heldBy[i] ?? null;
        rows.push({
          key: c.key,
          destination: i,
          kind: d.kind,
          deliveryId: deliveryIdOf(orgId, c.key, i),
          ruleId: c.rule.id,
          accountId: c.accountId,
          recipient: c.recipients[i]!,
          day,
          trigger: triggerLabel(model, c.rule.trigger),
          settings: d.settings,
          change: changes.get(c.accountId)!,
          status: held ? 'held' : 'pending',
          heldReason: held,
        });
      });
    }
    result.rows = await insertOutbox(db, orgId, rows, opts.now);
  }
  await markDayDecided(db, orgId, day, result.fired, result.held.cooldown + result.held.cap);
  return result;
}

/** A persona trigger naming no persona of the model never fires: said once per decision, not silently. */
function warnUnknownPersonas(model: Model, rules: readonly Rule[], orgId: string): void {
  for (const r of rules) {
    if (r.trigger.type !== 'persona') continue;
    const p = r.trigger.persona;
    if (!model.committee.personas.some((x) => x.key === p || x.label === p)) {
      log.warn({ org: orgId, rule: r.id, persona: p }, 'rule names a persona the model does not have; it never fires');
    }
  }
}

/** The limits as the stored decisions leave them before `day`: the longest cooldown back, and `day`'s week. */
async function limitState(db: Db, orgId: string, rules: readonly Rule[], day: string): Promise<LimitState> {
  const longest = Math.max(0, ...rules.map((r) => r.cooldownDays));
  const week = weekOf(day);
  const back = addDays(day, -longest);
  const from = back < week ? back : week;
  const state = emptyLimits();
  for (const f of await firedSince(db, orgId, from, day)) {
    const k = `${f.ruleId}|${f.accountId}`;
    const lastDay = state.lastFired.get(k);
    if (lastDay === undefined || f.day > lastDay) state.lastFired.set(k, f.day);
    if (f.day >= week) {
      const wk = `${f.recipient}|${week}`;
      state.weekCounts.set(wk, (state.weekCounts.get(wk) ?? 0) + 1);
    }
  }
  return state;
}

/** The message material of each account that fired: the day's scores, top people by name, change drivers. */
async function accountChanges(
  db: Db,
  opts: DecideOptions,
  lines: ReadonlyMap<string, Timeline>,
  accounts: ReadonlyMap<string, ActionAccount>,
  previous: string | null,
  accountIds: string[],
): Promise<Map<string, AccountChange>> {
  const { orgId, model, day } = opts;
  const details = await readDayDetail(db, orgId, opts.modelVersion, day, accountIds);
  type Top = { personId: string; points: number; share: number };
  const tops = new Map<string, Top[]>();
  for (const [id, d] of details) tops.set(id, ((d.detail.topPeople as Top[] | undefined) ?? []).slice(0, 3));
  const names = new Map(
    (await listPeopleNames(db, orgId, [...new Set([...tops.values()].flat().map((p) => p.personId))])).map((p) => [
      p.id,
      p,
    ]),
  );
  const out = new Map<string, AccountChange>();
  for (const id of accountIds) {
    const t = lines.get(id)!;
    const a = accounts.get(id)!;
    const now = t.at(day)!;
    const before = previous === null ? undefined : t.at(previous);
    const detail = details.get(id)?.detail ?? {};
    out.set(id, {
      orgId,
      accountId: id,
      accountName: a.name,
      ownerId: a.ownerId,
      ownerName: a.ownerName,
      ownerEmail: a.ownerEmail,
      day,
      previousDay: previous,
      score: now.score,
      previousScore: before?.score ?? null,
      band: details.get(id)?.band ?? bandOf(model, now.score),
      previousBand: before ? bandOf(model, before.score) : null,
      trend: (detail.trend as string | undefined) ?? trendOn(model, t, day) ?? 'New',
      previousTrend: before ? trendOn(model, t, before.day) : null,
      mqa: now.mqa,
      previousMqa: before?.mqa ?? null,
      topPeople: (tops.get(id) ?? []).map((p) => ({
        personId: p.personId,
        name: names.get(p.personId)?.name ?? null,
        title: names.get(p.personId)?.title ?? null,
        points: p.points,
        share: p.share,
      })),
      changeDrivers: ((detail.changeDrivers as { key: string; change: number }[] | undefined) ?? []).slice(0, 5),
    });
  }
  return out;
}
