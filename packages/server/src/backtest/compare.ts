/**
 * `pulse model compare`: the live version against the org's shadow on one day — accounts per band,
 * the accounts that change band, the top movers — and both versions' backtests on the org's
 * opportunities. Reads only.
 */
import type { Db } from '../store/db';
import { PulseError } from '../errors';
import type { Model } from '../model/schema';
import type { Band } from '../scoring/band';
import { addDays } from '../scoring/days';
import { loadActiveModel, loadShadowModel } from '../store/models';
import { latestCommonDay, readDayBands, type DayBand } from '../store/snapshots';
import { runBacktest } from './backtest';
import { BANDS, type BacktestResult } from './summary';

/** One account whose band or score differs between the live and the shadow version. */
export interface Mover {
  accountId: string;
  live: { score: number; band: Band };
  shadow: { score: number; band: Band };
  /** Shadow score − live score. */
  delta: number;
}

/** A version's backtest headline, or why there is none. */
export type BacktestFigures =
  | ({ enoughOutcomes: true } & Pick<
      BacktestResult,
      'asOf' | 'horizonDays' | 'accounts' | 'positives' | 'baseRate' | 'auc' | 'topDecileLift' | 'recallTop20'
    >)
  | { enoughOutcomes: false; asOf: string; horizonDays: number; note: 'not enough outcomes' };

/** What `pulse model compare` prints (JSON as is). */
export interface Comparison {
  orgId: string;
  asOf: string;
  live: string;
  shadow: string;
  /** Accounts per band under each version (an account scored by one version only counts as Low, score 0, in the other). */
  bands: { band: Band; live: number; shadow: number }[];
  /** Accounts whose band changes, live → shadow: biggest band jump first, then biggest score change. */
  changes: Mover[];
  /** The accounts whose score changes most, either way (at most `top`). */
  topMovers: Mover[];
  backtest: { live: BacktestFigures; shadow: BacktestFigures };
}

/** Options: the org, the day (default: the latest both versions scored), the backtest horizon, how many movers. */
export interface CompareOptions {
  orgId: string;
  asOf?: string;
  horizonDays?: number;
  top?: number;
}

const RANK: Record<Band, number> = { Low: 0, Medium: 1, High: 2, 'Very High': 3 };

/** Compares the live version with the shadow, pure: bands, band changes and movers of one day's snapshots. */
export function compareDay(
  live: readonly DayBand[],
  shadow: readonly DayBand[],
  top: number,
): Pick<Comparison, 'bands' | 'changes' | 'topMovers'> {
  const byId = (rows: readonly DayBand[]) => new Map(rows.map((r) => [r.accountId, r]));
  const [l, s] = [byId(live), byId(shadow)];
  const ids = [...new Set([...l.keys(), ...s.keys()])].sort();
  const side = (r: DayBand | undefined) => ({ score: r?.score ?? 0, band: (r?.band ?? 'Low') as Band });
  const movers: Mover[] = ids.map((accountId) => {
    const a = side(l.get(accountId));
    const b = side(s.get(accountId));
    return { accountId, live: a, shadow: b, delta: b.score - a.score };
  });
  const bands = BANDS.map((band) => ({
    band,
    live: movers.filter((m) => m.live.band === band).length,
    shadow: movers.filter((m) => m.shadow.band === band).length,
  }));
  const jump = (m: Mover) => Math.abs(RANK[m.shadow.band] - RANK[m.live.band]);
  const byMove = (x: Mover, y: Mover) =>
    Math.abs(y.delta) - Math.abs(x.delta) || x.accountId.localeCompare(y.accountId);
  const changes = movers.filter((m) => m.live.band !== m.shadow.band).sort((x, y) => jump(y) - jump(x) || byMove(x, y));
  const topMovers = movers
    .filter((m) => m.delta !== 0)
    .sort(byMove)
    .slice(0, top);
  return { bands, changes, topMovers };
}

/**
 * The comparison of the org's live and shadow versions on `asOf`, from their stored snapshots; the
 * backtests are as of `asOf − horizon`, so the horizon's opportunities have had time to be created.
 */
export async function compareShadow(db: Db, opts: CompareOptions): Promise<Comparison> {
  const { orgId } = opts;
  const horizonDays = opts.horizonDays ?? 90;
  const live = await loadActiveModel(db, orgId);
  const shadow = await loadShadowModel(db, orgId);
  if (!live || !shadow) {
    throw new PulseError(
      'NO_SHADOW',
      !live
        ? `org ${orgId} has no published model`
        : `org ${orgId} has no shadow model; set one with pulse model shadow FILE`,
      { org: orgId },
    );
  }
  const asOf = opts.asOf ?? (await latestCommonDay(db, orgId, live.model.version, shadow.model.version));
  if (!asOf) {
    throw new PulseError(
      'NO_SHADOW_SCORES',
      `no day has scores of both ${live.model.version} and ${shadow.model.version} yet; the next daily run scores the shadow`,
      { org: orgId },
    );
  }
  const [liveRows, shadowRows] = [
    await readDayBands(db, orgId, live.model.version, asOf),
    await readDayBands(db, orgId, shadow.model.version, asOf),
  ];
  if (liveRows.length === 0 || shadowRows.length === 0) {
    throw new PulseError(
      'NO_SHADOW_SCORES',
      `${asOf} has no scores of ${liveRows.length === 0 ? live.model.version : shadow.model.version}; pick a day both versions scored`,
      { org: orgId, field: '--as-of' },
    );
  }
  const day = compareDay(liveRows, shadowRows, opts.top ?? 10);
  const backtestAt = addDays(asOf, -horizonDays);
  return {
    orgId,
    asOf,
    live: live.model.version,
    shadow: shadow.model.version,
    ...day,
    backtest: {
      live: await figures(db, orgId, live.model, backtestAt, horizonDays),
      shadow: await figures(db, orgId, shadow.model, backtestAt, horizonDays),
    },
  };
}

/** A version's backtest headline as of `asOf`, or "not enough outcomes" when no opportunity followed. */
export async function figures(
  db: Db,
  orgId: string,
  model: Model,
  asOf: string,
  horizonDays: number,
): Promise<BacktestFigures> {
  const { result } = await runBacktest(db, { orgId, model, asOf, horizonDays });
  if (result.positives === 0) return { enoughOutcomes: false, asOf, horizonDays, note: 'not enough outcomes' };
  const { accounts, positives, baseRate, auc, topDecileLift, recallTop20 } = result;
  return { enoughOutcomes: true, asOf, horizonDays, accounts, positives, baseRate, auc, topDecileLift, recallTop20 };
}

/** The comparison as text for the console. */
export function comparisonText(c: Comparison): string {
  const num = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));
  const lines = [`org ${c.orgId}, ${c.asOf}: live ${c.live} vs shadow ${c.shadow}`, '', 'accounts per band'];
  lines.push(`  ${'band'.padEnd(10)} ${'live'.padStart(7)} ${'shadow'.padStart(7)}`);
  for (const b of c.bands)
    lines.push(`  ${b.band.padEnd(10)} ${String(b.live).padStart(7)} ${String(b.shadow).padStart(7)}`);
  lines.push('', `accounts that change band: ${c.changes.length}`);
  for (const m of c.changes) {
    lines.push(
      `  ${m.accountId}  ${m.live.band} → ${m.shadow.band}  (${num(m.live.score, 1)} → ${num(m.shadow.score, 1)})`,
    );
  }
  lines.push('', 'top movers');
  if (c.topMovers.length === 0) lines.push('  none: every score is the same');
  for (const m of c.topMovers) {
    lines.push(
      `  ${m.accountId}  ${m.delta > 0 ? '+' : ''}${num(m.delta, 1)}  (${num(m.live.score, 1)} → ${num(m.shadow.score, 1)})`,
    );
  }
  lines.push('', 'backtest');
  for (const [name, f] of [
    ['live', c.backtest.live],
    ['shadow', c.backtest.shadow],
  ] as const) {
    lines.push(
      f.enoughOutcomes
        ? `  ${name.padEnd(7)} as of ${f.asOf}, ${f.horizonDays} days: ${f.accounts} accounts, ${f.positives} positives, AUC ${num(f.auc, 3)}, top-decile lift ${num(f.topDecileLift)}, recall top 20% ${num(f.recallTop20)}`
        : `  ${name.padEnd(7)} as of ${f.asOf}, ${f.horizonDays} days: ${f.note}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
