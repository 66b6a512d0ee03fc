/**
 * When the daily run happens: PULSE_RUN_AT ("06:00", or a cron expression) in PULSE_TIMEZONE (an IANA
 * zone such as "America/New_York"). node-cron only triggers; the run itself takes the org's lock and
 * records the slot it was scheduled for, so a second trigger of that slot (another worker) does nothing.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { ValidationError } from '../errors';

/** The schedule when nothing is set: every day at 06:00 UTC. */
export const DEFAULT_RUN_AT = '06:00';
export const DEFAULT_TIMEZONE = 'UTC';

/** A validated schedule. */
export interface RunSchedule {
  /** node-cron expression (5 fields, or 6 with seconds). */
  expression: string;
  timezone: string;
  /** For logs and the console: "every day at 06:00 (America/New_York)". */
  description: string;
}

/** Reads PULSE_RUN_AT and PULSE_TIMEZONE; a bad value stops with what was seen and how to write it. */
export function readSchedule(env: NodeJS.ProcessEnv): RunSchedule {
  const at = (env.PULSE_RUN_AT ?? DEFAULT_RUN_AT).trim();
  const timezone = (env.PULSE_TIMEZONE ?? DEFAULT_TIMEZONE).trim();
  const issues: { path: string; message: string }[] = [];
  let expression = at;
  let description = `cron "${at}"`;
  const hhmm = /^(\d{1,2}):(\d{2})$/.exec(at);
  if (hhmm) {
    const h = Number(hhmm[1]);
    const m = Number(hhmm[2]);
    if (h > 23 || m > 59) issues.push({ path: 'PULSE_RUN_AT', message: `"${at}" is not a time of day (00:00–23:59)` });
    expression = `${m} ${h} * * *`;
    description = `every day at ${String(h).padStart(2, '0')}:${hhmm[2]}`;
  } else if (!cron.validate(at)) {
    issues.push({
      path: 'PULSE_RUN_AT',
      message: `"${at}" is neither a time of day like "06:00" nor a cron expression like "0 6 * * *"`,
    });
  }
  if (!isTimeZone(timezone)) {
    issues.push({
      path: 'PULSE_TIMEZONE',
      message: `"${timezone}" is not an IANA time zone (e.g. "UTC", "America/New_York", "Europe/Paris")`,
    });
  }
  if (issues.length > 0) throw new ValidationError('the run schedule', issues);
  return { expression, timezone, description: `${description} (${timezone})` };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

/**
 * The schedule slot a trigger at `date` belongs to: its local minute in `timezone`, e.g.
 * "2026-11-24 06:00". Two workers firing for the same slot share it (the second does nothing); a
 * cron expression with several slots a day runs at each.
 */
export function slotIn(date: Date, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * Starts the schedule: `onTick(slot)` at every trigger, never two at once (a trigger while a
 * run is still going is skipped by node-cron and logged by the caller via `onOverlap`).
 */
export function startSchedule(
  schedule: RunSchedule,
  onTick: (slot: string, at: Date) => Promise<void>,
  opts: { onOverlap?: (at: Date) => void } = {},
): ScheduledTask {
  const task = cron.schedule(
    schedule.expression,
    async (ctx) => {
      await onTick(slotIn(ctx.date, schedule.timezone), ctx.date);
    },
    { timezone: schedule.timezone, name: 'pulse-daily-run', noOverlap: true },
  );
  if (opts.onOverlap) task.on('execution:overlap', (ctx) => opts.onOverlap!(ctx.date));
  return task;
}

/** Milliseconds `timezone` is ahead of UTC at `at` (negative west of Greenwich). */
function offsetMs(at: Date, timezone: string): number {
  const [d, t] = slotIn(at, timezone).split(' ');
  const [y, mo, da] = d!.split('-').map(Number);
  const [h, mi] = t!.split(':').map(Number);
  return Date.UTC(y!, mo! - 1, da!, h!, mi!) - Math.floor(at.getTime() / 60_000) * 60_000;
}

/**
 * When the last slot at or before `now` began, for a schedule of one time a day (PULSE_RUN_AT
 * "HH:MM", or a cron expression "M H * * *"); null for any other cron expression, whose slots this
 * does not compute (the late-run alert then stays off).
 */
export function previousSlotAt(schedule: RunSchedule, now: Date): Date | null {
  const daily = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(schedule.expression.trim());
  if (!daily) return null;
  const minute = Number(daily[1]);
  const hour = Number(daily[2]);
  const [y, mo, d] = slotIn(now, schedule.timezone).slice(0, 10).split('-').map(Number);
  const at = (dayOffset: number): Date => {
    // The local wall time as if UTC, moved by the zone's offset there (twice: a DST change between).
    const wall = Date.UTC(y!, mo! - 1, d! + dayOffset, hour, minute);
    let utc = wall - offsetMs(new Date(wall), schedule.timezone);
    utc = wall - offsetMs(new Date(utc), schedule.timezone);
    return new Date(utc);
  };
  const today = at(0);
  return today.getTime() <= now.getTime() ? today : at(-1);
}
