/** The emulators' clock: a fixed instant, a function, or the wall clock, each moved on by advance(). */
import { makeClock } from '../clock';

const T0 = new Date('2026-11-24T10:00:00.000Z');

describe('makeClock', () => {
  it('a fixed Date stays put until advanced, and advances add up', () => {
    const clock = makeClock(T0);
    expect(clock.now().toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-11-24T10:00:00.000Z');
    clock.advance(90_000);
    clock.advance(-30_000);
    expect(clock.now().toISOString()).toBe('2026-11-24T10:01:00.000Z');
  });

  it('a function source is read on every call, with the advance on top', () => {
    let ms = T0.getTime();
    const clock = makeClock(() => new Date(ms));
    ms += 1000;
    expect(clock.now().getTime()).toBe(T0.getTime() + 1000);
    clock.advance(3_600_000);
    ms += 1000;
    expect(clock.now().getTime()).toBe(T0.getTime() + 2000 + 3_600_000);
  });

  it('without a source it reads the wall clock', () => {
    const before = Date.now();
    const now = makeClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('advancing never changes the Date a fixed source was given', () => {
    const fixed = new Date(T0);
    makeClock(fixed).advance(5000);
    expect(fixed.getTime()).toBe(T0.getTime());
  });
});
