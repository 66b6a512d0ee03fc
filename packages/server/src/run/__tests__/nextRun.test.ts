import { nextRunAt } from '../nextRun';
import { readSchedule } from '../schedule';

test('the next daily run: later today, else tomorrow, in the schedule time zone', () => {
  const utc = readSchedule({ PULSE_RUN_AT: '06:00' });
  expect(nextRunAt(utc, new Date('2026-11-24T05:59:30Z'))?.toISOString()).toBe('2026-11-24T06:00:00.000Z');
  expect(nextRunAt(utc, new Date('2026-11-24T06:00:00Z'))?.toISOString()).toBe('2026-11-25T06:00:00.000Z');
  const ny = readSchedule({ PULSE_RUN_AT: '06:00', PULSE_TIMEZONE: 'America/New_York' });
  // The night clocks go back (2026-11-01): 06:00 EST is 11:00 UTC, the day before it was 10:00 UTC.
  expect(nextRunAt(ny, new Date('2026-10-31T12:00:00Z'))?.toISOString()).toBe('2026-11-01T11:00:00.000Z');
});

test('a cron expression other than a daily time has no computed next run', () => {
  expect(nextRunAt(readSchedule({ PULSE_RUN_AT: '*/15 * * * *' }), new Date('2026-11-24T05:00:00Z'))).toBeNull();
});
