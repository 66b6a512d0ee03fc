import { z } from 'zod';

/** Columns each file must have (values may still be empty where the row schema allows). */
export const REQUIRED_COLUMNS = {
  accounts: ['id', 'name', 'domain'],
  people: ['id', 'accountId', 'email', 'name', 'title', 'department'],
  events: ['id', 'type', 'occurredAt'],
  opportunities: ['id', 'accountId', 'createdAt'],
} as const;

/** Columns with a meaning; any other column is kept in the record's `attributes`. */
export const KNOWN_COLUMNS = {
  accounts: ['id', 'name', 'domain', 'industry', 'employees', 'ownerId', 'ownerName', 'parentId'],
  people: ['id', 'accountId', 'email', 'name', 'title', 'department', 'kind', 'company'],
  events: [
    'id',
    'type',
    'occurredAt',
    'personId',
    'accountId',
    'domain',
    'url',
    'quantity',
    'strength',
    'campaignType',
    'excludedReason',
  ],
  opportunities: ['id', 'accountId', 'createdAt', 'closedAt', 'stage', 'amount', 'isWon', 'type'],
} as const;

const text = z.string().transform((s) => s.trim());
const optionalText = text.transform((s) => (s === '' ? null : s));
const requiredText = text.pipe(z.string().min(1, 'is required'));

const numberText = (what: string, check: (n: number) => boolean, rule: string) =>
  optionalText.transform((s, ctx) => {
    if (s === null) return null;
    const n = Number(s);
    if (!Number.isFinite(n) || !check(n)) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a valid ${what} (${rule})` });
      return z.NEVER;
    }
    return n;
  });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses `YYYY-MM-DD` or an ISO 8601 date-time; a time without zone is taken as UTC. */
export function parseTimestamp(s: string): Date | null {
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, zone] = m;
  const iso =
    h === undefined
      ? `${y}-${mo}-${d}T00:00:00Z`
      : `${y}-${mo}-${d}T${h}:${mi}:${sec ?? '00'}${s.match(/\.\d+/)?.[0] ?? ''}${zone ?? 'Z'}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  // Reject calendar overflow such as 2026-02-30, which Date would roll into March.
  if (h === undefined && date.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) return null;
  return date;
}

/** Parses a date column's text, or adds the issue saying what dates look like. */
function timestamp(s: string, ctx: z.RefinementCtx): Date {
  const d = parseTimestamp(s);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a date (use YYYY-MM-DD or ISO 8601 date-time)` });
    return z.NEVER;
  }
  return d;
}
const requiredTimestamp = requiredText.transform(timestamp);
const optionalTimestamp = optionalText.transform((s, ctx) => (s === null ? null : timestamp(s, ctx)));

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/** true/false, 1/0 or yes/no (any case); empty is false. */
const booleanText = optionalText.transform((s, ctx) => {
  if (s === null) return false;
  const b = BOOLEAN_TEXT[s.toLowerCase()];
  if (b === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a boolean (use true or false)` });
    return z.NEVER;
  }
  return b;
});

export const accountRowSchema = z.object({
  id: requiredText,
  name: text,
  domain: optionalText,
  industry: optionalText.optional(),
  employees: numberText('employee count', (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0').optional(),
  ownerId: optionalText.optional(),
  ownerName: optionalText.optional(),
  parentId: optionalText.optional(),
});

export const personRowSchema = z.object({
  id: requiredText,
  accountId: optionalText,
  email: optionalText,
  name: text,
  title: optionalText,
  department: optionalText,
  kind: optionalText.optional(),
  company: optionalText.optional(),
});

export const eventRowSchema = z.object({
  id: requiredText,
  type: requiredText,
  occurredAt: requiredTimestamp,
  personId: optionalText.optional(),
  accountId: optionalText.optional(),
  domain: optionalText.optional(),
  url: optionalText.optional(),
  quantity: numberText('quantity', (n) => n >= 0, 'a number ≥ 0').optional(),
  strength: numberText('strength', (n) => n >= 0 && n <= 100, 'a number from 0 to 100').optional(),
  campaignType: optionalText.optional(),
  excludedReason: optionalText.optional(),
});

export const opportunityRowSchema = z
  .object({
    id: requiredText,
    accountId: requiredText,
    createdAt: requiredTimestamp,
    closedAt: optionalTimestamp.optional(),
    stage: optionalText.optional(),
    amount: numberText('amount', () => true, 'a number').optional(),
    isWon: booleanText.optional(),
    type: optionalText.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.closedAt && o.closedAt.getTime() < o.createdAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['closedAt'], message: 'is before createdAt' });
    }
  });

/** An events.csv row as `eventRowSchema` gives it. */
export type EventRow = z.output<typeof eventRowSchema>;

/** An optional text column as the schema reads it: absent stays absent, empty is null, else trimmed. */
function optionalColumn(values: Record<string, string>, key: string): string | null | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? null : t;
}

/** An optional number column: the number, null when empty, absent when absent; NaN when it fails `check`. */
function numberColumn(values: Record<string, string>, key: string, check: (n: number) => boolean) {
  const t = optionalColumn(values, key);
  if (t === null || t === undefined) return t;
  const n = Number(t);
  return Number.isFinite(n) && check(n) ? n : NaN;
}

/**
 * An events.csv row parsed as `eventRowSchema` parses a valid one, without zod's per-row cost (events.csv
 * has millions of rows); null when anything is off, and then the schema parses the row to say what.
 */
export function parseValidEventRow(values: Record<string, string>): EventRow | null {
  const id = (values.id ?? '').trim();
  const type = (values.type ?? '').trim();
  if (typeof values.id !== 'string' || typeof values.type !== 'string' || id === '' || type === '') return null;
  const at = (values.occurredAt ?? '').trim();
  const occurredAt = typeof values.occurredAt === 'string' && at !== '' ? parseTimestamp(at) : null;
  if (!occurredAt) return null;
  const quantity = numberColumn(values, 'quantity', (n) => n >= 0);
  const strength = numberColumn(values, 'strength', (n) => n >= 0 && n <= 100);
  if (Number.isNaN(quantity) || Number.isNaN(strength)) return null;
  const row: EventRow = { id, type, occurredAt };
  const optional = ['personId', 'accountId', 'domain', 'url', 'campaignType', 'excludedReason'] as const;
  for (const key of optional) {
    const v = optionalColumn(values, key);
    if (v !== undefined) row[key] = v;
  }
  if (quantity !== undefined) row.quantity = quantity;
  if (strength !== undefined) row.strength = strength;
  return row;
}
