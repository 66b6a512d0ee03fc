import { slotIn, type RunSchedule } from './schedule';

/**
 * When the schedule next fires after `now`, for a daily "HH:MM" schedule (`m h * * *`); null for
 * other cron expressions, whose next time the console does not compute. Steps minute by minute in
 * the schedule's time zone, so daylight-saving days come out right.
 */
export function nextRunAt(schedule: RunSchedule, now: Date): Date | null {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(schedule.expression);
  if (!m) return null;
  const want = `${m[2]!.padStart(2, '0')}:${m[1]!.padStart(2, '0')}`;
  const start = Math.floor(now.getTime() / 60_000) * 60_000 + 60_000;
  for (let t = start; t < start + 2 * 24 * 60 * 60_000; t += 60_000) {
    if (slotIn(new Date(t), schedule.timezone).endsWith(` ${want}`)) return new Date(t);
  }
  return null;
}
