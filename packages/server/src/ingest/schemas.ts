import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { normalizeHost } from '../identity/domain';
import { schemeProblem } from './storable';

// Adds `.openapi()` so the same schemas validate requests and describe them in /v1/openapi.json.
extendZodWithOpenApi(z);

/** Most items one request may carry (`events` or a Segment `batch`); more is a 413. */
export const MAX_BATCH_ITEMS = 1000;
/** Longest Segment userId, anonymousId or groupId: they are keys of a btree index, whose rows are bounded. */
export const MAX_VISITOR_ID = 256;
/** Longest URL accepted (what browsers and CDNs reliably carry). */
export const MAX_URL = 2048;
/** Longest attribute name. */
export const MAX_ATTRIBUTE_NAME = 100;
/** Intent strength at or above which a topic counts as surging (Bombora's default threshold). */
export const SURGE_THRESHOLD = 60;

const TIMESTAMP_MESSAGE =
  'expected an ISO 8601 date-time with a time zone (2026-11-20T14:03:00Z) or a date (2026-11-20, read as UTC midnight)';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// The two shapes above as one pattern, for the OpenAPI document.
const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2}))?$';

/** A timestamp as the API accepts it, as a Date; null when it is not one (or not a real day). */
export function parseTimestamp(s: string): Date | null {
  if (DATE_ONLY.test(s)) return realDay(s);
  // Date rolls 2026-02-30T10:00Z over to March 2nd: the day must exist as written.
  if (!DATE_TIME.test(s) || realDay(s.slice(0, 10)) === null) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** UTC midnight of a YYYY-MM-DD day, or null when the calendar has no such day. */
function realDay(day: string): Date | null {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day ? null : d;
}

const Timestamp = z
  .string()
  .max(40)
  .refine((s) => parseTimestamp(s) !== null, TIMESTAMP_MESSAGE)
  .openapi({
    description:
      'When it happened: an ISO 8601 date-time with a zone, or a date (UTC), from 1970-01-01 to a day ahead of the server clock',
    pattern: TIMESTAMP_PATTERN,
    example: '2026-11-20T14:03:00Z',
  });

const EventId = z
  .string()
  .trim()
  .min(1, 'must not be empty: the id makes retries safe (the same id is stored once)')
  .max(200)
  .openapi({ description: 'Your id for the event; sending it again updates the stored event instead of adding one' });

const Domain = z
  .string()
  .max(253)
  .refine((s) => normalizeHost(s) !== null, 'not a domain: expected a company domain such as acme.com')
  .openapi({
    description: 'Company domain (a website or URL is accepted; www. and paths are dropped)',
    example: 'acme.com',
  });

const Email = z.string().trim().max(254).email('not an email address');

const Attributes = z
  .record(z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 attributes')
  .refine(
    (r) => Object.keys(r).every((k) => k.length <= MAX_ATTRIBUTE_NAME),
    `attribute names are at most ${MAX_ATTRIBUTE_NAME} characters`,
  )
  .optional()
  .openapi({ description: 'Extra flat values kept with the event (shown in the score receipt)' });

const URL_EXAMPLE = '(expected e.g. https://acme.com/pricing)';
/** An http(s) URL: javascript:, data: and other schemes are refused (they would be links in the receipt). */
export const HttpUrl = z
  .string()
  .max(MAX_URL)
  .url(`not a URL ${URL_EXAMPLE}`)
  .superRefine((s, ctx) => {
    const why = schemeProblem(s);
    if (why) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${why} ${URL_EXAMPLE}` });
  })
  .openapi({ description: 'An http or https URL', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' });

const common = {
  id: EventId,
  occurredAt: Timestamp,
  attributes: Attributes,
};

/** A page view: a known email, or an anonymous visitor with a company domain from reverse-IP enrichment. */
export const WebVisitEvent = z
  .object({
    ...common,
    type: z.literal('web_visit'),
    url: HttpUrl,
    email: Email.optional().openapi({ description: 'The visitor, when known' }),
    domain: Domain.optional().openapi({ description: 'The visitor company domain (reverse-IP enrichment)' }),
    visitorId: z.string().min(1).max(200).optional().openapi({
      description: 'An anonymous visitor id that an earlier Segment identify/group call tied to an email or domain',
    }),
    title: z.string().max(500).optional(),
  })
  .refine((e) => e.email !== undefined || e.domain !== undefined || e.visitorId !== undefined, {
    path: ['email'],
    message: 'a web visit needs an email, a company domain or a visitorId to tie it to an account',
  })
  .openapi('WebVisitEvent');

const AD_FIELDS = {
  ...common,
  domain: Domain,
  quantity: z
    .number()
    .int('must be a whole number')
    .min(1)
    .max(1_000_000)
    .default(1)
    .openapi({ description: 'How many on that day for that company (LinkedIn Ads MEMBER_COMPANY style)' }),
  campaign: z.string().max(500).optional(),
  platform: z.string().max(100).optional().openapi({ example: 'linkedin' }),
};

/** Ad impressions of one company on one day. */
export const AdImpressionEvent = z
  .object({ ...AD_FIELDS, type: z.literal('ad_impression') })
  .openapi('AdImpressionEvent');
/** Ad clicks of one company on one day. */
export const AdClickEvent = z.object({ ...AD_FIELDS, type: z.literal('ad_click') }).openapi('AdClickEvent');
/** Ad lead-form submissions of one company on one day. */
export const AdLeadEvent = z.object({ ...AD_FIELDS, type: z.literal('ad_lead') }).openapi('AdLeadEvent');

/** A third-party intent signal: a company researching a topic (Bombora Company Surge style). */
export const IntentEvent = z
  .object({
    ...common,
    type: z.literal('intent'),
    domain: Domain,
    topic: z.string().trim().min(1, 'must not be empty').max(200),
    strength: z
      .number()
      .min(0, 'must be between 0 and 100')
      .max(100, 'must be between 0 and 100')
      .openapi({ description: `0–100; ${SURGE_THRESHOLD} or more is a surge` }),
  })
  .openapi('IntentEvent');

/** The schema of each `/v1/events` type: items are checked by their `type`, so errors name the right fields. */
export const EVENT_SCHEMAS = {
  web_visit: WebVisitEvent,
  ad_impression: AdImpressionEvent,
  ad_click: AdClickEvent,
  ad_lead: AdLeadEvent,
  intent: IntentEvent,
} as const;

/** One item of `POST /v1/events` (documentation: validation goes through EVENT_SCHEMAS by type). */
export const IngestEvent = z
  .union([WebVisitEvent, AdImpressionEvent, AdClickEvent, AdLeadEvent, IntentEvent])
  .openapi('IngestEvent');

export type WebVisitInput = z.infer<typeof WebVisitEvent>;
export type AdInput = z.infer<typeof AdImpressionEvent> | z.infer<typeof AdClickEvent> | z.infer<typeof AdLeadEvent>;
export type IntentInput = z.infer<typeof IntentEvent>;
/** A validated `/v1/events` item. */
export type IngestEventInput = WebVisitInput | AdInput | IntentInput;
/** The event types `/v1/events` accepts. */
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as Array<keyof typeof EVENT_SCHEMAS>;

/** The body of `POST /v1/events`. Items are validated one by one, so the envelope only checks the shape. */
export const EventsBody = z
  .object({
    org: z.string().optional().openapi({ description: 'Optional: must be the key’s org (a mismatch is a 403)' }),
    events: z.array(IngestEvent).min(1).max(MAX_BATCH_ITEMS),
  })
  .openapi('EventsBody');

const SegmentCommon = {
  messageId: z.string().min(1).max(200).openapi({ description: 'Segment message id: the idempotency key' }),
  userId: z.union([z.string().max(MAX_VISITOR_ID), z.number()]).optional(),
  anonymousId: z.union([z.string().max(MAX_VISITOR_ID), z.number()]).optional(),
  timestamp: Timestamp.optional(),
  originalTimestamp: Timestamp.optional(),
  receivedAt: Timestamp.optional(),
  sentAt: Timestamp.optional(),
  context: z.record(z.unknown()).optional(),
  integrations: z.record(z.unknown()).optional(),
};

const needsId = (m: { userId?: unknown; anonymousId?: unknown }) =>
  (m.userId !== undefined && m.userId !== '') || (m.anonymousId !== undefined && m.anonymousId !== '');
const NEEDS_ID = { path: ['userId'], message: 'Segment requires userId or anonymousId' };

/** Segment `page`: becomes a web_visit. */
export const SegmentPage = z
  .object({
    ...SegmentCommon,
    type: z.literal('page'),
    name: z.string().max(500).optional(),
    properties: z.record(z.unknown()).optional(),
  })
  .passthrough();
/** Segment `track`: becomes the activity type its event name maps to. */
export const SegmentTrack = z
  .object({
    ...SegmentCommon,
    type: z.literal('track'),
    event: z.string().min(1, 'track needs an event name').max(200),
    properties: z.record(z.unknown()).optional(),
  })
  .passthrough();
/** Segment `identify`: ties the visitor to an email for later anonymous events. */
export const SegmentIdentify = z
  .object({ ...SegmentCommon, type: z.literal('identify'), traits: z.record(z.unknown()).optional() })
  .passthrough();
/** Segment `group`: ties the visitor to a company (website/domain) for later anonymous events. */
export const SegmentGroup = z
  .object({
    ...SegmentCommon,
    type: z.literal('group'),
    groupId: z.union([z.string().min(1).max(MAX_VISITOR_ID), z.number()]),
    traits: z.record(z.unknown()).optional(),
  })
  .passthrough();

/** One Segment message (track, page, identify or group). */
export const SegmentMessage = z
  .discriminatedUnion('type', [SegmentPage, SegmentTrack, SegmentIdentify, SegmentGroup])
  .superRefine((m, ctx) => {
    if (!needsId(m)) ctx.addIssue({ code: z.ZodIssueCode.custom, ...NEEDS_ID });
  })
  .openapi('SegmentMessage', {
    description: 'A Segment spec message; screen and alias are not accepted',
  });
export type SegmentMessageInput = z.infer<typeof SegmentMessage>;

/** The body of `POST /v1/segment`: one message, or `{ batch: [...] }` with shared context. */
export const SegmentBody = z
  .union([
    SegmentMessage,
    z.object({
      batch: z.array(SegmentMessage).min(1).max(MAX_BATCH_ITEMS),
      context: z.record(z.unknown()).optional(),
      integrations: z.record(z.unknown()).optional(),
    }),
  ])
  .openapi('SegmentBody');

/** An item's outcome in a batch report. */
export const ItemReport = z
  .object({
    index: z.number().int(),
    id: z.string().nullable(),
    status: z.enum(['accepted', 'rejected']),
    type: z.string().optional().openapi({ description: 'The activity type the item is stored as (accepted items)' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() }).strict()).optional(),
  })
  .strict()
  .openapi('ItemReport', {
    description:
      'Accepted or rejected, and why; never which account or person an item matched (that would tell any key holder who is a customer)',
  });

const REPORT_FIELDS = {
  accepted: z.number().int(),
  rejected: z.number().int(),
  items: z.array(ItemReport),
};

/** The answer to an ingestion request (200 all accepted, 207 some rejected; 400 adds error and code). */
export const IngestReport = z.object(REPORT_FIELDS).strict().openapi('IngestReport');
export type IngestReportBody = z.infer<typeof IngestReport>;
/** What ingesting a request did: the report, and for the server's own log and metrics how many found no account. */
export interface IngestResult extends IngestReportBody {
  unresolved: number;
}
export type ItemReportBody = z.infer<typeof ItemReport>;

/** The 400 answer when no item was accepted: the report, with why. */
export const IngestRejected = z
  .object({ error: z.string(), code: z.string(), ...REPORT_FIELDS })
  .strict()
  .openapi('IngestRejected');

/** An error answer. */
export const ErrorBody = z
  .object({
    error: z.string(),
    code: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() }).strict()).optional(),
    requestId: z.string().optional(),
  })
  .strict()
  .openapi('Error');
