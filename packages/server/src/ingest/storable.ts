import type { Issue } from '../errors';

// What the store can hold, checked per item before anything is written: one value the database
// refuses would otherwise fail the whole batch's transaction.

/** The earliest occurredAt accepted: older is a mistake (year 0000 cannot even be stored). */
export const EARLIEST_OCCURRED_AT = new Date('1970-01-01T00:00:00Z');
/** How far ahead of the server clock an event may be (client clock skew), before it is refused. */
export const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;
/** Most problems named for one item: enough to fix it, bounded for a hostile one. */
const MAX_TEXT_ISSUES = 10;

/** Why a time is outside the accepted window (1970-01-01 … a day ahead of `now`), or null when it is inside. */
export function occurredAtProblem(at: Date, raw: string, now: Date): string | null {
  if (at.getTime() < EARLIEST_OCCURRED_AT.getTime()) {
    return `${raw} is before 1970-01-01T00:00:00Z, the earliest date accepted (accepted: 1970-01-01 to a day ahead of the server clock)`;
  }
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    return `${raw} is more than a day ahead of the server clock (${now.toISOString()})`;
  }
  return null;
}

/** Why a string cannot be stored as text (Postgres text and jsonb refuse both), or null. */
function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (!s.isWellFormed()) {
    return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  }
  return null;
}

/** A sent value as a report quotes it (a value, a key in a path): short, so a hostile one is never echoed whole. */
export function shown(v: unknown): string {
  const s = String(v);
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/**
 * Every string and key in a JSON value that the store cannot hold (NUL, unpaired surrogates),
 * as issues with their dotted paths under `prefix`. Iterative, so deep nesting cannot overflow the stack.
 */
export function textIssues(value: unknown, prefix: readonly (string | number)[] = []): Issue[] {
  const issues: Issue[] = [];
  const stack: Array<{ v: unknown; path: readonly (string | number)[] }> = [{ v: value, path: prefix }];
  while (stack.length > 0 && issues.length < MAX_TEXT_ISSUES) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const why = textProblem(v);
      if (why) issues.push({ path: path.map(shown).join('.'), message: why });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        const why = textProblem(k);
        if (why) issues.push({ path: path.map(shown).join('.'), message: `a key ${why}` });
        else stack.push({ v: child, path: [...path, k] });
      }
    }
  }
  return issues.slice(0, MAX_TEXT_ISSUES);
}

/** Why a URL is not an http(s) URL (javascript:, data:, ftp: … are refused), or null; unparsable URLs are null. */
export function schemeProblem(url: string): string | null {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return null;
  }
  return protocol === 'http:' || protocol === 'https:' ? null : `not an http(s) URL: ${protocol} URLs are not accepted`;
}

/** The value a plain-object table holds for `key` as its own property; never an inherited one (constructor, __proto__). */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
