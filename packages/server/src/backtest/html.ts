/**
 * The HTML form of `pulse backtest`: one self-contained page (inline CSS and SVG, no script, no
 * external asset) with conversion by decile, the ROC curve, conversion by band and by trend, each with
 * its numbers under it; several days add the stability table. Every text from data is escaped. Pure.
 */
import escapeHtml from 'escape-html';
import type { RateRow, RocPoint } from './metrics';
import { thin } from './metrics';
import { num, pct, times } from './format';
import { stabilityTable, type BacktestReport } from './summary';

const W = 560;
const H = 260;
const PAD = { left: 48, right: 12, top: 12, bottom: 36 };

/** A coordinate with two decimals (SVG needs no more). */
const c = (x: number) => Number(x.toFixed(2)).toString();

/** A bar chart of conversion rates per group, with the base rate as a dashed line. */
export function rateChart(
  title: string,
  rows: readonly ({ label: string } & RateRow)[],
  baseRate: number | null,
): string {
  const max = Math.max(baseRate ?? 0, ...rows.map((r) => r.rate ?? 0), 0.0001);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(rows.length, 1);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = rows
    .map((r, i) => {
      const x = PAD.left + i * slot + slot * 0.15;
      const top = y(r.rate ?? 0);
      const label = escapeHtml(r.label);
      return (
        `<rect x="${c(x)}" y="${c(top)}" width="${c(slot * 0.7)}" height="${c(PAD.top + plotH - top)}" class="bar">` +
        `<title>${label}: ${escapeHtml(pct(r.rate))}</title></rect>` +
        `<text x="${c(x + slot * 0.35)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${label}</text>`
      );
    })
    .join('');
  const base =
    baseRate === null
      ? ''
      : `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${c(y(baseRate))}" y2="${c(y(baseRate))}" class="base"/>` +
        `<text x="${W - PAD.right}" y="${c(y(baseRate) - 4)}" text-anchor="end">base ${escapeHtml(pct(baseRate))}</text>`;
  const axis =
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" class="axis"/>` +
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" class="axis"/>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${escapeHtml(pct(max))}</text>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0%</text>`;
  return svg(title, axis + bars + base);
}

/** The ROC curve (at most 200 points drawn) with the diagonal of a score that knows nothing. */
export function rocChart(title: string, roc: readonly RocPoint[]): string {
  const size = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + v * size;
  const y = (v: number) => PAD.top + size - v * size;
  const curve = thin(roc, 200)
    .map((p) => `${c(x(p.fpr))},${c(y(p.tpr))}`)
    .join(' ');
  const body =
    `<rect x="${PAD.left}" y="${PAD.top}" width="${size}" height="${size}" class="frame"/>` +
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" class="base"/>` +
    (curve ? `<polyline points="${curve}" class="roc"/>` : '') +
    `<text x="${c(x(0.5))}" y="${H - PAD.bottom + 18}" text-anchor="middle">false-positive rate</text>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">1</text>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + size}" text-anchor="end">0</text>` +
    `<text x="${c(x(1) + 8)}" y="${c(y(0.5))}">true-positive rate</text>`;
  return svg(title, body);
}

function svg(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;
}

/** An HTML table; every cell escaped. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function rateTable(first: string, rows: readonly ({ label: string } & RateRow)[]): string {
  return htmlTable(
    [first, 'accounts', 'positives', 'rate', 'lift'],
    rows.map((r) => [r.label, String(r.accounts), String(r.positives), pct(r.rate), times(r.lift)]),
  );
}

function figure(title: string, chart: string, table: string): string {
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${chart}${table}</figure>`;
}

/** One day's section: headline numbers and the four charts with their tables. */
function daySection({ result: r, roc }: BacktestReport): string {
  const deciles = r.deciles.map((d) => ({ label: String(d.decile), ...d }));
  const bands = r.bands.map((b) => ({ label: b.band, ...b }));
  const trends = r.trends.map((t) => ({ label: t.trend, ...t }));
  // Under the curve: the AUC and the curve at up to 11 evenly picked points.
  const rocTable =
    `<p>AUC ${escapeHtml(num(r.auc, 3))} (ties count one half)</p>` +
    htmlTable(
      ['false-positive rate', 'true-positive rate'],
      thin(roc, 11).map((p) => [num(p.fpr, 3), num(p.tpr, 3)]),
    );
  const headline = htmlTable(
    [
      'as of',
      'horizon (days)',
      'model',
      'accounts',
      'positives',
      'base rate',
      'AUC',
      'top-decile lift',
      'recall top 20%',
    ],
    [
      [
        r.asOf,
        String(r.horizonDays),
        r.modelVersion,
        String(r.accounts),
        String(r.positives),
        pct(r.baseRate),
        num(r.auc, 3),
        times(r.topDecileLift),
        pct(r.recallTop20),
      ],
    ],
  );
  return (
    `<section><h2>As of ${escapeHtml(r.asOf)}</h2>${headline}` +
    figure(
      'Conversion by decile (1 = highest scores)',
      rateChart('Conversion by decile', deciles, r.baseRate),
      rateTable('decile', deciles),
    ) +
    figure('ROC curve', rocChart('ROC curve', roc), rocTable) +
    figure('Conversion by band', rateChart('Conversion by band', bands, r.baseRate), rateTable('band', bands)) +
    figure('Conversion by trend', rateChart('Conversion by trend', trends, r.baseRate), rateTable('trend', trends)) +
    `</section>`
  );
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}figure{margin:0 0 2rem}figcaption{font-weight:600;margin-bottom:.3rem}
svg text{font-size:11px;fill:#333}.bar{fill:#0176d3}.base{stroke:#c23934;stroke-dasharray:4 3;fill:none}
.axis{stroke:#666}.frame{fill:none;stroke:#999}.roc{fill:none;stroke:#0176d3;stroke-width:2}`;

/** The whole page of one or several backtests. */
export function backtestHtml(reports: readonly BacktestReport[]): string {
  const first = reports[0]?.result;
  const title = first ? `Pulse backtest of model ${first.modelVersion}` : 'Pulse backtest';
  const stability =
    reports.length > 1
      ? `<section><h2>Stability across as-of days</h2>${htmlTable(
          ['as of', 'accounts', 'positives', 'base rate', 'AUC', 'top-decile lift', 'recall top 20%'],
          stabilityTable(reports.map((r) => r.result)).map((s) => [
            s.asOf,
            String(s.accounts),
            String(s.positives),
            pct(s.baseRate),
            num(s.auc, 3),
            times(s.topDecileLift),
            pct(s.recallTop20),
          ]),
        )}</section>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>Population: every account without an opportunity open on the as-of day (unscored accounts count as 0). Positive: an opportunity created within the horizon after it. Lift = rate ÷ base rate.</p>
${stability}${reports.map(daySection).join('\n')}
</body></html>
`;
}
