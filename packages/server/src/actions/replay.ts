/**
 * The replay: a dry run of rules over the stored history — each day against the day before, with
 * the same triggers, cooldown and cap as the daily decision — counting what would have fired per
 * rule, per destination and per recipient per week. Nothing is stored or sent.
 */
import { PulseError } from '../errors';
import type { Model } from '../model/schema';
import { addDays } from '../scoring/days';
import { latestSnapshotDay, listActionAccounts, readTriggerHistory } from '../store/actions';
import type { Db } from '../store/db';
import { loadActiveModel } from '../store/models';
import { actionAccount, candidatesOn, historyDays, timelines } from './decide';
import { actionRules, type RulesDocument } from './rules';
import { listRules } from './ruleLists';
import { applyLimits, emptyLimits, weekOf } from './triggers';

/** What a replay counted. */
export interface ReplayResult {
  orgId: string;
  modelVersion: string;
  from: string;
  to: string;
  capPerRecipientPerWeek: number;
  rules: { id: string; fired: number; heldCooldown: number; heldCap: number }[];
  /** Deliveries per destination kind (a fired action goes to every destination of its rule). */
  destinations: Record<string, number>;
  /** Per week (its Monday): recipients who got any, the most one recipient got, and who that was. */
  weeks: { week: string; recipients: number; max: number; top: string | null }[];
  /** The most actions any one recipient got in any one week. */
  maxPerRecipientWeek: number;
  /** Enabled rules with a map-list destination: a set, not deliveries, so not counted against the cap. */
  listRules: string[];
}

/** Replays `rules` over the last `days` stored days of the org's active model. */
export async function replayActions(
  db: Db,
  opts: { orgId: string; days: number; rules: RulesDocument; model?: { model: Model; version: string } },
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
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const limited = applyLimits(
      candidatesOn(active.model, enabled, lines, accounts, day, addDays(day, -1)),
      enabled,
      rules.capPerRecipientPerWeek,
      day,
      state,
    );
    for (const c of limited.fired) {
      perRule.get(c.rule.id)!.fired++;
      for (const d of c.rule.destinations) destinations[d.kind] = (destinations[d.kind] ?? 0) + 1;
      const wk = weekOf(day);
      let m = weekCounts.get(wk);
      if (!m) weekCounts.set(wk, (m = new Map()));
      m.set(c.recipient, (m.get(c.recipient) ?? 0) + 1);
    }
    for (const h of limited.held) {
      const r = perRule.get(h.candidate.rule.id)!;
      if (h.reason === 'cap') r.heldCap++;
      else r.heldCooldown++;
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
  };
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
