/**
 * `pulse backtest` over the store: scores every account of an org as of a day with only the events
 * that occurred on or before it, and measures those scores against the opportunities created after.
 */
import type { Db } from '../store/db';
import type { Model } from '../model/schema';
import { calibrateReferences } from '../engine/engine';
import { scoreDay } from '../engine/day';
import { listAccountIds, listOutcomeOpportunities } from '../store/opportunities';
import { addDays } from '../scoring/days';
import { bandOf } from '../scoring/band';
import { trendOf } from '../scoring/trend';
import type { AccountScore } from '../scoring/finish';
import { populationOf } from './population';
import { summarize, type BacktestReport, type PopulationAccount } from './summary';

/** What one backtest needs. */
export interface BacktestOptions {
  orgId: string;
  model: Model;
  asOf: string;
  horizonDays: number;
}

/** The org's accounts scored as of a day: scores by account, with the model's references for that day. */
export interface ScoresAsOf {
  references: Record<string, number>;
  today: Map<string, AccountScore>;
  /** Scores `trend.days` earlier, for the trend. */
  past: Map<string, AccountScore>;
}

/**
 * Scores the org as of `asOf` and `trend.days` before, reading only (nothing is published or stored).
 * "auto" references are calibrated on `asOf` itself, as publishing the model that day would: a
 * reference frozen later would carry the scale of events after the day into it. The reduction counts
 * only events whose UTC day is within the window ending on the scored day (store/reduction.ts), so
 * nothing after `asOf` reaches a score.
 */
export async function scoresAsOf(db: Db, orgId: string, model: Model, asOf: string): Promise<ScoresAsOf> {
  const references = await calibrateReferences(db, orgId, model, asOf);
  const byId = (scores: AccountScore[]) => new Map(scores.map((s) => [s.accountId, s]));
  const today = byId(await scoreDay(db, { orgId, model, references, asOf }));
  const past = byId(await scoreDay(db, { orgId, model, references, asOf: addDays(asOf, -model.trend.days) }));
  return { references, today, past };
}

/** The population of a backtest with each account's score, band and trend as of the day (unscored: 0, Low). */
export function scoredPopulation(
  model: Model,
  population: readonly { accountId: string; positive: boolean }[],
  scores: Pick<ScoresAsOf, 'today' | 'past'>,
): PopulationAccount[] {
  return population.map(({ accountId, positive }) => {
    const now = scores.today.get(accountId);
    const then = scores.past.get(accountId);
    const trend = trendOf(model, now?.score ?? null, then?.score ?? null);
    return {
      accountId,
      positive,
      score: now?.scoreExact ?? 0,
      band: bandOf(model, now?.score ?? 0),
      trend: trend?.trend ?? 'Unscored',
    };
  });
}

/** Backtests the model on an org's stored accounts, events and opportunities as of one day. */
export async function runBacktest(db: Db, opts: BacktestOptions): Promise<BacktestReport> {
  const { orgId, model, asOf, horizonDays } = opts;
  const [accountIds, opportunities] = [await listAccountIds(db, orgId), await listOutcomeOpportunities(db, orgId)];
  const population = populationOf(accountIds, opportunities, asOf, horizonDays);
  const scores = await scoresAsOf(db, orgId, model, asOf);
  return summarize({ asOf, horizonDays, modelVersion: model.version }, scoredPopulation(model, population, scores));
}
