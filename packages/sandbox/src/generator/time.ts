/** Time helpers: epoch milliseconds inside, Salesforce's JSON forms outside. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Salesforce's datetime form: `2026-11-24T10:00:00.000+0000`. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** A `YYYY-MM-DD` UTC date. */
export function sfDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO-8601 UTC with a `Z`, as MAPs and the CSV export write it. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Midnight UTC of the day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** A time on UTC day `dayStart` in North American business hours, never after `nowMs`. */
export function timeOnDay(
  rng: { int(min: number, max: number): number; next(): number },
  dayStart: number,
  nowMs: number,
): number {
  const t = dayStart + 13 * HOUR + rng.int(0, 10 * 3600) * 1000;
  if (t <= nowMs) return t;
  return dayStart + Math.floor(rng.next() * Math.max(1, nowMs - dayStart));
}
