/**
 * The emulators' clock. Every emulator reads time through one of these, so a test can pin it
 * (a fixed Date), drive it (a function) or move it on (`advance`) without touching the wall clock.
 */

/** What an emulator's options accept as its clock: a fixed instant, or a function read on every call. */
export type ClockSource = Date | (() => Date);

/** An injectable clock. */
export interface Clock {
  /** The current instant (the source's, moved on by every `advance`). */
  now(): Date;
  /** Moves this clock on by `ms` (negative moves it back), whatever its source. */
  advance(ms: number): void;
}

/** A clock reading `source` (default: the wall clock) plus whatever `advance` added. */
export function makeClock(source?: ClockSource): Clock {
  const read: () => Date =
    source === undefined ? () => new Date() : typeof source === 'function' ? source : () => source;
  let offsetMs = 0;
  return {
    now: () => (offsetMs === 0 ? read() : new Date(read().getTime() + offsetMs)),
    advance: (ms) => {
      offsetMs += ms;
    },
  };
}
