import type { Decay } from '../model/schema';

const DAY_MS = 86_400_000;

/** Whole days from the event's UTC date to the as-of date ('YYYY-MM-DD'); same day is 0, future is negative. */
export function ageDays(occurredAt: Date, asOf: string): number {
  const eventDay = Math.floor(occurredAt.getTime() / DAY_MS);
  const asOfDay = Math.floor(Date.parse(`${asOf}T00:00:00Z`) / DAY_MS);
  return asOfDay - eventDay;
}

/**
 * The decay factor for an event `age` days old. Future events (age < 0) and events at or beyond
 * the window score 0, whatever the kind.
 */
export function decayFactor(decay: Decay, age: number, windowDays: number): number {
  if (age < 0 || age >= windowDays) return 0;
  switch (decay.kind) {
    case 'none':
      return 1;
    case 'linear':
      return Math.max(0, 1 - age / decay.lifespanDays);
    case 'step':
      return age < (decay.days ?? windowDays) ? 1 : 0;
    case 'halfLife':
      return Math.pow(0.5, age / decay.days);
    case 'piecewise':
      return piecewise(decay.points, age);
  }
}

// Linear between neighbouring points; the last point's factor at its own age, 0 beyond it.
function piecewise(points: [number, number][], age: number): number {
  for (let i = 0; i < points.length; i++) {
    const [a1, f1] = points[i] as [number, number];
    if (age === a1) return f1;
    if (age < a1) {
      const prev = points[i - 1];
      if (!prev) return f1; // unreachable for valid models: the first point is at age 0
      const [a0, f0] = prev;
      return f0 + ((f1 - f0) * (age - a0)) / (a1 - a0);
    }
  }
  return 0;
}
