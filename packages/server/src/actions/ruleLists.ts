/**
 * Rules whose destination is a MAP list (`kind: map-list`): a set-based action, not a per-delivery
 * one. After the write, each such rule's list is made to hold the MAP people of every account that
 * matches the rule's trigger (as a state: `matchesOn`) and scope on the day — not only the accounts
 * that changed that day — with only the adds and removes sent (pushListMembership). No outbox, no
 * cooldown, no weekly cap: the list is idempotent by construction, so a re-run sends nothing.
 */
import { log } from '../log';
import type { Model } from '../model/schema';
import type { MapListClient } from '../sources/map/lists';
import type { MapSourceName } from '../sources/map/types';
import { addDays } from '../scoring/days';
import { listActionAccounts, readTriggerHistory } from '../store/actions';
import type { Db } from '../store/db';
import { actionAccount, historyDays, timelines } from './decide';
import { pushListMembership, type ListPushResult, type MapListSettings } from './mapLists';
import { MAP_LIST_KIND, type Rule } from './rules';
import { inScope } from './scope';
import { matchesOn } from './triggers';

/** One rule's list push: what it did, or why it could not run. */
export interface RuleListResult {
  ruleId: string;
  source: MapSourceName;
  listId: string;
  /** Accounts matching the rule on the day. */
  accounts: number;
  push: ListPushResult | null;
  error: string | null;
}

/** Options of the day's list pushes. */
export interface RuleListOptions {
  orgId: string;
  model: Model;
  modelVersion: string;
  day: string;
  rules: readonly Rule[];
  /** The MAP's list API signed in with the org's connection; null when the org has no such connection. */
  clientFor(source: MapSourceName): Promise<MapListClient | null>;
}

/** The enabled rules with a map-list destination, each with its lists. */
export function listRules(rules: readonly Rule[]): { rule: Rule; lists: MapListSettings[] }[] {
  return rules
    .filter((r) => r.enabled)
    .map((rule) => ({
      rule,
      lists: rule.destinations.filter((d) => d.kind === MAP_LIST_KIND).map((d) => d.settings as MapListSettings),
    }))
    .filter((x) => x.lists.length > 0);
}

/** Which accounts each rule matches on `day` (its trigger as a state, its scope). */
export async function matchingAccounts(
  db: Db,
  opts: Pick<RuleListOptions, 'orgId' | 'model' | 'modelVersion' | 'day'>,
  rules: readonly Rule[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (rules.length === 0) return out;
  const from = addDays(opts.day, -historyDays(opts.model, rules));
  const lines = timelines(await readTriggerHistory(db, opts.orgId, opts.modelVersion, from, opts.day));
  const accounts = (await listActionAccounts(db, opts.orgId)).map(actionAccount);
  for (const rule of rules) {
    out.set(
      rule.id,
      accounts
        .filter((a) => {
          const t = lines.get(a.id);
          return t !== undefined && inScope(rule.scope, a) && matchesOn(opts.model, rule.trigger, t, opts.day);
        })
        .map((a) => a.id),
    );
  }
  return out;
}

/**
 * Pushes every map-list rule's list for the day. One list's failure (no connection, a vendor error)
 * is recorded in its result and does not stop the others.
 */
export async function pushRuleLists(db: Db, opts: RuleListOptions): Promise<RuleListResult[]> {
  const withLists = listRules(opts.rules);
  const matching = await matchingAccounts(
    db,
    opts,
    withLists.map((x) => x.rule),
  );
  const results: RuleListResult[] = [];
  for (const { rule, lists } of withLists) {
    const accountIds = matching.get(rule.id) ?? [];
    for (const list of lists) {
      const base = { ruleId: rule.id, source: list.source, listId: list.listId, accounts: accountIds.length };
      try {
        const client = await opts.clientFor(list.source);
        if (!client) {
          results.push({ ...base, push: null, error: `MAP_NOT_CONFIGURED: the org has no ${list.source} connection` });
          continue;
        }
        const push = await pushListMembership({ db, orgId: opts.orgId, list, accountIds, client });
        results.push({ ...base, push, error: null });
      } catch (e) {
        const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        log.warn({ org: opts.orgId, rule: rule.id, source: list.source, list: list.listId, error }, 'list push failed');
        results.push({ ...base, push: null, error });
      }
    }
  }
  return results;
}
