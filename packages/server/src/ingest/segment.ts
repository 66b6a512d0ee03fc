import { z } from 'zod';
import type { Issue } from '../errors';
import { domainOfEmail, normalizeHost } from '../identity/domain';
import type { Db } from '../store/db';
import {
  buildReport,
  splitDuplicates,
  storeBatch,
  toIssues,
  type Acknowledged,
  type EventDraft,
  type Rejection,
} from './pipeline';
import {
  MAX_URL,
  MAX_VISITOR_ID,
  parseTimestamp,
  SegmentGroup,
  SegmentIdentify,
  SegmentPage,
  SegmentTrack,
  type IngestResult,
} from './schemas';
import type { VisitorLink } from '../store/visitors';
import { occurredAtProblem, ownValue, schemeProblem, shown, textIssues } from './storable';

/** The source Segment events are stored under; `messageId` is their id. */
export const SEGMENT_SOURCE = 'segment';

/**
 * Segment `track` event names → Pulse activity types. Names follow Segment's semantic events
 * where one exists (Email Opened, Email Link Clicked); the rest are common B2B names.
 * `createApp({ ingest: { trackEvents } })` adds to or overrides these.
 */
export const DEFAULT_TRACK_EVENTS: Readonly<Record<string, string>> = {
  'Form Submitted': 'form_fill',
  'Demo Requested': 'form_fill',
  'Content Downloaded': 'content_download',
  'Webinar Attended': 'event_attended',
  'Email Opened': 'email_open',
  'Email Link Clicked': 'email_click',
};

/** The type unmapped track events are kept under (excluded from scoring, visible in receipts). */
export const UNMAPPED_TRACK_TYPE = 'segment_track';

const SCHEMAS = { page: SegmentPage, track: SegmentTrack, identify: SegmentIdentify, group: SegmentGroup } as const;
const Email = z.string().trim().max(254).email();
const Url = z.string().url();
/** Longest title kept (the same as a web_visit's). */
const MAX_TITLE = 500;
/** The Segment fields a time may come from, in the order they are preferred. */
const TIME_FIELDS = ['timestamp', 'originalTimestamp', 'receivedAt', 'sentAt'] as const;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;

/** The visitor ids a message speaks for: its userId, anonymousId and (context) groupId. */
function visitorIds(m: Obj): string[] {
  const ids: string[] = [];
  const user = str(m.userId);
  const anon = str(m.anonymousId);
  const group = str(m.groupId) ?? str(obj(m.context).groupId);
  if (user) ids.push(`u:${user}`);
  if (anon) ids.push(`a:${anon}`);
  if (group) ids.push(`g:${group}`);
  return ids;
}

/** Segment's reserved traits may arrive camelCase or snake_case; email and website have one spelling. */
function checkedEmail(v: unknown, path: string, errors: Issue[]): string | null {
  if (v === undefined || v === null || v === '') return null;
  const r = Email.safeParse(v);
  if (!r.success) {
    errors.push({ path, message: 'not an email address' });
    return null;
  }
  return r.data.toLowerCase();
}

function checkedDomain(v: unknown, path: string, errors: Issue[]): string | null {
  if (v === undefined || v === null || v === '') return null;
  const host = typeof v === 'string' && v.length <= MAX_URL ? normalizeHost(v) : null;
  if (!host || host.length > 253) errors.push({ path, message: 'not a website or domain (expected e.g. acme.com)' });
  return host;
}

/** The outcome of one Segment message. */
type MessageCheck =
  | { kind: 'event'; draft: EventDraft }
  | { kind: 'link'; ack: Acknowledged; links: VisitorLink[] }
  | { kind: 'rejected'; rejection: Rejection };

/** Validates one Segment message and maps it: page/track → an event draft, identify/group → visitor links. */
export function checkSegmentMessage(
  raw: unknown,
  index: number,
  now: Date,
  trackEvents: ReadonlyMap<string, string>,
  shared: { context?: Obj; contextIssues?: readonly Issue[] } = {},
): MessageCheck {
  const m0 = obj(raw);
  const id = str(m0.messageId);
  const reject = (errors: Issue[]): MessageCheck => ({ kind: 'rejected', rejection: { index, id, errors } });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return reject([{ path: '', message: 'each message must be a JSON object' }]);
  }
  // Text the store cannot hold is named wherever it is: in the message or in the batch's shared context.
  const unstorable = [...textIssues(m0), ...(shared.contextIssues ?? [])];
  const type = m0.type;
  const schema = ownValue(SCHEMAS, type);
  if (!schema) {
    const why =
      type === 'screen' || type === 'alias'
        ? `${type} calls are not accepted: send page, track, identify or group`
        : `${type === undefined ? 'missing' : `"${shown(type)}" is not a Segment call type`}: expected page, track, identify or group`;
    return reject([...unstorable, { path: 'type', message: why }]);
  }
  // A batch's shared context applies to each message; the message's own keys win.
  const m: Obj = shared.context ? { ...m0, context: { ...shared.context, ...obj(m0.context) } } : m0;
  const parsed = schema.safeParse(m);
  const errors: Issue[] = [...unstorable, ...(parsed.success ? [] : toIssues(parsed.error.issues))];
  if (str(m.userId) === null && str(m.anonymousId) === null) {
    errors.push({ path: 'userId', message: 'Segment requires userId or anonymousId' });
  }
  const contextGroup = str(obj(m.context).groupId);
  if (contextGroup !== null && contextGroup.length > MAX_VISITOR_ID) {
    errors.push({ path: 'context.groupId', message: `String must contain at most ${MAX_VISITOR_ID} character(s)` });
  }
  if (errors.length > 0) return reject(errors);
  const ctx = obj(m.context);
  const traits = obj(m.traits);
  const props = obj(m.properties);
  const ids = visitorIds(m);

  if (type === 'identify' || type === 'group') {
    const email = checkedEmail(traits.email ?? obj(ctx.traits).email, 'traits.email', errors);
    const domain =
      type === 'group'
        ? (checkedDomain(
            traits.website ?? traits.domain,
            traits.website !== undefined ? 'traits.website' : 'traits.domain',
            errors,
          ) ?? (email ? domainOfEmail(email) : null))
        : checkedDomain(traits.website, 'traits.website', errors);
    if (errors.length > 0) return reject(errors);
    // identify's email is the person's; group's is the company's contact address, not the visitor's.
    const link = { email: type === 'identify' ? email : null, domain };
    const links = link.email || link.domain ? ids.map((visitorId) => ({ visitorId, ...link })) : [];
    return { kind: 'link', ack: { index, id, type }, links };
  }

  const timeField = TIME_FIELDS.find((f) => str(m[f]) !== null);
  const when = timeField ? str(m[timeField]) : null;
  const occurredAt = when ? parseTimestamp(when) : now;
  const timePath = timeField ?? 'timestamp';
  // The schema has checked the shape, so a null here is a date no calendar has.
  if (!occurredAt) return reject([{ path: timePath, message: `${when} is not a date` }]);
  const late = occurredAtProblem(occurredAt, when ?? now.toISOString(), now);
  if (late) return reject([{ path: timePath, message: late }]);
  const page = obj(ctx.page);
  const email = checkedEmail(
    obj(ctx.traits).email ?? props.email,
    obj(ctx.traits).email !== undefined ? 'context.traits.email' : 'properties.email',
    errors,
  );
  const urlRaw = str(props.url) ?? str(page.url);
  const urlPath = str(props.url) ? 'properties.url' : 'context.page.url';
  const url = urlRaw && Url.safeParse(urlRaw).success ? urlRaw : null;
  // A link the receipt would show must be http(s), on a track too; a track's unparsable URL is only dropped.
  const urlProblem =
    urlRaw && urlRaw.length > MAX_URL
      ? `longer than ${MAX_URL} characters`
      : url
        ? schemeProblem(url)
        : type === 'page'
          ? urlRaw
            ? `"${shown(urlRaw)}" is not a URL`
            : 'a page call needs the URL in properties.url or context.page.url'
          : null;
  if (urlProblem) errors.push({ path: urlPath, message: urlProblem });
  const titlePath = str(props.title) ? 'properties.title' : str(page.title) ? 'context.page.title' : 'name';
  const title = str(props.title) ?? str(page.title) ?? str(m.name);
  if (title && title.length > MAX_TITLE) {
    errors.push({ path: titlePath, message: `String must contain at most ${MAX_TITLE} character(s)` });
  }
  if (errors.length > 0 || !id) return reject(errors);
  const mapped = type === 'track' ? trackEvents.get(String(m.event)) : 'web_visit';
  return {
    kind: 'event',
    draft: {
      index,
      sourceId: id,
      type: mapped ?? UNMAPPED_TRACK_TYPE,
      occurredAt,
      url,
      email,
      domain: null,
      visitorIds: ids,
      quantity: 1,
      strength: null,
      attributes: {
        ...(type === 'track' ? { event: String(m.event) } : {}),
        ...(title ? { title } : {}),
        ...(str(m.anonymousId) ? { anonymousId: str(m.anonymousId) } : {}),
        ...(str(m.userId) ? { userId: str(m.userId) } : {}),
      },
      excludedReason: mapped
        ? null
        : `track event "${String(m.event)}" is not mapped to an activity type (add it to the Segment track-event map)`,
    },
  };
}

/** The messages of a Segment body: `{ batch: [...] }` or one message. */
export function segmentMessages(body: Obj): { messages: unknown[]; context?: Obj } {
  if (Array.isArray(body.batch)) {
    return { messages: body.batch, ...(body.context !== undefined ? { context: obj(body.context) } : {}) };
  }
  return { messages: [body] };
}

/**
 * Validates and stores Segment messages: page/track as events (source `segment`, keyed by
 * messageId), identify/group as visitor links that resolve this and later anonymous events.
 */
export async function ingestSegmentMessages(
  db: Db,
  orgId: string,
  messages: readonly unknown[],
  now: Date,
  opts: { trackEvents?: Readonly<Record<string, string>>; context?: Obj } = {},
): Promise<IngestResult> {
  // A Map: an event named "constructor" must not find Object's constructor in a plain object.
  const trackEvents = new Map([...Object.entries(DEFAULT_TRACK_EVENTS), ...Object.entries(opts.trackEvents ?? {})]);
  const shared = opts.context ? { context: opts.context, contextIssues: textIssues(opts.context, ['context']) } : {};
  const drafts: EventDraft[] = [];
  const rejections: Rejection[] = [];
  const acks: Acknowledged[] = [];
  const links: VisitorLink[] = [];
  messages.forEach((raw, i) => {
    const c = checkSegmentMessage(raw, i, now, trackEvents, shared);
    if (c.kind === 'event') drafts.push(c.draft);
    else if (c.kind === 'link') {
      acks.push(c.ack);
      links.push(...c.links);
    } else rejections.push(c.rejection);
  });
  const { unique, duplicates } = splitDuplicates(drafts);
  const stored = await storeBatch(db, orgId, SEGMENT_SOURCE, unique, links);
  return buildReport(stored, [...rejections, ...duplicates], acks);
}
