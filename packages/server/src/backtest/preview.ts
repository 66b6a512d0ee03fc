/**
 * The console's "preview before publish": the draft model scored on today's data next to the live
 * model — the score histogram, accounts per band and per trend, the accounts that change band, the
 * top movers, and both backtests (as `pulse model compare` figures them). Reads only.
 */
import { calibrateReferences } from '../engine/engine';
import { scoreDay, scoreTrendDay } from '../engine/day';
import type { Model } from '../model/schema';
import type { AccountScore } from '../scoring/finish';
import { addDays } from '../scoring/days';
import type { Db } from '../store/db';
import type { DayBand } from '../store/snapshots';
import { compareDay, figures, type BacktestFigures } from './compare';
import { BANDS, TRENDS } from './summary';

/** How one model's scores spread on the day. */
export interface Distribution {
  histogram: { from: number; to: number; accounts: number }[];
  bands: { band: string; accounts: number }[];
  trends: { trend: string; accounts: number }[];
}

/** What the preview page shows. */
export interface Preview {
  asOf: string;
  live: Distribution;
  draft: Distribution;
  bandChanges: { accountId: string; name: string; before: string; after: string }[];
  movers: { accountId: string; name: string; before: number; after: number; delta: number }[];
  backtest: { live: BacktestFigures; draft: BacktestFigures } | { reason: 'not enough outcomes' };
}

/** Scores in 10-point buckets, then per band and per trend (accounts without activity are Unscored). */
export function distribution(scores: readonly AccountScore[], accounts: number): Distribution {
  const histogram = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, accounts: 0 }));
  for (const s of scores) histogram[Math.min(9, Math.floor(s.score / 10))]!.accounts += 1;
  const unscored = Math.max(0, accounts - scores.length);
  return {
    histogram,
    bands: BANDS.map((band) => ({
      band,
      accounts: scores.filter((s) => s.band === band).length + (band === 'Low' ? unscored : 0),
    })),
    trends: TRENDS.map((trend) => ({
      trend,
      accounts: trend === 'Unscored' ? unscored : scores.filter((s) => s.trend === trend).length,
    })),
  };
}

const asBands = (scores: readonly AccountScore[]): DayBand[] =>
  scores.map((s) => ({ accountId: s.accountId, score: s.score, band: s.band }));

/**
 * Previews `draft` against the live model (null: none live, every account starts from nothing) on
 * `asOf`. The draft's "auto" references are calibrated on the day, as publishing would freeze them.
 * The draft has no stored history, so it is scored on the trend day too (as `pulse score` publishes
 * without the back-fill), and its trends compare with the live model's.
 */
export async function previewModel(
  db: Db,
  opts: {
    orgId: string;
    live: { model: Model; references: Record<string, number> } | null;
    draft: Model;
    asOf: string;
    names: ReadonlyMap<string, string>;
    horizonDays?: number;
    top?: number;
  },
): Promise<Preview> {
  const { orgId, asOf, draft } = opts;
  const horizonDays = opts.horizonDays ?? 90;
  const draftRefs = await calibrateReferences(db, orgId, draft, asOf);
  const liveScores = opts.live ? await scoreDay(db, { orgId, ...opts.live, asOf }) : [];
  const draftOpts = { orgId, model: draft, references: draftRefs, asOf };
  const draftScores = await scoreDay(db, { ...draftOpts, past: await scoreTrendDay(db, draftOpts) });
  const accounts = opts.names.size;
  const day = compareDay(asBands(liveScores), asBands(draftScores), opts.top ?? 10);
  const name = (id: string) => opts.names.get(id) ?? id;
  const backtestAt = addDays(asOf, -horizonDays);
  const draftFigures = await figures(db, orgId, draft, backtestAt, horizonDays);
  const liveFigures = opts.live ? await figures(db, orgId, opts.live.model, backtestAt, horizonDays) : draftFigures;
  return {
    asOf,
    live: distribution(liveScores, accounts),
    draft: distribution(draftScores, accounts),
    bandChanges: day.changes.map((m) => ({
      accountId: m.accountId,
      name: name(m.accountId),
      before: m.live.band,
      after: m.shadow.band,
    })),
    movers: day.topMovers.map((m) => ({
      accountId: m.accountId,
      name: name(m.accountId),
      before: m.live.score,
      after: m.shadow.score,
      delta: m.delta,
    })),
    backtest:
      liveFigures.enoughOutcomes && draftFigures.enoughOutcomes
        ? { live: liveFigures, draft: draftFigures }
        : { reason: 'not enough outcomes' },
  };
}
