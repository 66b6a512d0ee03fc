/**
 * `pulse model suggest`: weights, decays and committee personas learned from outcomes. The data is
 * split in time: features as of `asOf − horizon` and the opportunities created up to `asOf` teach;
 * the backtest as of `asOf` (opportunities after it) judges the current and the suggested model side
 * by side. Nothing is published: the suggested model is a document to preview and publish by hand.
 */
import type { Db } from '../store/db';
import { isRateKpi, parseModel, type Decay, type Model } from '../model/schema';
import { personaOf } from '../scoring/committee';
import { addDays } from '../scoring/days';
import { listAccountIds, listEngagedPeopleBefore, listOutcomeOpportunities } from '../store/opportunities';
import { auc, baseRateOf, rateRow } from './metrics';
import { fitLogistic } from './logistic';
import { populationOf } from './population';
import { runBacktest, scoresAsOf } from './backtest';
import { suggestWeights } from './weights';

/** Fewer accounts with activity, or fewer positives among them, and a KPI keeps its weight. */
export const MIN_SUPPORT_ACCOUNTS = 10;
export const MIN_SUPPORT_POSITIVES = 5;
/** The L2 penalty of the fit (features are sub-scores ÷ 100, so 0–1). */
export const LAMBDA = 1;

/** The decays tried per count KPI (besides its own), the one whose sub-score ranks training outcomes best wins. */
export const DECAY_CANDIDATES: readonly Decay[] = [
  { kind: 'halfLife', days: 7 },
  { kind: 'halfLife', days: 14 },
  { kind: 'halfLife', days: 30 },
  { kind: 'halfLife', days: 60 },
  { kind: 'linear', lifespanDays: 30 },
  { kind: 'linear', lifespanDays: 60 },
  { kind: 'linear', lifespanDays: 90 },
];

/** One KPI's line of the suggestion. */
export interface KpiSuggestion {
  key: string;
  label: string;
  /** Training accounts with activity in the KPI, and the positives among them. */
  support: { accounts: number; positives: number };
  /** Their conversion rate ÷ the training base rate. */
  lift: number | null;
  currentWeight: number;
  suggestedWeight: number;
  /** The fitted coefficient (null when not learned). */
  coefficient: number | null;
  /** Why the KPI keeps its weight, when it does. */
  flag: string | null;
  currentDecay: Decay | null;
  suggestedDecay: Decay | null;
}

/** One persona's line: how often it was engaged before won deals against how often at all. */
export interface PersonaSuggestion {
  key: string;
  label: string;
  /** "model": one of the model's personas; "department": a candidate persona of everyone in a department. */
  source: 'model' | 'department';
  when: { department: string[] } | null;
  wonAccounts: number;
  wonShare: number | null;
  allShare: number | null;
  ratio: number | null;
  required: boolean;
  suggestRequired: boolean;
}

/** What `pulse model suggest` returns. */
export interface Suggestion {
  asOf: string;
  trainAsOf: string;
  horizonDays: number;
  modelVersion: string;
  training: { accounts: number; positives: number; baseRate: number | null };
  /** Whether any weight was learned (false: every KPI kept its weight). */
  learned: boolean;
  kpis: KpiSuggestion[];
  personas: PersonaSuggestion[];
  evaluation: {
    asOf: string;
    horizonDays: number;
    accounts: number;
    positives: number;
    current: { modelVersion: string; auc: number | null; topDecileLift: number | null };
    suggested: { modelVersion: string; auc: number | null; topDecileLift: number | null };
  };
  model: Model;
}

/** A persona is suggested as required when at least this share of won accounts had it engaged … */
const PERSONA_WON_SHARE = 0.5;
/** … this many times as often as accounts at large … */
const PERSONA_RATIO = 1.25;
/** … over at least this many won accounts. */
const PERSONA_MIN_WON = 5;

/**
 * The model with the given decays (rate KPIs have none) and without frozen references: a reference
 * frozen for one decay is off scale for another, so "auto" KPIs recalibrate, as the suggested model will
 * when it is published.
 */
function withDecays(model: Model, decays: ReadonlyMap<string, Decay>): Model {
  const out: Model = {
    ...model,
    kpis: model.kpis.map((k) => (isRateKpi(k) || !decays.has(k.key) ? k : { ...k, decay: decays.get(k.key)! })),
  };
  delete out.references;
  return out;
}

/** The suggested model's version: the current one's, marked, within 40 characters. */
export function suggestedVersion(version: string, asOf: string): string {
  const tail = `-suggested-${asOf.replace(/-/g, '')}`;
  return `${version.slice(0, 40 - tail.length)}${tail}`;
}

/** Learns a suggestion for the org's model as of `asOf` with the given horizon. */
export async function suggestModel(
  db: Db,
  opts: { orgId: string; model: Model; asOf: string; horizonDays: number },
): Promise<Suggestion> {
  const { orgId, model, asOf, horizonDays } = opts;
  const trainAsOf = addDays(asOf, -horizonDays);
  const accountIds = await listAccountIds(db, orgId);
  const opportunities = await listOutcomeOpportunities(db, orgId);
  const training = populationOf(accountIds, opportunities, trainAsOf, horizonDays);
  const labels = training.map((t) => t.positive);
  const enabled = model.kpis.filter((k) => k.enabled);
  const countKeys = enabled.filter((k) => !isRateKpi(k)).map((k) => k.key);

  /** Each training account's sub-score of `key` (0 unscored), under a scoring of the training day. */
  const columnOf = (today: Awaited<ReturnType<typeof scoresAsOf>>['today'], key: string) =>
    training.map((t) => today.get(t.accountId)?.kpis[key]?.subscore ?? 0);

  // Decays: each candidate scored once for every count KPI at a time (a KPI's points do not depend on
  // another's decay); per KPI the decay whose sub-score has the best training AUC, its own on a tie.
  const current = await scoresAsOf(db, orgId, model, trainAsOf);
  const best = new Map<string, { decay: Decay; auc: number }>();
  for (const k of model.kpis) {
    if (isRateKpi(k) || !k.enabled) continue;
    const col = columnOf(current.today, k.key);
    const a = auc(
      training.map((t, i) => ({
        accountId: t.accountId,
        positive: labels[i]!,
        score: col[i]!,
      })),
    );
    best.set(k.key, { decay: k.decay, auc: a ?? 0 });
  }
  for (const decay of DECAY_CANDIDATES) {
    const variant = withDecays(model, new Map(countKeys.map((key) => [key, decay])));
    const scored = await scoresAsOf(db, orgId, variant, trainAsOf);
    for (const key of countKeys) {
      const col = columnOf(scored.today, key);
      const a = auc(training.map((t, i) => ({ accountId: t.accountId, positive: labels[i]!, score: col[i]! }))) ?? 0;
      if (a > best.get(key)!.auc + 1e-9) best.set(key, { decay, auc: a });
    }
  }
  const decays = new Map([...best].map(([key, b]) => [key, b.decay]));
  const decayed = withDecays(model, decays);
  const features = await scoresAsOf(db, orgId, decayed, trainAsOf);

  // Support is activity in the window under the current model (a short suggested decay would hide
  // older activity); the fit is on the sub-scores under the suggested decays.
  const base = baseRateOf(training.map((t) => ({ ...t, score: 0 })));
  const columns = new Map(enabled.map((k) => [k.key, columnOf(features.today, k.key)]));
  const lines = enabled.map((k) => {
    const col = columnOf(current.today, k.key);
    let accounts = 0;
    let positives = 0;
    col.forEach((v, i) => {
      if (v > 0) {
        accounts++;
        if (labels[i]) positives++;
      }
    });
    const flag =
      accounts < MIN_SUPPORT_ACCOUNTS || positives < MIN_SUPPORT_POSITIVES
        ? `too little support (${accounts} accounts with activity, ${positives} positives; needs ${MIN_SUPPORT_ACCOUNTS} and ${MIN_SUPPORT_POSITIVES})`
        : null;
    return { k, accounts, positives, flag, lift: rateRow(accounts, positives, base).lift };
  });
  const learnedKeys = lines.filter((l) => l.flag === null).map((l) => l.k.key);
  const fit =
    learnedKeys.length > 0 && labels.some((y) => y) && labels.some((y) => !y)
      ? fitLogistic(
          training.map((_, i) => learnedKeys.map((key) => columns.get(key)![i]! / 100)),
          labels.map((y) => (y ? 1 : 0)),
          { lambda: LAMBDA },
        )
      : null;
  const coefficientOf = (key: string) => {
    const j = learnedKeys.indexOf(key);
    return fit && j >= 0 ? fit.coefficients[j]! : null;
  };
  const { weights, learned } = suggestWeights(
    lines.map((l) => ({ key: l.k.key, currentWeight: l.k.weight, coefficient: coefficientOf(l.k.key) })),
  );
  const weightOf = new Map(lines.map((l, i) => [l.k.key, weights[i]!]));

  const personas = await suggestPersonas(db, { orgId, model, asOf, trainAsOf, accountIds, opportunities });
  const requiredNow = new Map(personas.filter((p) => p.source === 'model').map((p) => [p.key, p.suggestRequired]));

  const document = {
    ...decayed,
    version: suggestedVersion(model.version, asOf),
    description: `Suggested by pulse model suggest from outcomes up to ${asOf} (learned as of ${trainAsOf}, ${horizonDays}-day horizon) on model ${model.version}`,
    kpis: decayed.kpis.map((k) => (k.enabled ? { ...k, weight: weightOf.get(k.key)! } : k)),
    committee: {
      ...model.committee,
      personas: model.committee.personas.map((p) => ({ ...p, required: requiredNow.get(p.key) ?? p.required })),
    },
  };
  const suggested = parseModel(document);

  const now = (await runBacktest(db, { orgId, model, asOf, horizonDays })).result;
  const next = (await runBacktest(db, { orgId, model: suggested, asOf, horizonDays })).result;
  return {
    asOf,
    trainAsOf,
    horizonDays,
    modelVersion: model.version,
    training: { accounts: training.length, positives: labels.filter((y) => y).length, baseRate: base },
    learned,
    kpis: lines.map((l) => ({
      key: l.k.key,
      label: l.k.label,
      support: { accounts: l.accounts, positives: l.positives },
      lift: l.lift,
      currentWeight: l.k.weight,
      suggestedWeight: weightOf.get(l.k.key)!,
      coefficient: coefficientOf(l.k.key),
      flag: l.flag ?? (learned ? null : 'no KPI predicts the training outcomes: every weight kept'),
      currentDecay: isRateKpi(l.k) ? null : l.k.decay,
      suggestedDecay: isRateKpi(l.k) ? null : decays.get(l.k.key)!,
    })),
    personas,
    evaluation: {
      asOf,
      horizonDays,
      accounts: now.accounts,
      positives: now.positives,
      current: { modelVersion: model.version, auc: now.auc, topDecileLift: now.topDecileLift },
      suggested: { modelVersion: suggested.version, auc: next.auc, topDecileLift: next.topDecileLift },
    },
    model: suggested,
  };
}

/**
 * Personas from won deals: for the model's personas and one candidate per department, the share of
 * won accounts (an opportunity won on or before `asOf`; the first created counts) where someone of
 * the persona had activity in the window before the opportunity was created, against the share of all
 * accounts where someone did in the window up to `trainAsOf`.
 */
async function suggestPersonas(
  db: Db,
  ctx: {
    orgId: string;
    model: Model;
    asOf: string;
    trainAsOf: string;
    accountIds: readonly string[];
    opportunities: Awaited<ReturnType<typeof listOutcomeOpportunities>>;
  },
): Promise<PersonaSuggestion[]> {
  const { model } = ctx;
  const firstWon = new Map<string, string>();
  for (const o of ctx.opportunities) {
    // Won by the split: a deal won later is an outcome after it.
    if (!o.isWon || o.closedDay === null || o.closedDay > ctx.asOf) continue;
    const seen = firstWon.get(o.accountId);
    if (!seen || o.createdDay < seen) firstWon.set(o.accountId, o.createdDay);
  }
  const won = await listEngagedPeopleBefore(
    db,
    ctx.orgId,
    [...firstWon].map(([accountId, day]) => ({ accountId, day })),
    model.windowDays,
  );
  const all = await listEngagedPeopleBefore(
    db,
    ctx.orgId,
    ctx.accountIds.map((accountId) => ({ accountId, day: addDays(ctx.trainAsOf, 1) })),
    model.windowDays,
  );
  const departments = [...new Set([...won, ...all].map((p) => p.department))].filter((d) => d !== 'unknown').sort();
  const candidates: {
    key: string;
    label: string;
    source: 'model' | 'department';
    when: { department: string[] } | null;
    required: boolean;
    of: (p: (typeof all)[number]) => boolean;
  }[] = [
    ...model.committee.personas.map((p) => ({
      key: p.key,
      label: p.label,
      source: 'model' as const,
      when: null,
      required: p.required,
      of: (x: (typeof all)[number]) => personaOf(model, x)?.key === p.key,
    })),
    ...departments.map((d) => ({
      key: `department_${d}`,
      label: `Anyone in ${d}`,
      source: 'department' as const,
      when: { department: [d] },
      required: false,
      of: (x: (typeof all)[number]) => x.department === d,
    })),
  ];
  const accountsWith = (rows: typeof all, of: (p: (typeof all)[number]) => boolean) =>
    new Set(rows.filter(of).map((r) => r.accountId)).size;
  return candidates.map((c) => {
    const wonShare = firstWon.size > 0 ? accountsWith(won, c.of) / firstWon.size : null;
    const allShare = ctx.accountIds.length > 0 ? accountsWith(all, c.of) / ctx.accountIds.length : null;
    const ratio = wonShare !== null && allShare !== null && allShare > 0 ? wonShare / allShare : null;
    return {
      key: c.key,
      label: c.label,
      source: c.source,
      when: c.when,
      wonAccounts: firstWon.size,
      wonShare,
      allShare,
      ratio,
      required: c.required,
      suggestRequired:
        firstWon.size >= PERSONA_MIN_WON &&
        wonShare !== null &&
        wonShare >= PERSONA_WON_SHARE &&
        (ratio === null || ratio >= PERSONA_RATIO),
    };
  });
}
