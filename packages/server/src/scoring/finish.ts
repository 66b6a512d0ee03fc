import { isRateKpi, type CountKpi, type Model, type RateKpi } from '../model/schema';
import { bandOf, roundScore, type Band } from './band';
import { personaOf, type ScoringPerson } from './committee';
import { countSubscore, rateSubscore, rateValue, resolveReference, type References } from './subscore';
import { trendOf, type Trend } from './trend';
import { cmp } from './sum';

/** One person's reduced points at the account. */
export interface FinishPerson extends ScoringPerson {
  personId: string;
  /** Σ contributions over all KPIs. */
  points: number;
  kpiPoints: Record<string, number>;
}

/** What the SQL reduce hands over for one account. */
export interface FinishInput {
  accountId: string;
  /** Per count KPI: P = Σ contributions, count = N = Σ quantity of counted events. */
  kpis: Record<string, { points: number; count: number }>;
  people: FinishPerson[];
  lastActivity: string | null;
}

/**
 * One account's score of one day: what the finish returns, a fully written snapshot day holds and the
 * write-back sends to Salesforce. `score` is the rounded score shown everywhere, `scoreExact` the weighted
 * sum it is rounded from; per KPI key, `points` is P for a count KPI and the observed rate for a rate KPI.
 */
export interface AccountScore {
  accountId: string;
  score: number;
  scoreExact: number;
  band: Band;
  trend: Trend;
  change30d: number | null;
  peopleEngaged: number;
  coveragePct: number;
  missingPersonas: string[];
  mqa: boolean;
  kpis: Record<string, { points: number; subscore: number }>;
  lastActivity: string | null;
  topPeople: { personId: string; points: number; share: number }[];
  topKpis: { key: string; points: number; share: number }[];
  changeDrivers: { key: string; change: number }[];
}

/**
 * One account's lean history row: what a back-filled snapshot day holds of its score (no trend, top lists
 * or change drivers; sub-scores without points). The trend and change drivers of a later day read
 * `score` and `subscores` of the row `trend.days` before it.
 */
export interface HistoryRow extends Pick<
  AccountScore,
  | 'accountId'
  | 'score'
  | 'scoreExact'
  | 'band'
  | 'peopleEngaged'
  | 'coveragePct'
  | 'missingPersonas'
  | 'mqa'
  | 'lastActivity'
> {
  /** Sub-score per enabled KPI key; a key left out is 0. */
  subscores: Record<string, number>;
}

const TOP = 5;

/**
 * The finish input in dense form, indexed by model KPI position: per count KPI the points P and count
 * N, and every person's points with their persona (people without points may be listed; they count
 * for nothing). The back-fill's hot loop fills this directly instead of building a FinishInput per day.
 */
export interface DenseInput {
  accountId: string;
  points: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** `slot`: the index of the person's persona in `plan.required` (-1 for none), when already known. */
  people: { points: number; persona: string | null; slot?: number }[];
  lastActivity: string | null;
}

/** The model as the finish walks it, resolved once: enabled KPIs with their positions and references. */
export interface FinishPlan {
  model: Model;
  enabled: {
    key: string;
    weight: number;
    /** Count KPI: its position; rate KPI: -1. */
    index: number;
    /** Count KPI: the resolved reference (null: resolve when used, which names a missing one). */
    reference: number | null;
    rate: { numerator: number; denominator: number; spec: RateKpi['rate'] } | null;
    kpi: Model['kpis'][number];
  }[];
  references: References;
  /** The required personas, in model order: a member's `slot` is its index here. */
  required: { key: string; label: string }[];
  /** Missing-persona label lists by bit mask of the required personas nobody engaged (filled as met). */
  missingByMask: Map<number, readonly string[]>;
}

const plans = new WeakMap<Model, WeakMap<References, FinishPlan>>();

/** The finish plan of a model and its references (cached per pair of objects). */
export function finishPlan(model: Model, references: References): FinishPlan {
  let byRefs = plans.get(model);
  if (!byRefs) plans.set(model, (byRefs = new WeakMap()));
  let plan = byRefs.get(references);
  if (plan) return plan;
  const indexOf = new Map(model.kpis.map((k, i) => [k.key, i]));
  const required = model.committee.personas.filter((p) => p.required).map((p) => ({ key: p.key, label: p.label }));
  plan = {
    model,
    references,
    required,
    missingByMask: new Map(),
    enabled: model.kpis
      .map((k, i) => ({ k, i }))
      .filter(({ k }) => k.enabled)
      .map(({ k, i }) => {
        if (isRateKpi(k)) {
          return {
            key: k.key,
            weight: k.weight,
            index: -1,
            reference: null,
            rate: {
              numerator: indexOf.get(k.rate.numerator) ?? -1,
              denominator: indexOf.get(k.rate.denominator) ?? -1,
              spec: k.rate,
            },
            kpi: k,
          };
        }
        let reference: number | null = null;
        try {
          reference = resolveReference(model, k, references);
        } catch {
          // Left unresolved: resolving again when an account needs it throws the named error there.
        }
        return { key: k.key, weight: k.weight, index: i, reference, rate: null, kpi: k };
      }),
  };
  byRefs.set(references, plan);
  return plan;
}

/**
 * Finishes one account from its reduced points: sub-scores, weighted score, band, trend against
 * `past`, committee, MQA, top people and KPIs, change drivers. Null when the account has no counted
 * event in an enabled KPI (it has no score, not 0).
 *
 * kpis[key].points is P for a count KPI and the observed rate for a rate KPI. Shares: a person's
 * share is their points ÷ the account's total P over enabled count KPIs; a KPI's share is its
 * weighted sub-score ÷ the exact score. MQA and band use the rounded score.
 */
export function finishAccount(
  model: Model,
  references: References,
  input: FinishInput,
  past: Pick<HistoryRow, 'score' | 'subscores'> | null = null,
): AccountScore | null {
  const plan = finishPlan(model, references);
  const n = model.kpis.length;
  const points = new Float64Array(n);
  const counts = new Float64Array(n);
  model.kpis.forEach((k, i) => {
    const v = input.kpis[k.key];
    if (v) {
      points[i] = v.points;
      counts[i] = v.count;
    }
  });
  const people = input.people.map((p) => ({
    points: p.points,
    persona: p.persona !== undefined ? p.persona : (personaOf(model, p)?.key ?? null),
  }));
  const dense = newDenseFinish(plan);
  const counted = finishDense(
    plan,
    { accountId: input.accountId, points, counts, people, lastActivity: input.lastActivity },
    dense,
  );
  return counted ? accountScoreOf(plan, dense, input, past) : null;
}

/**
 * The buffers `finishDense` fills in place (no allocation per account): the finish's arithmetic before
 * it becomes an AccountScore, with the per-KPI values in `plan.enabled` order.
 */
export interface DenseFinish {
  score: number;
  scoreExact: number;
  peopleEngaged: number;
  coveragePct: number;
  /** Labels of the required personas nobody engaged, in model order (shared: do not modify). */
  missingPersonas: readonly string[];
  mqa: boolean;
  points: Float64Array;
  subscores: Float64Array;
}

/** Empty DenseFinish buffers sized for the plan. */
export function newDenseFinish(plan: FinishPlan): DenseFinish {
  return {
    score: 0,
    scoreExact: 0,
    peopleEngaged: 0,
    coveragePct: 0,
    missingPersonas: [],
    mqa: false,
    points: new Float64Array(plan.enabled.length),
    subscores: new Float64Array(plan.enabled.length),
  };
}

/**
 * The finish's arithmetic into `out`: sub-scores, weighted score, committee and MQA. False (and `out`
 * untouched) when the account has no counted event in an enabled KPI.
 */
export function finishDense(plan: FinishPlan, input: DenseInput, out: DenseFinish): boolean {
  const { model, enabled } = plan;
  let counted = false;
  for (const e of enabled) if (e.index >= 0 && input.counts[e.index]! > 0) counted = true;
  if (!counted) return false;

  let scoreExact = 0;
  for (let i = 0; i < enabled.length; i++) {
    const e = enabled[i]!;
    let points: number;
    let subscore: number;
    if (e.rate) {
      const num = e.rate.numerator >= 0 ? input.counts[e.rate.numerator]! : 0;
      const den = e.rate.denominator >= 0 ? input.counts[e.rate.denominator]! : 0;
      points = rateValue(num, den, e.rate.spec);
      subscore = rateSubscore(num, den, e.rate.spec);
    } else {
      points = input.points[e.index]!;
      const reference = e.reference ?? resolveReference(model, e.kpi as CountKpi, plan.references);
      subscore = countSubscore(points, reference);
    }
    out.points[i] = points;
    out.subscores[i] = subscore;
    scoreExact += (e.weight * subscore) / 100;
  }

  // The committee as committeeCoverage counts it: engaged = points > 0 and ≥ engagedPoints.
  const required = plan.required;
  const threshold = model.committee.engagedPoints;
  let engaged = 0;
  let covered = 0;
  // Covered required personas as bits of a number; a committee of more than 30 takes a list.
  const coveredList: boolean[] | null = required.length > 30 ? required.map(() => false) : null;
  for (const p of input.people) {
    if (!(p.points > 0 && p.points >= threshold)) continue;
    engaged++;
    const slot = p.slot ?? (p.persona === null ? -1 : required.findIndex((r) => r.key === p.persona));
    if (slot < 0) continue;
    if (coveredList) coveredList[slot] = true;
    else covered |= 1 << slot;
  }
  let missing: readonly string[];
  if (coveredList) {
    missing = required.filter((_, i) => !coveredList[i]).map((r) => r.label);
  } else {
    const mask = ((1 << required.length) - 1) & ~covered;
    let cached = plan.missingByMask.get(mask);
    if (!cached) {
      cached = required.filter((_, i) => mask & (1 << i)).map((r) => r.label);
      plan.missingByMask.set(mask, cached);
    }
    missing = cached;
  }
  const score = roundScore(scoreExact);
  out.score = score;
  out.scoreExact = scoreExact;
  out.peopleEngaged = engaged;
  out.coveragePct = required.length === 0 ? 100 : ((required.length - missing.length) * 100) / required.length;
  out.missingPersonas = missing;
  out.mqa =
    score >= model.mqa.minScore && engaged >= model.mqa.minEngagedPeople && out.coveragePct >= model.mqa.minCoveragePct;
  return true;
}

/**
 * The AccountScore of a dense finish: band, trend against `past`, the per-KPI points and sub-scores, top
 * people, top KPIs and change drivers. `people` are the account's people with their points (any order).
 */
export function accountScoreOf(
  plan: FinishPlan,
  dense: DenseFinish,
  account: { accountId: string; lastActivity: string | null; people: readonly { personId: string; points: number }[] },
  past: Pick<HistoryRow, 'score' | 'subscores'> | null,
): AccountScore {
  const kpis: AccountScore['kpis'] = {};
  plan.enabled.forEach((e, i) => (kpis[e.key] = { points: dense.points[i]!, subscore: dense.subscores[i]! }));
  // Rounded here too, so a stored exact score trends exactly like the shown one.
  const trend = trendOf(plan.model, dense.score, past ? roundScore(past.score) : null);
  return {
    accountId: account.accountId,
    score: dense.score,
    scoreExact: dense.scoreExact,
    band: bandOf(plan.model, dense.score),
    // trendOf only returns null without a score today, which finishDense ruled out.
    trend: trend?.trend ?? 'New',
    change30d: trend?.change ?? null,
    peopleEngaged: dense.peopleEngaged,
    coveragePct: dense.coveragePct,
    missingPersonas: [...dense.missingPersonas],
    mqa: dense.mqa,
    kpis,
    lastActivity: account.lastActivity,
    topPeople: topPeopleOf(plan, kpis, account.people),
    topKpis: topKpisOf(plan, kpis, dense.scoreExact),
    changeDrivers: past ? changeDriversOf(plan, kpis, past.subscores) : [],
  };
}

/** The sub-scores of a dense finish by KPI key, as a later day's change drivers read them. */
export function subscoresOf(plan: FinishPlan, dense: DenseFinish): Record<string, number> {
  const out: Record<string, number> = {};
  plan.enabled.forEach((e, i) => (out[e.key] = dense.subscores[i]!));
  return out;
}

/** The TOP people by points; a share is the person's points ÷ the account's P over enabled count KPIs. */
function topPeopleOf(
  plan: FinishPlan,
  kpis: AccountScore['kpis'],
  people: readonly { personId: string; points: number }[],
): AccountScore['topPeople'] {
  let totalPoints = 0;
  for (const e of plan.enabled) if (!e.rate) totalPoints += kpis[e.key]!.points;
  return people
    .filter((p) => p.points > 0)
    .sort((a, b) => b.points - a.points || cmp(a.personId, b.personId))
    .slice(0, TOP)
    .map((p) => ({ personId: p.personId, points: p.points, share: totalPoints > 0 ? p.points / totalPoints : 0 }));
}

/** The TOP KPIs by weighted sub-score; a share is the weighted sub-score ÷ the exact score. */
function topKpisOf(plan: FinishPlan, kpis: AccountScore['kpis'], scoreExact: number): AccountScore['topKpis'] {
  return plan.enabled
    .map((e) => ({
      key: e.key,
      points: kpis[e.key]!.points,
      value: (e.weight * kpis[e.key]!.subscore) / 100,
    }))
    .filter((w) => w.value > 0)
    .sort((a, b) => b.value - a.value || cmp(a.key, b.key))
    .slice(0, TOP)
    .map((w) => ({ key: w.key, points: w.points, share: w.value / scoreExact }));
}

/** Each enabled KPI's weighted sub-score change against the past day, largest first; unchanged ones left out. */
function changeDriversOf(
  plan: FinishPlan,
  kpis: AccountScore['kpis'],
  pastSubscores: Record<string, number>,
): AccountScore['changeDrivers'] {
  return plan.enabled
    .map((e) => {
      const now = kpis[e.key]?.subscore ?? 0;
      const then = pastSubscores[e.key] ?? 0;
      return { key: e.key, change: (e.weight * (now - then)) / 100 };
    })
    .filter((d) => d.change !== 0)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || cmp(a.key, b.key));
}
