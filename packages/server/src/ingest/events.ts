import type { Issue } from '../errors';
import type { Db } from '../store/db';
import { buildReport, splitDuplicates, storeBatch, toIssues, type EventDraft, type Rejection } from './pipeline';
import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  parseTimestamp,
  SURGE_THRESHOLD,
  type IngestEventInput,
  type IngestResult,
} from './schemas';
import { occurredAtProblem, ownValue, shown, textIssues } from './storable';
import { visitorKeys } from './resolve';

/** The source events of `/v1/events` and `pulse import` are stored under: one id space, the sender's. */
export const API_SOURCE = 'api';

/** An item checked: a draft to store, or why not. */
export type ItemCheck = { ok: true; draft: EventDraft } | { ok: false; rejection: Rejection };

function idOf(item: unknown): string | null {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/** Validates one `/v1/events` item (or CSV row) by its type and turns it into a draft; `now` bounds future times. */
export function checkEventItem(item: unknown, index: number, now: Date): ItemCheck {
  const reject = (errors: Issue[]): ItemCheck => ({ ok: false, rejection: { index, id: idOf(item), errors } });
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return reject([{ path: '', message: 'each event must be a JSON object' }]);
  }
  // Text the store cannot hold is named wherever it is, even in fields the schema does not look into.
  const unstorable = textIssues(item);
  const type = (item as { type?: unknown }).type;
  const schema = ownValue(EVENT_SCHEMAS, type);
  if (!schema) {
    return reject([
      ...unstorable,
      {
        path: 'type',
        message: `${type === undefined ? 'missing' : `"${shown(type)}" is not an event type`}: expected one of ${EVENT_TYPES.join(', ')}`,
      },
    ]);
  }
  const parsed = schema.safeParse(item);
  if (!parsed.success || unstorable.length > 0) {
    return reject([...unstorable, ...(parsed.success ? [] : toIssues(parsed.error.issues))]);
  }
  const e: IngestEventInput = parsed.data;
  const occurredAt = parseTimestamp(e.occurredAt)!;
  const late = occurredAtProblem(occurredAt, e.occurredAt, now);
  if (late) return reject([{ path: 'occurredAt', message: late }]);
  return { ok: true, draft: toDraft(e, index, occurredAt) };
}

function toDraft(e: IngestEventInput, index: number, occurredAt: Date): EventDraft {
  const base = { index, sourceId: e.id, type: e.type, occurredAt, attributes: { ...(e.attributes ?? {}) } };
  switch (e.type) {
    case 'web_visit':
      return {
        ...base,
        url: e.url,
        email: e.email ?? null,
        domain: e.domain ?? null,
        visitorIds: e.visitorId ? visitorKeys(e.visitorId) : [],
        quantity: 1,
        strength: null,
        attributes: {
          ...base.attributes,
          ...(e.title ? { title: e.title } : {}),
          ...(e.visitorId ? { visitorId: e.visitorId } : {}),
        },
      };
    case 'intent':
      return {
        ...base,
        url: null,
        domain: e.domain,
        quantity: 1,
        strength: e.strength,
        attributes: { ...base.attributes, topic: e.topic, surge: e.strength >= SURGE_THRESHOLD },
      };
    default:
      return {
        ...base,
        url: null,
        domain: e.domain,
        quantity: e.quantity,
        strength: null,
        attributes: {
          ...base.attributes,
          ...(e.campaign ? { campaign: e.campaign } : {}),
          ...(e.platform ? { platform: e.platform } : {}),
        },
      };
  }
}

/**
 * Validates, resolves and stores a batch of `/v1/events` items. Bad items are reported and never
 * block the good ones; every accepted item is committed before this resolves.
 */
export async function ingestEventItems(
  db: Db,
  orgId: string,
  items: readonly unknown[],
  now: Date,
): Promise<IngestResult> {
  const drafts: EventDraft[] = [];
  const rejections: Rejection[] = [];
  items.forEach((item, i) => {
    const c = checkEventItem(item, i, now);
    if (c.ok) drafts.push(c.draft);
    else rejections.push(c.rejection);
  });
  const { unique, duplicates } = splitDuplicates(drafts);
  const stored = await storeBatch(db, orgId, API_SOURCE, unique);
  return buildReport(stored, [...rejections, ...duplicates]);
}
