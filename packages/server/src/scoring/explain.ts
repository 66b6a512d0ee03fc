import type { Model } from '../model/schema';
import type { ScoringPerson } from './committee';
import { ageDays, decayFactor } from './decay';
import { basePoints, kpiForEvent, type ScoringEvent } from './kpi';
import { multiplier, type ScoringAccount } from './multiplier';
import type { References } from './subscore';

/** An event as the receipt sees it. */
export interface ExplainEvent extends ScoringEvent {
  id: string;
  occurredAt: Date;
  /** Why ingestion set it aside (bot, noise), if it did. */
  excludedReason?: string | null;
}

/** One line of the score receipt. */
export interface ReceiptLine {
  eventId: string;
  type: string;
  occurredAt: string;
  kpi: string | null;
  basePoints: number;
  multipliers: { rule: number; label: string; factor: number }[];
  factor: number;
  ageDays: number;
  decay: number;
  contribution: number;
  excluded: string | null;
}

/**
 * Explains one event's contribution on `asOf`. Exclusion reasons, first that applies:
 * 'excluded: <reason>' (set at ingestion), 'future event', 'outside window', 'no KPI counts type X',
 * 'KPI <key> is disabled', 'excluded by multiplier rule #i (<label>)' (i is 1-based). An excluded
 * line has contribution 0. `references` is accepted for symmetry with finishAccount; contributions
 * do not depend on it.
 */
export function explainEvent(
  model: Model,
  _references: References,
  event: ExplainEvent,
  person: ScoringPerson | null,
  account: ScoringAccount,
  asOf: string,
): ReceiptLine {
  const age = ageDays(event.occurredAt, asOf);
  const kpi = kpiForEvent(model, event);
  const base = kpi ? basePoints(kpi, event) : 0;
  const m = multiplier(model, person, account);
  const decay = kpi ? decayFactor(kpi.decay, age, model.windowDays) : 0;
  const line: ReceiptLine = {
    eventId: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    kpi: kpi ? kpi.key : null,
    basePoints: base,
    multipliers: m.applied.map((a) => ({ rule: a.index + 1, label: a.label, factor: a.factor })),
    factor: m.factor,
    ageDays: age,
    decay,
    contribution: 0,
    excluded: null,
  };
  const zeroRule = m.applied.find((a) => a.factor === 0);
  if (event.excludedReason) line.excluded = `excluded: ${event.excludedReason}`;
  else if (age < 0) line.excluded = 'future event';
  else if (age >= model.windowDays) line.excluded = 'outside window';
  else if (!kpi) line.excluded = `no KPI counts type ${event.type}`;
  else if (!kpi.enabled) line.excluded = `KPI ${kpi.key} is disabled`;
  else if (zeroRule) line.excluded = `excluded by multiplier rule #${zeroRule.index + 1} (${zeroRule.label})`;
  else line.contribution = base * m.factor * decay;
  return line;
}
