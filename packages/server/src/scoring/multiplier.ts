import type { Model, MultiplierRule } from '../model/schema';
import { personaOf, personWhenMatches, type ScoringPerson } from './committee';

/** The account attributes multiplier rules look at; null = unknown, which matches no condition. */
export interface ScoringAccount {
  industry: string | null;
  employees: number | null;
}

/** One rule that matched. */
export interface AppliedMultiplier {
  index: number;
  factor: number;
  label: string;
}

/** The product of matching rules' factors, and which rules those were. */
export interface MultiplierResult {
  factor: number;
  applied: AppliedMultiplier[];
}

const PERSON_KEYS = ['seniority', 'department', 'persona', 'titleMatches'] as const;

/** A readable name for a rule: its label, else its conditions. */
export function ruleLabel(rule: MultiplierRule): string {
  if (rule.label) return rule.label;
  return Object.entries(rule.when)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join(', ');
}

/** True when every condition of the rule holds for this person (null: a company-level event) and account. */
export function ruleMatches(
  model: Model,
  rule: MultiplierRule,
  person: ScoringPerson | null,
  account: ScoringAccount,
): boolean {
  const w = rule.when;
  if (PERSON_KEYS.some((k) => w[k] !== undefined)) {
    if (!person) return false;
    if (!personWhenMatches(w, person)) return false;
    if (w.persona) {
      const persona = person.persona !== undefined ? person.persona : (personaOf(model, person)?.key ?? null);
      if (persona === null || !w.persona.includes(persona)) return false;
    }
  }
  if (w.accountIndustry) {
    const ind = account.industry?.toLowerCase();
    if (ind === undefined || !w.accountIndustry.some((i) => i.toLowerCase() === ind)) return false;
  }
  if (w.accountMinEmployees !== undefined && (account.employees === null || account.employees < w.accountMinEmployees))
    return false;
  if (w.accountMaxEmployees !== undefined && (account.employees === null || account.employees > w.accountMaxEmployees))
    return false;
  return true;
}

/** The multiplier for one person (or none) at one account: the product of every matching rule's factor. */
export function multiplier(model: Model, person: ScoringPerson | null, account: ScoringAccount): MultiplierResult {
  let factor = 1;
  const applied: AppliedMultiplier[] = [];
  model.multipliers.forEach((rule, index) => {
    if (!ruleMatches(model, rule, person, account)) return;
    factor *= rule.factor;
    applied.push({ index, factor: rule.factor, label: ruleLabel(rule) });
  });
  return { factor, applied };
}
