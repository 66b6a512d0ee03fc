import type { ZodIssue } from 'zod';
import type { Issue } from '../errors';
import type { Db } from '../store/db';
import { upsertEvents, type EventRecord } from '../store/events';
import { resolveIdentities, type Identity } from './resolve';
import type { IngestResult, ItemReportBody } from './schemas';
import { upsertVisitorLinks, type VisitorLink } from '../store/visitors';
import { log } from '../log';

/** A validated item on its way to the store, before its account is resolved. */
export interface EventDraft extends Identity {
  /** Position in the request or file (0-based), for the report. */
  index: number;
  sourceId: string;
  type: string;
  occurredAt: Date;
  url: string | null;
  quantity: number;
  strength: number | null;
  attributes: Record<string, unknown>;
  excludedReason?: string | null;
}

/** An item that failed validation: where it was and every problem found. */
export interface Rejection {
  index: number;
  id: string | null;
  errors: Issue[];
}

/** An item that was valid but stores no event (identify, group): reported as accepted. */
export interface Acknowledged {
  index: number;
  id: string | null;
  type: string;
}

/** Zod issues as `{ path, message }`, paths dotted (`attributes.plan`, `batch.3.event`). */
export function toIssues(issues: readonly ZodIssue[], prefix: readonly (string | number)[] = []): Issue[] {
  return issues.map((i) => ({ path: [...prefix, ...i.path].join('.'), message: i.message }));
}

/**
 * Refuses items that repeat an id already seen earlier in the same request: Postgres cannot upsert
 * one row twice in a statement, and which of the two the sender meant is a guess.
 */
export function splitDuplicates(drafts: readonly EventDraft[]): { unique: EventDraft[]; duplicates: Rejection[] } {
  const seen = new Map<string, number>();
  const unique: EventDraft[] = [];
  const duplicates: Rejection[] = [];
  for (const d of drafts) {
    const first = seen.get(d.sourceId);
    if (first !== undefined) {
      duplicates.push({
        index: d.index,
        id: d.sourceId,
        errors: [
          { path: 'id', message: `the same id is already at index ${first} of this request: ids must be unique` },
        ],
      });
    } else {
      seen.set(d.sourceId, d.index);
      unique.push(d);
    }
  }
  return { unique, duplicates };
}

/** What storing a batch did: per stored draft, the account it was tied to (null when unresolved). */
export interface StoredBatch {
  /** The drafts stored, in the order given: all of them unless the store refused some. */
  kept: EventDraft[];
  accountIds: Array<string | null>;
  /** Drafts the store itself refused (a limit the checks before it did not know): reported, not stored. */
  refused: Rejection[];
}

/**
 * SQLSTATE classes by which the store refuses a value (data exception, integrity constraint,
 * program limit such as an index row too large), as opposed to the store being unwell.
 */
const REFUSAL_CLASSES = new Set(['22', '23', '54']);

/** The SQLSTATE of a refusal of a value, else null. */
function refusalCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && REFUSAL_CLASSES.has(code.slice(0, 2)) ? code : null;
}

/**
 * Stores a batch in one transaction (see `storeAll`). When the store refuses it for the value of
 * some item that passed every check, the items are stored one by one instead, so only the refused
 * ones are reported and the others kept: one bad item never blocks the rest.
 */
export async function storeBatch(
  db: Db,
  orgId: string,
  source: string,
  drafts: readonly EventDraft[],
  links: readonly VisitorLink[] = [],
): Promise<StoredBatch> {
  try {
    return { kept: [...drafts], accountIds: await storeAll(db, orgId, source, drafts, links), refused: [] };
  } catch (e) {
    const code = refusalCode(e);
    if (!code || drafts.length === 0) throw e;
    // The driver's message may quote the value: the code and the count only.
    log.warn(
      { orgId, source, items: drafts.length, sqlstate: code },
      'the store refused a batch: storing its items one by one',
    );
  }
  await storeAll(db, orgId, source, [], links);
  const out: StoredBatch = { kept: [], accountIds: [], refused: [] };
  for (const d of drafts) {
    try {
      const [accountId] = await storeAll(db, orgId, source, [d], []);
      out.kept.push(d);
      out.accountIds.push(accountId ?? null);
    } catch (e) {
      const code = refusalCode(e);
      if (!code) throw e;
      out.refused.push({
        index: d.index,
        id: d.sourceId,
        errors: [
          { path: '(item)', message: `the store refused this item (SQLSTATE ${code}); nothing of it was stored` },
        ],
      });
    }
  }
  return out;
}

/**
 * Stores a batch in one transaction: visitor links first (so this batch's own identify calls
 * resolve its page views), then the events, resolved to people and accounts. Either all of it is
 * committed before this resolves, or none of it. Returns each draft's account (null: unresolved).
 */
async function storeAll(
  db: Db,
  orgId: string,
  source: string,
  drafts: readonly EventDraft[],
  links: readonly VisitorLink[],
): Promise<Array<string | null>> {
  return db.transaction(async (tx) => {
    await upsertVisitorLinks(tx, orgId, links);
    if (drafts.length === 0) return [];
    const resolved = await resolveIdentities(tx, orgId, drafts);
    const records: EventRecord[] = drafts.map((d, i) => {
      const r = resolved[i]!;
      return {
        source,
        sourceId: d.sourceId,
        type: d.type,
        occurredAt: d.occurredAt,
        personId: r.personId,
        accountId: r.accountId,
        domain: r.domain,
        url: d.url,
        quantity: d.quantity,
        strength: d.strength,
        attributes: { ...d.attributes, ...(r.email && !r.personId ? { email: r.email } : {}) },
        excludedReason: d.excludedReason ?? null,
      };
    });
    // Rows in id order, so concurrent requests sharing ids lock them in the same order (no deadlock).
    await upsertEvents(
      tx,
      orgId,
      [...records].sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0)),
    );
    return resolved.map((r) => r.accountId);
  });
}

/**
 * The report of a request: one entry per item, in request order, and the totals. It says accepted
 * or rejected, never which account an item matched; `unresolved` is for the server's log only.
 */
export function buildReport(
  stored: StoredBatch,
  rejections: readonly Rejection[],
  acknowledged: readonly Acknowledged[] = [],
): IngestResult {
  const refused = [...rejections, ...stored.refused];
  const items: ItemReportBody[] = [
    ...stored.kept.map((d) => ({ index: d.index, id: d.sourceId, status: 'accepted' as const, type: d.type })),
    ...acknowledged.map((a) => ({ index: a.index, id: a.id, status: 'accepted' as const, type: a.type })),
    ...refused.map((r) => ({ index: r.index, id: r.id, status: 'rejected' as const, errors: r.errors })),
  ].sort((a, b) => a.index - b.index);
  return {
    accepted: stored.kept.length + acknowledged.length,
    rejected: refused.length,
    unresolved: stored.accountIds.filter((a) => a === null).length,
    items,
  };
}
