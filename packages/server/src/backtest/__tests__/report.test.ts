import { backtestHtml } from '../html';
import { backtestsText } from '../text';
import { summarize, type PopulationAccount } from '../summary';

const population: PopulationAccount[] = [
  { accountId: 'a', score: 80, positive: true, band: 'Very High', trend: 'Surging' },
  { accountId: 'b', score: 40, positive: false, band: 'Medium', trend: 'Neutral' },
  { accountId: 'c', score: 0, positive: false, band: 'Low', trend: 'Unscored' },
];

describe('backtest reports', () => {
  it('builds one page with four charts per day and the numbers under them', () => {
    const report = summarize({ asOf: '2026-06-30', horizonDays: 90, modelVersion: 'v"<1>' }, population);
    const html = backtestHtml([report]);
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('v&quot;&lt;1&gt;');
    expect(html).not.toContain('v"<1>');
    // One positive above both negatives: AUC 1, decile 1 holds it (rate 100 %, lift 3).
    expect(html).toContain('AUC 1.000');
    expect(html).toContain('<td>100.0%</td><td>3.00×</td>');
    expect(html).not.toContain('Stability');
  });

  it('prints the same numbers as text', () => {
    const report = summarize({ asOf: '2026-06-30', horizonDays: 90, modelVersion: 'v1' }, population);
    const text = backtestsText([report.result]);
    expect(text).toContain('accounts 3, positives 1, base rate 33.3%');
    expect(text).toContain('AUC 1.000, top-decile lift 3.00×, recall in the top 20% 100.0%');
    expect(text).toMatch(/Very High\s+1\s+1\s+100\.0%\s+3\.00×/);
  });
});
