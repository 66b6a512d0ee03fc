import type { Connection } from 'jsforce';
import { PulseError } from '../../errors';
import type { ApiBudget } from './extract';
import type { SalesforceStream } from './objects';

interface DescribeBody {
  fields: Array<{ name: string }>;
}

/**
 * The read preflight: describes each object about to be pulled for the first time and fails fast
 * (SF_PERMISSION), naming every object and field the integration user cannot read and the fix.
 * (The write preflight, writeback/writePreflight.ts, checks the mapped fields Pulse writes.)
 */
export async function readPreflight(
  conn: Connection,
  orgId: string,
  streams: readonly SalesforceStream[],
  budget: ApiBudget,
): Promise<void> {
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
