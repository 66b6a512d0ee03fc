/** The console form of `pulse backtest`: the headline, the tables the HTML charts, the stability table. Pure. */
import type { RateRow } from './metrics';
import { num, pct, textTable, times } from './format';
import { stabilityTable, type BacktestResult } from './summary';

/** Rows of a rate table: label, accounts, positives, rate, lift. */
export function rateRows(rows: readonly ({ label: string } & RateRow)[]): string[][] {
  return rows.map((r) => [r.label, String(r.accounts), String(r.positives), pct(r.rate), times(r.lift)]);
}

const RATE_HEADER = ['accounts', 'positives', 'rate', 'lift'];

/** One backtest as text. */
export function backtestText(r: BacktestResult): string {
  const head = [
    `Backtest of model ${r.modelVersion} as of ${r.asOf}, horizon ${r.horizonDays} days`,
    `accounts ${r.accounts}, positives ${r.positives}, base rate ${pct(r.baseRate)}`,
    `AUC ${num(r.auc, 3)}, top-decile lift ${times(r.topDecileLift)}, recall in the top 20% ${pct(r.recallTop20)}`,
  ];
  const deciles = textTable(
    ['decile', ...RATE_HEADER],
    rateRows(r.deciles.map((d) => ({ label: String(d.decile), ...d }))),
  );
  const bands = textTable(['band', ...RATE_HEADER], rateRows(r.bands.map((b) => ({ label: b.band, ...b }))));
  const trends = textTable(['trend', ...RATE_HEADER], rateRows(r.trends.map((t) => ({ label: t.trend, ...t }))));
  return `${head.join('\n')}\n\nConversion by decile (1 = highest scores)\n${deciles}\n\nConversion by band\n${bands}\n\nConversion by trend\n${trends}\n`;
}

/** The stability table of several backtests as text. */
export function stabilityText(results: readonly BacktestResult[]): string {
  const rows = stabilityTable(results).map((s) => [
    s.asOf,
    String(s.accounts),
    String(s.positives),
    pct(s.baseRate),
    num(s.auc, 3),
    times(s.topDecileLift),
    pct(s.recallTop20),
  ]);
  return `Stability across as-of days\n${textTable(['asOf', 'accounts', 'positives', 'base rate', 'AUC', 'top-decile lift', 'recall top 20%'], rows)}\n`;
}

/** Everything `--format text` prints: the stability table first when there are several days, then each day. */
export function backtestsText(results: readonly BacktestResult[]): string {
  const days = results.map(backtestText).join('\n');
  return results.length > 1 ? `${stabilityText(results)}\n${days}` : days;
}
