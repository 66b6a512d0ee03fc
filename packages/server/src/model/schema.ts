/**
 * The scoring model file: a versioned JSON document, validated here and nowhere else.
 * The keys are a public contract (README "The model file", docs/scoring-model.md).
 *
 * Semantics every evaluator (the TypeScript finish in scoring/, the SQL reduce) mirrors EXACTLY:
 * - An event belongs to the FIRST count KPI in model order (enabled or not; rate KPIs skipped)
 *   whose `activities` include its type and whose conditions all match: `urls` (any glob matches
 *   the event url, case-insensitive; `*` any run, `?` one char, everything else literal; an event
 *   with no url never matches a KPI that has `urls`), `excludeUrls` (no glob matches; a missing url
 *   passes), `campaignTypes` (event `attributes.campaignType`, case-insensitive, must be listed).
 *   An event in a disabled KPI is claimed by it and counts nowhere.
 * - base points = activities[type] × quantity (default 1); for `intent` also × strength/100
 *   (strength null → 100).
 * - multiplier = product of the factors of every matching rule. All keys in one `when` must match.
 *   Person keys (seniority, department, persona, titleMatches) never match a person-less event;
 *   account keys (accountIndustry, accountMinEmployees, accountMaxEmployees) never match an
 *   account whose value is unknown. Factor 0 excludes the person's events.
 * - age = whole days between the event's UTC date and the as-of date (same day 0). age < 0
 *   (future) or age ≥ windowDays → decay 0. Decay: linear max(0, 1 − age/lifespanDays);
 *   step 1 while age < days (default windowDays) else 0; halfLife 0.5^(age/days);
 *   piecewise linear between points (the first point is at age 0), the last point's factor at
 *   its own age and 0 beyond it; none 1.
 * - contribution = base × multiplier × decay. Per account and KPI: P = Σ contributions,
 *   N = Σ quantity of counted events (not excluded, multiplier > 0, 0 ≤ age < windowDays).
 * - Sub-score: count KPI 100 × (1 − e^(−P/reference)); rate KPI
 *   min(100, 100 × (N_num / N_den) / target), 0 when N_den < minDenominator or N_den = 0.
 *   reference "auto" is resolved from the frozen `references` map (75th percentile, nearest rank,
 *   of positive P across accounts, at least 1).
 * - score = Σ weight × S / 100 over enabled KPIs; an account has a score when it has at least one
 *   counted event in an enabled count KPI. Shown score = round half up; band, trend and MQA use it.
 * - A person is engaged with Σ contributions > 0 and ≥ committee.engagedPoints; their persona is
 *   the first committee persona whose `when` matches.
 */
import { z } from 'zod';
import { ValidationError, type Issue } from '../errors';

/** The activity vocabulary every source normalizes to. */
export const ACTIVITY_TYPES = [
  'ad_impression',
  'ad_click',
  'ad_lead',
  'form_fill',
  'campaign_response',
  'event_attended',
  'web_visit',
  'email_open',
  'email_click',
  'email_reply',
  'email_sent',
  'call',
  'meeting',
  'intent',
  'content_download',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const SENIORITIES = ['cxo', 'vp', 'director', 'manager', 'individual', 'unknown'] as const;
export const DEPARTMENTS = [
  'executive',
  'marketing',
  'sales',
  'it',
  'engineering',
  'finance',
  'operations',
  'hr',
  'legal',
  'security',
  'product',
  'customer_success',
  'other',
  'unknown',
] as const;
export type Seniority = (typeof SENIORITIES)[number];
export type Department = (typeof DEPARTMENTS)[number];

const KEY_RE = /^[a-z][a-z0-9_]*$/;
const key = z.string().regex(KEY_RE, 'must be lower_snake_case (a-z, 0-9, _; starting with a letter)');
const activityType = z.string().regex(KEY_RE, 'activity type must be a known type or lower_snake_case (a-z, 0-9, _)');
const nonNeg = z.number().finite().nonnegative();
const positive = z.number().finite().positive();
const glob = z
  .string()
  .min(1, 'glob must not be empty')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected
  .refine((g) => !/[\s\u0000-\u001f]/.test(g), 'glob must not contain whitespace or control characters');
const isRegex = (s: string): boolean => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
};
const regexText = z.string().min(1).refine(isRegex, 'not a valid regular expression');

export const decaySchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('linear'), lifespanDays: positive }).strict(),
    z.object({ kind: z.literal('step'), days: positive.optional() }).strict(),
    z.object({ kind: z.literal('halfLife'), days: positive }).strict(),
    z
      .object({
        kind: z.literal('piecewise'),
        points: z.array(z.tuple([nonNeg, nonNeg])).min(1, 'needs at least one [age, factor] point'),
      })
      .strict(),
    z.object({ kind: z.literal('none') }).strict(),
  ])
  .superRefine((d, ctx) => {
    if (d.kind !== 'piecewise') return;
    const first = d.points[0];
    if (first && first[0] !== 0) {
      ctx.addIssue({ code: 'custom', path: ['points', 0, 0], message: 'the first point must be at age 0' });
    }
    for (let i = 1; i < d.points.length; i++) {
      const prev = d.points[i - 1];
      const cur = d.points[i];
      if (prev && cur && !(cur[0] > prev[0])) {
        ctx.addIssue({
          code: 'custom',
          path: ['points', i, 0],
          message: `ages must be strictly increasing (${cur[0]} after ${prev[0]})`,
        });
      }
    }
  });
/** How a contribution fades with age. */
export type Decay = z.infer<typeof decaySchema>;

const kpiCommon = {
  key,
  label: z.string().min(1),
  weight: z.number().finite().min(0).max(100),
  enabled: z.boolean().default(true),
  description: z.string().optional(),
};

export const countKpiSchema = z
  .object({
    ...kpiCommon,
    activities: z
      .record(activityType, nonNeg)
      .refine((a) => Object.keys(a).length > 0, 'must list at least one activity type'),
    urls: z.array(glob).min(1).optional(),
    excludeUrls: z.array(glob).min(1).optional(),
    campaignTypes: z.array(z.string().min(1)).min(1).optional(),
    decay: decaySchema.default({ kind: 'none' }),
    reference: z.union([positive, z.literal('auto')]).default('auto'),
  })
  .strict();
/** A KPI that sums decayed points of the activities it counts. */
export type CountKpi = z.infer<typeof countKpiSchema>;

export const rateKpiSchema = z
  .object({
    ...kpiCommon,
    rate: z
      .object({
        numerator: key,
        denominator: key,
        minDenominator: nonNeg.default(1),
        target: positive,
      })
      .strict(),
  })
  .strict();
/** A KPI that is the ratio of two count KPIs' event counts against a target rate. */
export type RateKpi = z.infer<typeof rateKpiSchema>;
/** Either kind of KPI. */
export type Kpi = CountKpi | RateKpi;

/** True for a rate KPI. */
export function isRateKpi(kpi: Kpi): kpi is RateKpi {
  return 'rate' in kpi;
}

const INVALID_KPI = Symbol('invalid KPI');

// The shape of a KPI is chosen by the presence of `rate`, so errors name the right keys
// instead of zod's union "invalid input".
const kpiSchema = z.unknown().transform((v, ctx): Kpi => {
  const schema = v !== null && typeof v === 'object' && 'rate' in v ? rateKpiSchema : countKpiSchema;
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys)
        ctx.addIssue({ code: 'custom', path: [...issue.path, k], message: `unknown key "${k}"` });
    } else {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  }
  // Keep the raw KPI (the parse fails anyway) so model-level checks still see its key and weight.
  return { [INVALID_KPI]: v } as unknown as Kpi;
});

const personWhen = {
  seniority: z.array(z.enum(SENIORITIES)).min(1).optional(),
  department: z.array(z.enum(DEPARTMENTS)).min(1).optional(),
  titleMatches: regexText.optional(),
};

export const multiplierWhenSchema = z
  .object({
    ...personWhen,
    persona: z.array(key).min(1).optional(),
    accountIndustry: z.array(z.string().min(1)).min(1).optional(),
    accountMinEmployees: nonNeg.optional(),
    accountMaxEmployees: nonNeg.optional(),
  })
  .strict()
  .refine((w) => Object.values(w).some((v) => v !== undefined), 'a rule needs at least one condition');
/** The conditions of a multiplier rule; all present keys must match. */
export type MultiplierWhen = z.infer<typeof multiplierWhenSchema>;

export const multiplierRuleSchema = z
  .object({
    when: multiplierWhenSchema,
    factor: z.number().finite().nonnegative('factor must not be negative'),
    label: z.string().optional(),
  })
  .strict();
/** A multiplier rule: when every condition matches, the factor multiplies the contribution. */
export type MultiplierRule = z.infer<typeof multiplierRuleSchema>;

export const personaSchema = z
  .object({
    key,
    label: z.string().min(1),
    when: z
      .object(personWhen)
      .strict()
      .refine((w) => Object.values(w).some((v) => v !== undefined), 'a persona needs at least one condition'),
    required: z.boolean().default(false),
  })
  .strict();
/** A buying-committee role; a person's persona is the first whose `when` matches. */
export type Persona = z.infer<typeof personaSchema>;

export const modelSchema = z
  .object({
    version: z.string().min(1).max(40),
    description: z.string().optional(),
    windowDays: z.number().int().min(1).max(3650).default(90),
    kpis: z.array(kpiSchema).min(1, 'needs at least one KPI'),
    multipliers: z.array(multiplierRuleSchema).default([]),
    bands: z
      .object({
        medium: z.number().min(0).max(100),
        high: z.number().min(0).max(100),
        veryHigh: z.number().min(0).max(100),
      })
      .strict()
      .default({ medium: 25, high: 50, veryHigh: 75 }),
    trend: z
      .object({
        days: z.number().int().min(1).max(89).default(30),
        cooling: z.number().max(0).default(-10),
        heating: z.number().min(0).default(10),
        surging: z.number().min(0).default(25),
      })
      .strict()
      .default({}),
    committee: z
      .object({ engagedPoints: nonNeg.default(1), personas: z.array(personaSchema).default([]) })
      .strict()
      .default({}),
    mqa: z
      .object({
        minScore: z.number().min(0).max(100).default(60),
        minEngagedPeople: z.number().int().min(0).default(2),
        minCoveragePct: z.number().min(0).max(100).default(50),
      })
      .strict()
      .default({}),
    references: z.record(key, positive).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    // A KPI that failed its own checks is absent here; cross-checks still run on the rest.
    const rawKpis = m.kpis.map((k) => (INVALID_KPI in k ? (k as unknown as Record<symbol, unknown>)[INVALID_KPI] : k));
    const enabledWeights = rawKpis.map((k) => {
      const o = (k ?? {}) as { weight?: unknown; enabled?: unknown };
      return o.enabled === false || typeof o.weight !== 'number' ? 0 : o.weight;
    });
    m = { ...m, kpis: m.kpis.filter((k) => !(INVALID_KPI in k)) };
    const byKey = new Map<string, Kpi>();
    m.kpis.forEach((k, i) => {
      if (byKey.has(k.key))
        ctx.addIssue({ code: 'custom', path: ['kpis', i, 'key'], message: `duplicate KPI key "${k.key}"` });
      else byKey.set(k.key, k);
    });
    const total = enabledWeights.reduce((s, w) => s + w, 0);
    if (Math.abs(total - 100) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['kpis'],
        message: `weights of enabled KPIs total ${total}, must total 100`,
      });
    }
    m.kpis.forEach((k, i) => {
      if (!isRateKpi(k)) return;
      for (const side of ['numerator', 'denominator'] as const) {
        const name = k.rate[side];
        const target = byKey.get(name);
        const path = ['kpis', i, 'rate', side];
        if (!target) ctx.addIssue({ code: 'custom', path, message: `names KPI "${name}", which does not exist` });
        else if (isRateKpi(target))
          ctx.addIssue({ code: 'custom', path, message: `names "${name}", a rate KPI; must be a count KPI` });
      }
    });
    const personaKeys = new Set(m.committee.personas.map((p) => p.key));
    const seenPersona = new Set<string>();
    m.committee.personas.forEach((p, i) => {
      if (seenPersona.has(p.key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['committee', 'personas', i, 'key'],
          message: `duplicate persona key "${p.key}"`,
        });
      }
      seenPersona.add(p.key);
    });
    m.multipliers.forEach((r, i) => {
      (r.when.persona ?? []).forEach((p, j) => {
        if (!personaKeys.has(p)) {
          ctx.addIssue({
            code: 'custom',
            path: ['multipliers', i, 'when', 'persona', j],
            message: `unknown persona "${p}"`,
          });
        }
      });
      const { accountMinEmployees: lo, accountMaxEmployees: hi } = r.when;
      if (lo !== undefined && hi !== undefined && lo > hi) {
        ctx.addIssue({
          code: 'custom',
          path: ['multipliers', i, 'when'],
          message: 'accountMinEmployees is above accountMaxEmployees',
        });
      }
    });
    const b = m.bands;
    if (!(b.medium < b.high && b.high < b.veryHigh)) {
      ctx.addIssue({ code: 'custom', path: ['bands'], message: 'thresholds must rise: medium < high < veryHigh' });
    }
    const t = m.trend;
    if (!(t.cooling < 0 && t.heating > 0 && t.heating < t.surging)) {
      ctx.addIssue({
        code: 'custom',
        path: ['trend'],
        message: 'thresholds must satisfy cooling < 0 < heating < surging',
      });
    }
  });
/** A validated model, defaults filled in. */
export type Model = z.infer<typeof modelSchema>;
/** The model document as written in a file (defaults optional). */
export type ModelInput = z.input<typeof modelSchema>;

/** Renders a zod path as `kpis[2].rate.numerator`. */
export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Validates a model document; throws ValidationError listing every problem by path. */
export function parseModel(json: unknown, source?: string): Model {
  const r = modelSchema.safeParse(json);
  if (r.success) return r.data;
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const i of [...r.error.issues, ...crossCheckIssues(json, r.error.issues)]) {
    const item = issueItems(i);
    for (const one of item) {
      const id = `${one.path}\u0000${one.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        issues.push(one);
      }
    }
  }
  throw new ValidationError(source ? `model ${source}` : 'model', issues, source ? { file: source } : {});
}

/**
 * A malformed section (say `bands: "high"`) stops zod before the model-wide checks (weights, rate
 * KPI names…). To still list every problem, re-check with the broken top-level sections set back to
 * their defaults and keep what that finds.
 */
function crossCheckIssues(json: unknown, first: z.ZodIssue[]): z.ZodIssue[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  const broken = new Set(first.map((i) => i.path[0]).filter((k): k is string => typeof k === 'string'));
  broken.delete('kpis'); // element problems do not stop the checks; a non-array kpis makes them moot
  if (broken.size === 0 || first.some((i) => i.path.length === 1 && i.path[0] === 'kpis')) return [];
  const patched: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const k of broken) delete patched[k];
  if (broken.has('version')) patched['version'] = 'unchecked';
  const again = modelSchema.safeParse(patched);
  if (again.success) return [];
  // With the committee dropped every persona reference would look unknown: not a real finding.
  return again.error.issues.filter((i) => !(broken.has('committee') && i.message.startsWith('unknown persona')));
}

function issueItems(i: z.ZodIssue): Issue[] {
  if (i.code === 'unrecognized_keys') {
    return i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: `unknown key "${k}"` }));
  }
  if (i.code === 'invalid_union') {
    // Surface the nested problems rather than zod's bare "Invalid input".
    const nested = i.unionErrors.flatMap((e) => e.issues.flatMap(issueItems));
    if (nested.length > 0) return nested;
  }
  return [{ path: formatPath(i.path), message: i.message }];
}
