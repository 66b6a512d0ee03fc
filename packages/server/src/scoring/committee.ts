import type { Model, Persona } from '../model/schema';

/** The person attributes rules and personas look at (normalized by identity/). */
export interface ScoringPerson {
  seniority: string;
  department: string;
  title: string | null;
  /** The committee persona key, when already known; otherwise derived from the model. */
  persona?: string | null;
}

/** The person conditions shared by multiplier rules and personas. */
export interface PersonWhen {
  seniority?: string[];
  department?: string[];
  titleMatches?: string;
}

const regexCache = new Map<string, RegExp>();

/** The case-insensitive RegExp for a titleMatches pattern (already validated by the schema). */
export function titleRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'i');
    regexCache.set(pattern, re);
  }
  return re;
}

/** True when every person condition present in `when` matches; a missing title never matches titleMatches. */
export function personWhenMatches(when: PersonWhen, person: ScoringPerson): boolean {
  if (when.seniority && !when.seniority.includes(person.seniority)) return false;
  if (when.department && !when.department.includes(person.department)) return false;
  if (when.titleMatches !== undefined && (person.title === null || !titleRegExp(when.titleMatches).test(person.title)))
    return false;
  return true;
}

/** The person's persona: the first in the committee whose `when` matches, or null. */
export function personaOf(model: Model, person: ScoringPerson): Persona | null {
  return model.committee.personas.find((p) => personWhenMatches(p.when, person)) ?? null;
}

/** One person's decayed points and persona, as the committee sees them. */
export interface CommitteeMember {
  points: number;
  persona: string | null;
}

/** Engaged people, coverage and the missing required personas for one account. */
export interface CommitteeResult {
  peopleEngaged: number;
  coveragePct: number;
  missingPersonas: string[];
}

/**
 * Engaged = points > 0 and ≥ committee.engagedPoints. Coverage % = engaged required personas ÷
 * required personas × 100 (100 when none is required); missing = labels of required personas with
 * nobody engaged, in model order.
 */
export function committeeCoverage(model: Model, people: CommitteeMember[]): CommitteeResult {
  const engaged = people.filter((p) => p.points > 0 && p.points >= model.committee.engagedPoints);
  const engagedPersonas = new Set(engaged.map((p) => p.persona));
  const required = model.committee.personas.filter((p) => p.required);
  const missing = required.filter((p) => !engagedPersonas.has(p.key));
  const coveragePct = required.length === 0 ? 100 : ((required.length - missing.length) * 100) / required.length;
  return { peopleEngaged: engaged.length, coveragePct, missingPersonas: missing.map((p) => p.label) };
}
