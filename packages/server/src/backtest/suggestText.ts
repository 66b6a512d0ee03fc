/** The console form of `pulse model suggest`, pure. */
import type { Decay } from '../model/schema';
import { num, pct, textTable, times } from './format';
import type { Suggestion } from './suggest';

/** A decay in a few characters: "half-life 14d", "linear 90d", "none". */
export function decayText(d: Decay | null): string {
  if (d === null) return '–';
  switch (d.kind) {
    case 'halfLife':
      return `half-life ${d.days}d`;
    case 'linear':
      return `linear ${d.lifespanDays}d`;
    case 'step':
      return d.days === undefined ? 'step' : `step ${d.days}d`;
    case 'piecewise':
      return 'piecewise';
    case 'none':
      return 'none';
  }
}

/** The suggestion as text: KPIs, personas, the out-of-time comparison, then the model document. */
export function suggestionText(s: Suggestion): string {
  const kpis = textTable(
    ['KPI', 'accounts', 'positives', 'lift', 'weight', 'suggested', 'decay', 'suggested decay', 'note'],
    s.kpis.map((k) => [
      k.key,
      String(k.support.accounts),
      String(k.support.positives),
      times(k.lift),
      String(k.currentWeight),
      String(k.suggestedWeight),
      decayText(k.currentDecay),
      decayText(k.suggestedDecay),
      k.flag ?? '',
    ]),
  );
  const personas = textTable(
    [
      'persona',
      'source',
      'won accounts',
      'engaged before won',
      'engaged, all accounts',
      'ratio',
      'required',
      'suggest required',
    ],
    s.personas.map((p) => [
      p.key,
      p.source,
      String(p.wonAccounts),
      pct(p.wonShare),
      pct(p.allShare),
      times(p.ratio),
      p.required ? 'yes' : 'no',
      p.suggestRequired ? 'yes' : 'no',
    ]),
  );
  const e = s.evaluation;
  const evaluation = textTable(
    ['model', 'AUC', 'top-decile lift'],
    [
      [`current ${e.current.modelVersion}`, num(e.current.auc, 3), times(e.current.topDecileLift)],
      [`suggested ${e.suggested.modelVersion}`, num(e.suggested.auc, 3), times(e.suggested.topDecileLift)],
    ],
  );
  return [
    `Suggested weights for model ${s.modelVersion}: learned as of ${s.trainAsOf} on opportunities up to ${s.asOf}`,
    `training: ${s.training.accounts} accounts, ${s.training.positives} positives, base rate ${pct(s.training.baseRate)}`,
    '',
    kpis,
    '',
    'Personas from won deals',
    personas,
    '',
    `Out of time: as of ${e.asOf}, ${e.horizonDays}-day horizon, ${e.accounts} accounts, ${e.positives} positives`,
    evaluation,
    '',
    'Suggested model (not applied; save it, check it with `pulse model validate`, then publish it):',
    JSON.stringify(s.model, null, 2),
    '',
  ].join('\n');
}
