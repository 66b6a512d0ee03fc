/** The emulator's call log: every HTTP request it answered, for tests to assert on. */

export interface CallLogEntry {
  method: string;
  path: string;
  status: number;
  /** Milliseconds since epoch (wall clock) when the call arrived. */
  at: number;
}

/** Append-only log of calls; `clear()` between tests. */
export class CallLog {
  readonly entries: CallLogEntry[] = [];

  /** Records one answered call. */
  add(entry: CallLogEntry): void {
    this.entries.push(entry);
  }

  /** Entries whose path matches `pattern` (and method, when given). */
  filter(pattern: RegExp | string, method?: string): CallLogEntry[] {
    return this.entries.filter(
      (e) =>
        (typeof pattern === 'string' ? e.path.includes(pattern) : pattern.test(e.path)) &&
        (!method || e.method === method),
    );
  }

  /** Forgets all entries. */
  clear(): void {
    this.entries.length = 0;
  }
}
