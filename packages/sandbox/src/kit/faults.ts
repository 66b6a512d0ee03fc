/**
 * Fault switches: a fault armed for the next N calls (on paths matching a pattern, or all), and
 * what it answers with. One mechanism for every emulator; each vendor's faults class names its
 * switches and supplies the payload (a status, an error code, a body kind) its answer needs.
 */

/** Where an armed fault applies: a path substring, a path pattern, or (absent) every call. */
export type PathMatch = string | RegExp;

/** Whether `path` is one `match` names (every path when `match` is absent). */
export function pathMatches(match: PathMatch | undefined, path: string): boolean {
  if (match === undefined) return true;
  return typeof match === 'string' ? path.includes(match) : match.test(path);
}

interface Armed<P> {
  payload: P;
  left: number;
  path?: PathMatch;
}

/** One fault: armed for a number of calls, each taken call consuming one, first armed first. */
export class FaultSwitch<P = true> {
  private armed: Armed<P>[] = [];

  /** Arms the fault for the next `count` calls matching `path`, replacing what was armed. */
  arm(payload: P, count = 1, path?: PathMatch): this {
    this.armed = [];
    return this.queue(payload, count, path);
  }

  /** Arms the fault for `count` more matching calls after those already armed. */
  queue(payload: P, count = 1, path?: PathMatch): this {
    if (count > 0) this.armed.push({ payload, left: count, path });
    return this;
  }

  /** Consumes one call of the first armed fault applying to `path`; its payload, or null when none applies. */
  take(path = ''): P | null {
    const hit = this.armed.find((a) => pathMatches(a.path, path));
    if (!hit) return null;
    if (--hit.left <= 0) this.armed.splice(this.armed.indexOf(hit), 1);
    return hit.payload;
  }

  /** Calls still armed (over every path). */
  pending(): number {
    return this.armed.reduce((n, a) => n + a.left, 0);
  }

  /** Disarms the fault. */
  clear(): this {
    this.armed = [];
    return this;
  }
}

/**
 * A vendor's fault switches. Switches made with `switch()` are all disarmed by `clear()`; a
 * vendor's class adds its flags (resetting them in an overriding `clear`) and names its setters.
 */
export class FaultBoard {
  private readonly switches: Array<{ clear(): unknown }> = [];

  /** A new switch on this board. */
  protected switch<P = true>(): FaultSwitch<P> {
    const s = new FaultSwitch<P>();
    this.switches.push(s);
    return s;
  }

  /** A setter that arms `sw` for the next `count` calls (default 1) and returns the board. */
  protected counted(sw: FaultSwitch): (count?: number) => this {
    return this.fluent((count: number = 1) => sw.arm(true, count));
  }

  /** A setter that makes `change` and returns the board, so a vendor's setters chain. */
  protected fluent<A extends unknown[]>(change: (...args: A) => unknown): (...args: A) => this {
    return (...args) => {
      change(...args);
      return this;
    };
  }

  /** Disarms every switch on the board. */
  clear(): this {
    for (const s of this.switches) s.clear();
    return this;
  }
}
