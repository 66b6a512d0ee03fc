import { readSchedule, slotIn, startSchedule } from '../schedule';

describe('readSchedule', () => {
  it('defaults to every day at 06:00 UTC', () => {
    expect(readSchedule({})).toEqual({
      expression: '0 6 * * *',
      timezone: 'UTC',
      description: 'every day at 06:00 (UTC)',
    });
  });

  it('takes a time of day or a cron expression, in an IANA time zone', () => {
    expect(readSchedule({ PULSE_RUN_AT: '5:30', PULSE_TIMEZONE: 'America/New_York' })).toMatchObject({
      expression: '30 5 * * *',
      timezone: 'America/New_York',
      description: 'every day at 05:30 (America/New_York)',
    });
    expect(readSchedule({ PULSE_RUN_AT: '15 2 * * 1-5' })).toMatchObject({ expression: '15 2 * * 1-5' });
  });

  it('names every bad variable, what it saw and how to write it', () => {
    expect(() => readSchedule({ PULSE_RUN_AT: '25:00', PULSE_TIMEZONE: 'Mars/Olympus' })).toThrow(
      'the run schedule is invalid:\n' +
        '  - PULSE_RUN_AT: "25:00" is not a time of day (00:00–23:59)\n' +
        '  - PULSE_TIMEZONE: "Mars/Olympus" is not an IANA time zone (e.g. "UTC", "America/New_York", "Europe/Paris")',
    );
    expect(() => readSchedule({ PULSE_RUN_AT: 'daily' })).toThrow(
      /PULSE_RUN_AT: "daily" is neither a time of day like "06:00" nor a cron expression like "0 6 \* \* \*"/,
    );
  });
});

describe('slotIn', () => {
  it('is the local minute in the schedule time zone', () => {
    const at = new Date('2026-11-24T03:00:42Z');
    expect(slotIn(at, 'UTC')).toBe('2026-11-24 03:00');
    expect(slotIn(at, 'America/Los_Angeles')).toBe('2026-11-23 19:00');
    expect(slotIn(at, 'Asia/Kolkata')).toBe('2026-11-24 08:30');
    expect(slotIn(new Date('2026-11-24T00:05:00Z'), 'UTC')).toBe('2026-11-24 00:05');
  });
});

describe('startSchedule', () => {
  it('triggers at the configured local time, passing the slot it is for', async () => {
    const ticks: string[] = [];
    const task = startSchedule(
      readSchedule({ PULSE_RUN_AT: '06:00', PULSE_TIMEZONE: 'America/New_York' }),
      async (d) => {
        ticks.push(d);
      },
    );
    try {
      const next = task.getNextRun()!;
      // 06:00 in New York is 11:00 UTC in winter, 10:00 in summer.
      expect([10, 11]).toContain(next.getUTCHours());
      expect(next.getUTCMinutes()).toBe(0);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      await task.execute();
      expect(ticks).toHaveLength(1);
      expect(ticks[0]!.slice(0, 10)).toBe(slotIn(new Date(), 'America/New_York').slice(0, 10));
    } finally {
      await task.destroy();
    }
  });
});
