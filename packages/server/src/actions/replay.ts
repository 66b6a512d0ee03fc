/**
 * The replay: a dry run of rules over the stored history — each day against the day before, with
 * the same triggers, cooldown and cap as the daily decision — counting what would have fired per
 * rule, per destination and per recipient per week, and for a map-list rule the adds and removes its
 * list would have had (the list empty the day before the window, then made to hold each day's matching
 * accounts' MAP people, as the daily push does). Nothing is stored or sent.
 */
import { PulseError } from '../errors';
import type { Model } from '../model/schema';
import { addDays } from '../scoring/days';
import { latestSnapshotDay, listActionAccounts, readTriggerHistory } from '../store/actions';
import type { Db } from '../store/db';
import { loadActiveModel } from '../store/models';
import { actionAccount, candidatesOn, historyDays, timelines } from './decide';
import { defaultRegistry, type DestinationRegistry } from './registry';
import { actionRules, type RulesDocument } from './rules';
import { listRules } from './ruleLists';
import { inScope, type ActionAccount } from './scope';
import { mapPeopleOfAccounts } from '../store/listMembers';
import { applyLimits, emptyLimits, matchesOn, weekOf, type Timeline } from './triggers';

/** What a replay counted. */
export interface ReplayResult {
  orgId: string;
  modelVersion: string;
  from: string;
  to: string;
  capPerRecipientPerWeek: number;
  /** Per rule: decisions that would fire, decisions held in cooldown, deliveries held over the cap. */
  rules: { id: string; fired: number; heldCooldown: number; heldCap: number }[];
  /** Deliveries per destination kind (a fired action goes to every destination of its rule). */
  destinations: Record<string, number>;
  /** Per week (its Monday): recipients who got any, the most one recipient got, and who that was. */
  weeks: { week: string; recipients: number; max: number; top: string | null }[];
  /** The most actions any one recipient got in any one week. */
  maxPerRecipientWeek: number;
  /** Enabled rules with a map-list destination: a set, not deliveries, so not counted against the cap. */
  listRules: string[];
  /** Per map-list rule and list: what the list would have been sent over the window. */
  lists: ReplayList[];
}

/** One map-list rule's list over the replay. */
export interface ReplayList {
  ruleId: string;
  source: string;
  listId: string;
  /** Accounts that entered the matching set / left it (each entry and exit is one push of its people). */
  accountsAdded: number;
  accountsRemoved: number;
  /** The MAP people of those accounts as the store knows them today: the adds and removes sent. */
  peopleAdded: number;
  peopleRemoved: number;
  /** Accounts matching on the last day (the list's size in accounts at the end). */
  accountsAtEnd: number;
}

/** Replays `rules` over the last `days` stored days of the org's active model. */
export async function replayActions(
  db: Db,
  opts: {
    orgId: string;
    days: number;
    rules: RulesDocument;
    model?: { model: Model; version: string };
    registry?: DestinationRegistry;
  },
): Promise<ReplayResult> {
  const { orgId, rules } = opts;
  const active = opts.model ?? (await activeModel(db, orgId));
  const to = await latestSnapshotDay(db, orgId, active.version);
  if (to === null) {
    throw new PulseError('NO_HISTORY', `org ${orgId} has no stored scores to replay; run \`pulse run\` first`, {
      org: orgId,
    });
  }
  const from = addDays(to, -(opts.days - 1));
  const enabled = actionRules(rules.rules);
  const back = addDays(from, -1 - historyDays(active.model, enabled));
  const lines = timelines(await readTriggerHistory(db, orgId, active.version, back, to));
  const accounts = new Map((await listActionAccounts(db, orgId)).map((a) => [a.id, actionAccount(a)]));
  const perRule = new Map(enabled.map((r) => [r.id, { id: r.id, fired: 0, heldCooldown: 0, heldCap: 0 }]));
  const destinations: Record<string, number> = {};
  const weekCounts = new Map<string, Map<string, number>>();
  const state = emptyLimits();
  const registry = opts.registry ?? defaultRegistry();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const limited = applyLimits(
      candidatesOn(registry, active.model, enabled, lines, accounts, day, addDays(day, -1)),
      enabled,
      rules.capPerRecipientPerWeek,
      day,
      state,
    );
    const wk = weekOf(day);
    let m = weekCounts.get(wk);
    if (!m) weekCounts.set(wk, (m = new Map()));
    for (const { candidate: c, held } of limited.decisions) {
      const r = perRule.get(c.rule.id)!;
      if (held.every((h) => h === 'cooldown')) {
        r.heldCooldown++;
        continue;
      }
      if (held.some((h) => h === null)) r.fired++;
      r.heldCap += held.filter((h) => h === 'cap').length;
      const reached = new Set<string>();
      c.rule.destinations.forEach((d, i) => {
        if (held[i] !== null) return;
        destinations[d.kind] = (destinations[d.kind] ?? 0) + 1;
        reached.add(c.recipients[i]!);
      });
      for (const who of reached) m.set(who, (m.get(who) ?? 0) + 1);
    }
  }
  const weeks = [...weekCounts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([week, m]) => {
      let top: string | null = null;
      let max = 0;
      for (const [who, n] of m) if (n > max) [top, max] = [who, n];
      return { week, recipients: m.size, max, top };
    });
  return {
    orgId,
    modelVersion: active.version,
    from,
    to,
    capPerRecipientPerWeek: rules.capPerRecipientPerWeek,
    rules: [...perRule.values()],
    destinations,
    weeks,
    maxPerRecipientWeek: Math.max(0, ...weeks.map((w) => w.max)),
    listRules: listRules(rules.rules).map((x) => x.rule.id),
    lists: await replayLists(db, { orgId, model: active.model, rules, lines, accounts, from, to }),
  };
}

/** The adds and removes each map-list rule's list would have had from `from` to `to`. */
async function replayLists(
  db: Db,
  opts: {
    orgId: string;
    model: Model;
    rules: RulesDocument;
    lines: ReadonlyMap<string, Timeline>;
    accounts: ReadonlyMap<string, ActionAccount>;
    from: string;
    to: string;
  },
): Promise<ReplayList[]> {
  const out: ReplayList[] = [];
  const peopleBySource = new Map<string, Map<string, number>>();
  const peopleOf = async (source: string): Promise<Map<string, number>> => {
    let m = peopleBySource.get(source);
    if (!m) {
      m = new Map();
      for (const p of await mapPeopleOfAccounts(db, opts.orgId, source, [...opts.accounts.keys()]))
        m.set(p.accountId, (m.get(p.accountId) ?? 0) + 1);
      peopleBySource.set(source, m);
    }
    return m;
  };
  for (const { rule, lists } of listRules(opts.rules.rules)) {
    const inScopeIds = [...opts.accounts.values()].filter((a) => inScope(rule.scope, a)).map((a) => a.id);
    const entered: string[] = [];
    const left: string[] = [];
    let members = new Set<string>();
    for (let day = opts.from; day <= opts.to; day = addDays(day, 1)) {
      const today = new Set(
        inScopeIds.filter((id) => {
          const t = opts.lines.get(id);
          return t !== undefined && matchesOn(opts.model, rule.trigger, t, day);
        }),
      );
      for (const id of today) if (!members.has(id)) entered.push(id);
      for (const id of members) if (!today.has(id)) left.push(id);
      members = today;
    }
    for (const list of lists) {
      const people = await peopleOf(list.source);
      const sum = (ids: string[]) => ids.reduce((n, id) => n + (people.get(id) ?? 0), 0);
      out.push({
        ruleId: rule.id,
        source: list.source,
        listId: list.listId,
        accountsAdded: entered.length,
        accountsRemoved: left.length,
        peopleAdded: sum(entered),
        peopleRemoved: sum(left),
        accountsAtEnd: members.size,
      });
    }
  }
  return out;
}

async function activeModel(db: Db, orgId: string): Promise<{ model: Model; version: string }> {
  const active = await loadActiveModel(db, orgId);
  if (!active) {
    throw new PulseError('NO_ACTIVE_MODEL', `org ${orgId} has no published model; run \`pulse run\` first`, {
      org: orgId,
    });
  }
  return { model: active.model, version: active.model.version };
}
