/**
 * What the integration user's queries see. Without "View All Data" a user sees only what sharing
 * allows: every record of an object it has "View All" on, its own records, and the Tasks and Events
 * whose related records (What, Who, Account) it can see; and a Task or Event query over more rows
 * than Salesforce will check sharing for fails with OPERATION_TOO_LARGE
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm,
 * ExceptionCode). Activities over a year old are archived: `query` leaves them out and `queryAll`
 * returns them with IsArchived = true
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm).
 */
import type { EmulatorContext } from './context';
import { KEY_PREFIXES } from './ids';
import type { SfRecord } from './soql';
import { parseDateTime } from './store';

const DAY = 86_400_000;
const ACTIVITY = new Set(['Task', 'Event']);
const OBJECT_BY_PREFIX = new Map(Object.entries(KEY_PREFIXES).map(([o, p]) => [p, o]));

/** Whether an activity is archived as of `nowMs` (the documented criteria, 365 days). */
export function isArchived(object: string, rec: SfRecord, nowMs: number): boolean {
  const cutoff = nowMs - 365 * DAY;
  const at = (v: unknown) =>
    typeof v === 'string' && v !== '' ? parseDateTime(v.length === 10 ? `${v}T00:00:00Z` : v) : NaN;
  if (object === 'Event') {
    const t = Number.isNaN(at(rec.ActivityDateTime)) ? at(rec.ActivityDate) : at(rec.ActivityDateTime);
    return t <= cutoff;
  }
  if (object === 'Task') {
    if (rec.IsClosed !== true) return false;
    const t = rec.ActivityDate ? at(rec.ActivityDate) : at(rec.CreatedDate);
    return t <= cutoff;
  }
  return false;
}

/** Whether the integration user can see `rec` of `object` through sharing (always, with View All Data). */
export function canSee(ctx: EmulatorContext, object: string, rec: SfRecord): boolean {
  const user = ctx.user;
  if (user.seesAll(object) || object === 'User' || object === 'UserPermissionAccess') return true;
  if (rec.OwnerId === ctx.store.userId) return true;
  if (!ACTIVITY.has(object)) return false;
  for (const id of [rec.WhatId, rec.WhoId, rec.AccountId]) {
    const parent = typeof id === 'string' ? OBJECT_BY_PREFIX.get(id.slice(0, 3)) : undefined;
    if (parent && user.seesAll(parent)) return true;
  }
  return false;
}

/**
 * The row filter of a query (REST or Bulk): archived activities out unless `all` (queryAll), and
 * sharing. Marks each activity's IsArchived as of the org's clock on the way.
 */
export function rowFilter(ctx: EmulatorContext, all: boolean): (object: string, rec: SfRecord) => boolean {
  const now = ctx.clock.now().getTime();
  const viewAll = ctx.user.has('ViewAllData');
  return (object, rec) => {
    if (ACTIVITY.has(object)) {
      rec.IsArchived = isArchived(object, rec, now);
      if (rec.IsArchived && !all) return false;
    }
    return viewAll || canSee(ctx, object, rec);
  };
}

/** The OPERATION_TOO_LARGE refusal for a Task/Event query of `rows` candidate rows by a user without View All Data, or null. */
export function tooLarge(ctx: EmulatorContext, object: string, rows: number): string | null {
  if (!ACTIVITY.has(object) || ctx.user.has('ViewAllData') || rows <= ctx.user.activityQueryLimit) return null;
  return `exceeded ${ctx.user.activityQueryLimit} distinct ids`;
}
