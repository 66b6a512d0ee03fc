import type { Connection } from 'jsforce';
import { PulseError } from '../../errors';
import type { ApiBudget } from './extract';
import type { SalesforceStream } from './objects';

interface DescribeBody {
  fields: Array<{ name: string }>;
}

/** The fix when the integration user lacks View All Data. */
export const VIEW_ALL_DATA_FIX =
  'assign the Engagement_Integration permission set to the integration user (it grants View All Data), or grant View All Data in its own permission set';

/** Why a pull needs View All Data, said once for the preflight and for an OPERATION_TOO_LARGE mid-pull. */
export const VIEW_ALL_DATA_WHY =
  'without it Salesforce shows it only the Tasks and Events sharing allows (scores would miss activity) and large Task/Event queries fail with OPERATION_TOO_LARGE';

/**
 * Whether the integration user holds View All Data (UserPermissionAccess: the querying user's own
 * permissions, one API call); null when the org does not answer (an API version without the object).
 */
async function holdsViewAllData(conn: Connection): Promise<boolean | null> {
  try {
    const r = await conn.request<{ records: Array<{ PermissionsViewAllData?: boolean }> }>(
      `/query?q=${encodeURIComponent('SELECT PermissionsViewAllData FROM UserPermissionAccess')}`,
    );
    return r.records[0]?.PermissionsViewAllData ?? null;
  } catch (e) {
    const code = (e as { errorCode?: string }).errorCode;
    if (code === 'INVALID_TYPE' || code === 'NOT_FOUND') return null;
    throw e;
  }
}

/**
 * The read preflight: before a first pull of activity, checks that the integration user holds View
 * All Data; describes each object about to be pulled for the first time and fails fast
 * (SF_PERMISSION), naming the missing permission, every object and field the integration user cannot
 * read, and the fix.
 * (The write preflight, writeback/writePreflight.ts, checks the mapped fields Pulse writes.)
 */
export async function readPreflight(
  conn: Connection,
  orgId: string,
  streams: readonly SalesforceStream[],
  budget: ApiBudget,
): Promise<void> {
  if (streams.some((s) => s.object === 'Task' || s.object === 'Event')) {
    budget.take('UserPermissionAccess');
    if ((await holdsViewAllData(conn)) === false) {
      throw new PulseError(
        'SF_PERMISSION',
        `the integration user lacks View All Data: ${VIEW_ALL_DATA_WHY} — ${VIEW_ALL_DATA_FIX}`,
        { org: orgId, permission: 'ViewAllData' },
      );
    }
  }
  const missing: string[] = [];
  for (const s of streams) {
    budget.take(s.object);
    let body: DescribeBody;
    try {
      body = await conn.request<DescribeBody>(`/sobjects/${encodeURIComponent(s.object)}/describe`);
    } catch (cause) {
      const code = (cause as { errorCode?: string }).errorCode;
      if (code === 'NOT_FOUND' || code === 'INVALID_TYPE') {
        throw new PulseError(
          'SF_PERMISSION',
          `the integration user cannot see ${s.object}: grant Read on ${s.object} in its permission set`,
          { org: orgId, object: s.object },
          { cause },
        );
      }
      throw cause;
    }
    const visible = new Set(body.fields.map((f) => f.name.toLowerCase()));
    for (const f of s.fields) if (!visible.has(f.toLowerCase())) missing.push(`${s.object}.${f}`);
  }
  if (missing.length > 0) {
    throw new PulseError(
      'SF_PERMISSION',
      `the integration user cannot read ${missing.join(', ')}: grant Read on ${missing.join(', ')} to the integration user (field-level security in its permission set)`,
      { org: orgId, object: missing[0]!.split('.')[0], field: missing[0]!.split('.')[1], missing },
    );
  }
}

/** One line of the console's permission checklist: an object (field null) or one of its fields. */
export interface ChecklistItem {
  object: string;
  field: string | null;
  ok: boolean;
  /** What the integration user lacks; null when ok. */
  missing: string | null;
  /** The exact fix; null when ok. */
  fix: string | null;
}

/**
 * The read preflight as a checklist (the console's Permissions page): View All Data, then every
 * object Pulse pulls and each of its fields, ok or what is missing and the fix. It describes every
 * stream (one call each) and never throws for a permission: that is a line, not an error.
 */
export async function readChecklist(conn: Connection, streams: readonly SalesforceStream[]): Promise<ChecklistItem[]> {
  const items: ChecklistItem[] = [];
  const viewAll = await holdsViewAllData(conn);
  items.push({
    object: 'UserPermissionAccess',
    field: 'PermissionsViewAllData',
    ok: viewAll !== false,
    missing: viewAll === false ? `View All Data: ${VIEW_ALL_DATA_WHY}` : null,
    fix: viewAll === false ? VIEW_ALL_DATA_FIX : null,
  });
  for (const s of streams) {
    let body: DescribeBody | null = null;
    try {
      body = await conn.request<DescribeBody>(`/sobjects/${encodeURIComponent(s.object)}/describe`);
    } catch (cause) {
      const code = (cause as { errorCode?: string }).errorCode;
      if (code !== 'NOT_FOUND' && code !== 'INVALID_TYPE') throw cause;
    }
    if (!body) {
      items.push({
        object: s.object,
        field: null,
        ok: false,
        missing: `Read on ${s.object}`,
        fix: `grant Read on ${s.object} in the integration user's permission set`,
      });
      continue;
    }
    items.push({ object: s.object, field: null, ok: true, missing: null, fix: null });
    const visible = new Set(body.fields.map((f) => f.name.toLowerCase()));
    for (const f of s.fields) {
      const ok = visible.has(f.toLowerCase());
      items.push({
        object: s.object,
        field: f,
        ok,
        missing: ok ? null : `Read on ${s.object}.${f}`,
        fix: ok
          ? null
          : `grant Read on ${s.object}.${f} (field-level security in the integration user's permission set)`,
      });
    }
  }
  return items;
}
