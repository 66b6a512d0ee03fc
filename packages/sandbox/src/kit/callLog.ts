/**
 * The call log every emulator keeps: each HTTP request it answered, for tests to assert on.
 * Each emulator records the common fields and whatever else it needs (query, vendor error code).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The fields every emulator records for an answered call. */
export interface Call {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The HTTP status sent (0 when the connection closed before an answer). */
  status: number;
  /** Wall-clock milliseconds since epoch when the call arrived (not the emulator's clock). */
  at: number;
}

/** Which calls a filter keeps: a path substring, a path pattern, or a predicate over the call. */
export type CallMatch<C extends Call> = string | RegExp | ((call: C) => boolean);

/** Append-only log of calls; `clear()` between tests. */
export class CallLog<C extends Call = Call> {
  readonly entries: C[] = [];

  /** Records one answered call. */
  add(call: C): void {
    this.entries.push(call);
  }

  /** Calls matching `match` (and `method`, when given), oldest first. */
  filter(match: CallMatch<C>, method?: string): C[] {
    const keep =
      typeof match === 'function'
        ? match
        : typeof match === 'string'
          ? (c: C) => c.path.includes(match)
          : (c: C) => match.test(c.path);
    return this.entries.filter((c) => keep(c) && (!method || c.method === method));
  }

  /** How many calls are logged. */
  get length(): number {
    return this.entries.length;
  }

  /** Forgets all entries. */
  clear(): void {
    this.entries.length = 0;
  }
}

/**
 * Logs the call `req` once it is answered, or with status 0 when its connection closes first.
 * `details` runs then, so it can read what the handler left (e.g. `res.locals`), and adds the
 * emulator's own fields to the common ones.
 */
export function recordCall<C extends Call>(
  log: CallLog<C>,
  req: IncomingMessage,
  res: ServerResponse,
  details: (call: Call) => C,
  wallMs: () => number = Date.now,
): void {
  const call: Call = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, status: 0, at: wallMs() };
  let logged = false;
  const done = (status: number) => {
    if (logged) return;
    logged = true;
    log.add(details({ ...call, status }));
  };
  res.on('finish', () => done(res.statusCode));
  res.on('close', () => done(res.writableFinished ? res.statusCode : 0));
}
