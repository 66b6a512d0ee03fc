import { dailyJobId, readPoolSettings } from '../pool';

describe('dailyJobId', () => {
  it('is one UUID per org and slot, the same in every worker', () => {
    const id = dailyJobId('acme', '2026-12-07 06:00');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dailyJobId('acme', '2026-12-07 06:00')).toBe(id);
    expect(dailyJobId('acme', '2026-12-08 06:00')).not.toBe(id);
    expect(dailyJobId('globex', '2026-12-07 06:00')).not.toBe(id);
  });
});

describe('readPoolSettings', () => {
  it('defaults to two lanes a worker, two-hour runs and pg-boss in its own schema', () => {
    expect(readPoolSettings({})).toEqual({
      schema: 'pgboss',
      concurrency: 2,
      runTimeoutSeconds: 7200,
      retryDelaySeconds: 30,
      reapEverySeconds: 15,
    });
    expect(readPoolSettings({ PULSE_WORKER_CONCURRENCY: '4', PULSE_QUEUE_SCHEMA: 'jobs' })).toMatchObject({
      schema: 'jobs',
      concurrency: 4,
    });
  });

  it('names a bad variable', () => {
    expect(() => readPoolSettings({ PULSE_WORKER_CONCURRENCY: '0', PULSE_QUEUE_SCHEMA: 'Bad-Name' })).toThrow(
      /PULSE_QUEUE_SCHEMA[\s\S]*PULSE_WORKER_CONCURRENCY|PULSE_WORKER_CONCURRENCY[\s\S]*PULSE_QUEUE_SCHEMA/,
    );
  });
});
