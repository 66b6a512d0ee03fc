/**
 * The worked example of docs/scoring-model.md ("acme-2026-11"), the one source for every test that
 * scores it or a variant of it. Tests that pin other numbers build their variant from these parts
 * (`{ ...MEETINGS, activities: { meeting: 9 } }`), so what differs from the documented model is
 * exactly what the test spells out.
 */
import type { z } from 'zod';
import type { countKpiSchema, ModelInput } from '../src/model/schema';

type KpiInput = z.input<typeof countKpiSchema>;
type PersonaInput = NonNullable<NonNullable<ModelInput['committee']>['personas']>[number];

/** Meetings: 5 points each, linear decay over 90 days, reference 10, weight 60. */
export const MEETINGS: KpiInput = {
  key: 'meetings',
  label: 'Meetings',
  weight: 60,
  activities: { meeting: 5 },
  decay: { kind: 'linear', lifespanDays: 90 },
  reference: 10,
};

/** Pricing and demo page visits: 1 point each, piecewise decay (half at 60 days, none at 180), auto reference, weight 40. */
export const HIGH_INTENT_PAGES: KpiInput = {
  key: 'web_high_intent',
  label: 'High-intent pages',
  weight: 40,
  activities: { web_visit: 1 },
  urls: ['*/pricing*', '*/demo*'],
  decay: {
    kind: 'piecewise',
    points: [
      [0, 1],
      [60, 0.5],
      [180, 0],
    ],
  },
  reference: 'auto',
};

/** The required marketing executive (a CMO or marketing VP). */
export const MARKETING_EXEC: PersonaInput = {
  key: 'marketing_exec',
  label: 'Marketing executive',
  when: { department: ['marketing'], seniority: ['cxo', 'vp'] },
  required: true,
};

/** The worked example's multipliers: IT executives ×1.2, managers and individual contributors ×0.5, students and interns ×0. */
export const WORKED_MULTIPLIERS: NonNullable<ModelInput['multipliers']> = [
  { when: { seniority: ['vp', 'cxo'], department: ['it'] }, factor: 1.2 },
  { when: { seniority: ['manager', 'individual'] }, factor: 0.5 },
  { when: { titleMatches: 'student|intern' }, factor: 0 },
];

/** The MQA rule of the worked example: score ≥ 60, two people engaged, half the required personas. */
export const WORKED_MQA: NonNullable<ModelInput['mqa']> = { minScore: 60, minEngagedPeople: 2, minCoveragePct: 50 };

/** The worked example model document, as docs/scoring-model.md shows it. */
export function workedExample(): ModelInput {
  return {
    version: 'acme-2026-11',
    windowDays: 90,
    kpis: [MEETINGS, HIGH_INTENT_PAGES],
    multipliers: WORKED_MULTIPLIERS,
    committee: {
      engagedPoints: 1,
      personas: [
        MARKETING_EXEC,
        { key: 'marketing_ops', label: 'Marketing operations', when: { titleMatches: 'marketing op' }, required: true },
      ],
    },
    mqa: WORKED_MQA,
  };
}
