/**
 * A backtest's result document (the public JSON contract of `pulse backtest`) from the scored
 * population, pure; and the stability table of several as-of days.
 */
import type { Band } from '../scoring/band';
import type { Trend } from '../scoring/trend';
import {
  auc,
  baseRateOf,
  deciles,
  ratesBy,
  recallTop20,
  rocCurve,
  type Outcome,
  type RateRow,
  type RocPoint,
} from './metrics';

/** The bands, highest first, as the result lists them. */
export const BANDS: readonly Band[] = ['Very High', 'High', 'Medium', 'Low'];

/** A trend, or "Unscored" for an account with a score on neither day. */
export type TrendGroup = Trend | 'Unscored';

/** The trends as the result lists them. */
export const TRENDS: readonly TrendGroup[] = ['Surging', 'Heating', 'Neutral', 'New', 'Cooling', 'Unscored'];

/** One account of the population: exact score (0 unscored), band of its rounded score, trend, outcome. */
export interface PopulationAccount extends Outcome {
  band: Band;
  trend: TrendGroup;
}

/** The JSON `pulse backtest` prints for one as-of day; keys in this order are the public contract. */
export interface BacktestResult {
  asOf: string;
  horizonDays: number;
  modelVersion: string;
  accounts: number;
  positives: number;
  baseRate: number | null;
  auc: number | null;
  topDecileLift: number | null;
  recallTop20: number | null;
  deciles: ({ decile: number } & RateRow)[];
  bands: ({ band: Band } & RateRow)[];
  /** Beyond the contract: conversion by trend, as the HTML charts it. */
  trends: ({ trend: TrendGroup } & RateRow)[];
}

/** A result with the ROC curve the HTML draws (not printed in the JSON: one point per distinct score). */
export interface BacktestReport {
  result: BacktestResult;
  roc: RocPoint[];
}

/** The backtest of a scored population. */
export function summarize(
  head: { asOf: string; horizonDays: number; modelVersion: string },
  population: readonly PopulationAccount[],
): BacktestReport {
  const d = deciles(population);
  const result: BacktestResult = {
    asOf: head.asOf,
    horizonDays: head.horizonDays,
    modelVersion: head.modelVersion,
    accounts: population.length,
    positives: population.filter((p) => p.positive).length,
    baseRate: baseRateOf(population),
    auc: auc(population),
    topDecileLift: d[0]!.lift,
    recallTop20: recallTop20(population),
    deciles: d,
    bands: ratesBy(population, (p) => p.band, BANDS).map(({ group, ...r }) => ({ band: group, ...r })),
    trends: ratesBy(population, (p) => p.trend, TRENDS).map(({ group, ...r }) => ({ trend: group, ...r })),
  };
  return { result, roc: rocCurve(population) };
}

/** One row of the stability table: a day's headline numbers. */
export type StabilityRow = Pick<
  BacktestResult,
  'asOf' | 'accounts' | 'positives' | 'baseRate' | 'auc' | 'topDecileLift' | 'recallTop20'
>;

/** The stability table of several backtests, in their order. */
export function stabilityTable(results: readonly BacktestResult[]): StabilityRow[] {
  return results.map((r) => ({
    asOf: r.asOf,
    accounts: r.accounts,
    positives: r.positives,
    baseRate: r.baseRate,
    auc: r.auc,
    topDecileLift: r.topDecileLift,
    recallTop20: r.recallTop20,
  }));
}
