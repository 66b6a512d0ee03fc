/**
 * The org's action rules: what fires (a trigger on a day's result against the previous one), for
 * which accounts (scope), how often at most (cooldown per rule and account, a cap per recipient per
 * week) and where it goes (destinations, whose settings each destination's own schema validates).
 * One document per org, as JSON or YAML; every problem is reported by path and nothing is stored
 * while any is bad.
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { ValidationError, type Issue } from '../errors';
import { formatPath } from '../model/schema';
import { SmtpSettings } from './digest';
import { MapListSettings } from './mapLists';
import type { DestinationRegistry } from './registry';

/**
 * The kind of a rule destination that acts on a set, not on one action: the people of every account
 * matching the rule's trigger and scope today are a MAP list's members (actions/ruleLists.ts). It
 * bypasses the outbox, the cooldown and the cap.
 */
export const MAP_LIST_KIND = 'map-list';

const BANDS = ['Low', 'Medium', 'High', 'Very High'] as const;
const TRENDS = ['Cooling', 'Neutral', 'Heating', 'Surging'] as const;

/** A trigger: fires on the day an account's result changes in the named way. */
export const triggerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('band'),
      /** The band entered: its lower threshold (from the model) is the enter threshold. */
      band: z.enum(BANDS),
      /** Hysteresis: once in, the account counts as in the band until its score falls below this. */
      exitBelow: z.number().min(0).max(100).optional(),
      on: z.enum(['enter', 'leave']).default('enter'),
    })
    .strict(),
  z.object({ type: z.literal('trend'), becomes: z.enum(TRENDS) }).strict(),
  z.object({ type: z.literal('mqa'), on: z.enum(['becomes', 'stops']).default('becomes') }).strict(),
  z
    .object({ type: z.literal('crosses'), score: z.number().min(0).max(100), direction: z.enum(['up', 'down']) })
    .strict(),
  /** A required committee persona (key or label) becomes engaged. */
  z.object({ type: z.literal('persona'), persona: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('change'),
      points: z.number().positive(),
      days: z.number().int().min(1).max(60).default(7),
      direction: z.enum(['up', 'down', 'either']).default('either'),
    })
    .strict(),
]);
export type Trigger = z.infer<typeof triggerSchema>;

/** One condition on an account field (Salesforce API names: Name, Industry, NumberOfEmployees, Type…). */
export const conditionSchema = z
  .object({
    field: z.string().min(1),
    op: z.enum(['equals', 'notEquals', 'in', 'contains', 'greaterThan', 'lessThan']),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

/** Which accounts a rule looks at. A segment is a named field filter (the model has no segments yet). */
export const scopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).strict(),
  /** The account owner: a Salesforce user id, email or name. */
  z.object({ type: z.literal('owner'), owner: z.string().min(1) }).strict(),
  z.object({ type: z.literal('filter'), where: z.array(conditionSchema).min(1) }).strict(),
  z.object({ type: z.literal('segment'), segment: z.string().min(1), where: z.array(conditionSchema).min(1) }).strict(),
]);
export type Scope = z.infer<typeof scopeSchema>;

const destinationSchema = z.object({ kind: z.string().min(1), settings: z.unknown().default({}) }).strict();

/** Days a rule stays quiet for an account after it fired for it, unless the rule says otherwise. */
export const DEFAULT_COOLDOWN_DAYS = 7;
/** Actions one recipient gets in one week (Monday to Sunday, UTC) at most, unless the document says otherwise. */
export const DEFAULT_CAP_PER_WEEK = 5;

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    name: z.string().optional(),
    enabled: z.boolean().default(true),
    trigger: triggerSchema,
    scope: scopeSchema.default({ type: 'all' }),
    cooldownDays: z.number().int().min(0).max(365).default(DEFAULT_COOLDOWN_DAYS),
    destinations: z.array(destinationSchema).min(1),
  })
  .strict();

/** Hours the same system alert stays quiet after it was sent, unless the document says otherwise. */
export const DEFAULT_ALERT_COOLDOWN_HOURS = 24;

const alertsSchema = z
  .object({
    destinations: z.array(destinationSchema).min(1),
    cooldownHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 7)
      .default(DEFAULT_ALERT_COOLDOWN_HOURS),
  })
  .strict();

/** Days of the week, Monday first, as the digest setting names them. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekly owner digest: sent by the daily run on `weekday`, for the seven days ending that day. */
const digestSchema = z
  .object({
    weekday: z.enum(WEEKDAYS).default('monday'),
    smtp: SmtpSettings,
    /** Also send owners whose week had nothing to report (default false). */
    sendEmpty: z.boolean().default(false),
  })
  .strict();
export type DigestSetting = z.infer<typeof digestSchema>;

const documentSchema = z
  .object({
    capPerRecipientPerWeek: z.number().int().min(1).max(1000).default(DEFAULT_CAP_PER_WEEK),
    rules: z.array(ruleSchema),
    /** System alerts to admins (none when absent). */
    alerts: alertsSchema.optional(),
    /** The weekly owner digest by email (none when absent). */
    digest: digestSchema.optional(),
  })
  .strict();

/** A rule's destination with its settings as its destination's schema parsed them. */
export interface RuleDestination {
  kind: string;
  settings: unknown;
}

/** A validated rule. */
export type Rule = Omit<z.infer<typeof ruleSchema>, 'destinations'> & { destinations: RuleDestination[] };

/** A validated rules document. */
export interface RulesDocument {
  capPerRecipientPerWeek: number;
  rules: Rule[];
  /** Where system alerts go, and how long one stays quiet; null: no alerts. */
  alerts: { destinations: RuleDestination[]; cooldownHours: number } | null;
  /** The weekly owner digest; null: none is sent. */
  digest: DigestSetting | null;
}

/**
 * The rules in force when an org has stored none (docs/actions.md): a Salesforce Task for the owner
 * when an account becomes Surging or becomes an MQA, each quiet for a week per account, at most
 * DEFAULT_CAP_PER_WEEK actions per owner per week. Set `{"rules": []}` to switch actions off.
 */
export const DEFAULT_RULES_DOCUMENT = {
  capPerRecipientPerWeek: DEFAULT_CAP_PER_WEEK,
  rules: [
    {
      id: 'surging',
      name: 'Account became Surging',
      trigger: { type: 'trend', becomes: 'Surging' },
      destinations: [{ kind: 'salesforce-task', settings: { priority: 'High', dueInDays: 2 } }],
    },
    {
      id: 'became-mqa',
      name: 'Account became an MQA',
      trigger: { type: 'mqa', on: 'becomes' },
      destinations: [{ kind: 'salesforce-task', settings: { priority: 'Normal', dueInDays: 3 } }],
    },
  ],
} as const;

/**
 * The rules as the outbox sees them: each enabled rule with its per-action destinations only (a
 * `map-list` destination is pushed as a set by the actions stage); rules left with none are dropped.
 */
export function actionRules(rules: readonly Rule[]): Rule[] {
  return rules
    .filter((r) => r.enabled)
    .map((r) => ({ ...r, destinations: r.destinations.filter((d) => d.kind !== MAP_LIST_KIND) }))
    .filter((r) => r.destinations.length > 0);
}

/**
 * Validates a rules document against the schema and each destination's settings schema; throws
 * ValidationError with every problem by path (`rules[1].destinations[0].settings.url: …`).
 */
export function parseRules(doc: unknown, registry: DestinationRegistry, source?: string): RulesDocument {
  const issues: Issue[] = [];
  const r = documentSchema.safeParse(doc);
  if (!r.success) {
    for (const i of r.error.issues) issues.push({ path: formatPath(i.path), message: i.message });
  }
  const out: RulesDocument | null = r.success
    ? { capPerRecipientPerWeek: r.data.capPerRecipientPerWeek, rules: [], alerts: null, digest: r.data.digest ?? null }
    : null;
  // Destinations are checked even when another part of the document is bad, so every problem shows.
  const rules = (doc as { rules?: unknown })?.rules;
  const seen = new Map<string, number>();
  (Array.isArray(rules) ? rules : []).forEach((raw, i) => {
    const id = (raw as { id?: unknown })?.id;
    if (typeof id === 'string') {
      if (seen.has(id))
        issues.push({ path: `rules[${i}].id`, message: `duplicate rule id "${id}" (also rules[${seen.get(id)}])` });
      else seen.set(id, i);
    }
    const parsed = parseDestinations(
      (raw as { destinations?: unknown })?.destinations,
      `rules[${i}].destinations`,
      registry,
      issues,
      false,
    );
    if (out && r.success) out.rules.push({ ...r.data.rules[i]!, destinations: parsed });
  });
  const alerts = (doc as { alerts?: { destinations?: unknown } })?.alerts;
  if (alerts && typeof alerts === 'object') {
    const parsed = parseDestinations(alerts.destinations, 'alerts.destinations', registry, issues, true);
    if (out && r.success && r.data.alerts)
      out.alerts = { destinations: parsed, cooldownHours: r.data.alerts.cooldownHours };
  }
  if (issues.length > 0 || !out) {
    throw new ValidationError(source ? `rules ${source}` : 'rules', issues, source ? { file: source } : {});
  }
  return out;
}

/**
 * Each destination's settings through its own schema, problems added to `issues` under `at`; with
 * `alerts`, a destination must also deliver system alerts.
 */
function parseDestinations(
  raw: unknown,
  at: string,
  registry: DestinationRegistry,
  issues: Issue[],
  alerts: boolean,
): RuleDestination[] {
  const parsed: RuleDestination[] = [];
  (Array.isArray(raw) ? raw : []).forEach((d, j) => {
    const kind = (d as { kind?: unknown })?.kind;
    if (typeof kind !== 'string') return;
    const here = `${at}[${j}]`;
    if (kind === MAP_LIST_KIND) {
      if (alerts) {
        issues.push({ path: `${here}.kind`, message: `destination "${kind}" does not deliver system alerts` });
        return;
      }
      const s = MapListSettings.safeParse((d as { settings?: unknown }).settings ?? {});
      if (s.success) parsed.push({ kind, settings: s.data });
      else
        for (const x of s.error.issues) issues.push({ path: subPath(`${here}.settings`, x.path), message: x.message });
      return;
    }
    const dest = registry.get(kind);
    if (!dest) {
      issues.push({
        path: `${here}.kind`,
        message: `unknown destination "${kind}" (known: ${[...registry.kinds(), MAP_LIST_KIND].join(', ')})`,
      });
      return;
    }
    if (alerts && !dest.deliverAlert) {
      issues.push({ path: `${here}.kind`, message: `destination "${kind}" does not deliver system alerts` });
      return;
    }
    const s = dest.settings.safeParse((d as { settings?: unknown }).settings ?? {});
    if (s.success) parsed.push({ kind, settings: s.data });
    else for (const x of s.error.issues) issues.push({ path: subPath(`${here}.settings`, x.path), message: x.message });
  });
  return parsed;
}

/** `at` followed by a zod path inside it: `…settings.url`, `…settings[0]`. */
function subPath(at: string, path: (string | number)[]): string {
  const sub = formatPath(path);
  return sub === '' ? at : sub.startsWith('[') ? `${at}${sub}` : `${at}.${sub}`;
}

/** Reads a rules file's text: YAML (a superset of JSON, so JSON files read the same). */
export function readRulesText(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ValidationError(`rules ${source}`, [{ path: '', message: `not JSON or YAML: ${(e as Error).message}` }], {
      file: source,
    });
  }
}
