import { isRateKpi, type Model } from '../model/schema';
import { bandOf, roundScore, type Band } from './band';
import { committeeCoverage, personaOf, type ScoringPerson } from './committee';
import { countSubscore, rateSubscore, rateValue, resolveReference, type References } from './subscore';
import { trendOf, type Trend } from './trend';

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

/** The account's state `trend.days` earlier: score (rounded or exact; the trend rounds it) and per-KPI sub-scores. */
export interface PastScore {
  score: number;
  subscores: Record<string, number>;
}

/** One account's finished score. */
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
  topPeople: { personId: string; points: number; share: number }[];
  topKpis: { key: string; points: number; share: number }[];
  changeDrivers: { key: string; change: number }[];
  lastActivity: string | null;
}

const TOP = 5;

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
  past: PastScore | null = null,
): AccountScore | null {
  const enabled = model.kpis.filter((k) => k.enabled);
  const counted = enabled.some((k) => !isRateKpi(k) && (input.kpis[k.key]?.count ?? 0) > 0);
  if (!counted) return null;

  const kpis: AccountScore['kpis'] = {};
  const weighted: { key: string; points: number; value: number }[] = [];
  let scoreExact = 0;
  let totalPoints = 0;
  for (const k of enabled) {
    let points: number;
    let subscore: number;
    if (isRateKpi(k)) {
      const num = input.kpis[k.rate.numerator]?.count ?? 0;
      const den = input.kpis[k.rate.denominator]?.count ?? 0;
      points = rateValue(num, den, k.rate);
      subscore = rateSubscore(num, den, k.rate);
    } else {
      points = input.kpis[k.key]?.points ?? 0;
      subscore = countSubscore(points, resolveReference(model, k, references));
      totalPoints += points;
    }
    kpis[k.key] = { points, subscore };
    const value = (k.weight * subscore) / 100;
    scoreExact += value;
    weighted.push({ key: k.key, points, value });
  }

  const score = roundScore(scoreExact);
  // Rounded here too, so a stored exact score trends exactly like the shown one.
  const trend = trendOf(model, score, past ? roundScore(past.score) : null);
  const committee = committeeCoverage(
    model,
    input.people.map((p) => ({
      points: p.points,
      persona: p.persona !== undefined ? p.persona : (personaOf(model, p)?.key ?? null),
    })),
  );
  const mqa =
    score >= model.mqa.minScore &&
    committee.peopleEngaged >= model.mqa.minEngagedPeople &&
    committee.coveragePct >= model.mqa.minCoveragePct;

  const topPeople = input.people
    .filter((p) => p.points > 0)
    .sort((a, b) => b.points - a.points || cmp(a.personId, b.personId))
    .slice(0, TOP)
    .map((p) => ({ personId: p.personId, points: p.points, share: totalPoints > 0 ? p.points / totalPoints : 0 }));
  const topKpis = weighted
    .filter((w) => w.value > 0)
    .sort((a, b) => b.value - a.value || cmp(a.key, b.key))
    .slice(0, TOP)
    .map((w) => ({ key: w.key, points: w.points, share: w.value / scoreExact }));
  const changeDrivers = past
    ? enabled
        .map((k) => {
          const now = kpis[k.key]?.subscore ?? 0;
          const then = past.subscores[k.key] ?? 0;
          return { key: k.key, change: (k.weight * (now - then)) / 100 };
        })
        .filter((d) => d.change !== 0)
        .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || cmp(a.key, b.key))
    : [];

  return {
    accountId: input.accountId,
    score,
    scoreExact,
    band: bandOf(model, score),
    // trendOf only returns null without a score today, which was ruled out above.
    trend: trend?.trend ?? 'New',
    change30d: trend?.change ?? null,
    peopleEngaged: committee.peopleEngaged,
    coveragePct: committee.coveragePct,
    missingPersonas: committee.missingPersonas,
    mqa,
    kpis,
    topPeople,
    topKpis,
    changeDrivers,
    lastActivity: input.lastActivity,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
