/**
 * The back-fill's sliding sums: a (person, KPI) bucket series turned into any day's decayed sum by prefix
 * sums. Every decay kind but halfLife is piecewise linear in the (integer) age, so a day's sum over an age
 * range is (α + β·d)·Σw − β·Σw·t from two prefix arrays; halfLife uses scaled prefix sums of w·2^(t/h).
 * Pure.
 */
import type { Decay } from '../model/schema';

/** A linear piece of a decay over an inclusive integer age range: factor = alpha + beta × age. */
export interface Piece {
  lo: number;
  hi: number;
  alpha: number;
  beta: number;
}

/** A decay as the sliding sums take it: linear pieces over integer ages, or a half-life. */
export type DecayPieces = Piece[] | { halfLife: number };

/** The decay as linear pieces over integer ages within the window, or 'halfLife'. */
export function decayPieces(decay: Decay, windowDays: number): DecayPieces {
  const last = windowDays - 1;
  const clip = (lo: number, hi: number, alpha: number, beta: number): Piece[] =>
    Math.max(lo, 0) <= Math.min(hi, last) ? [{ lo: Math.max(lo, 0), hi: Math.min(hi, last), alpha, beta }] : [];
  switch (decay.kind) {
    case 'none':
      return clip(0, last, 1, 0);
    case 'step':
      return clip(0, Math.ceil(decay.days ?? windowDays) - 1, 1, 0);
    case 'linear':
      return clip(0, Math.ceil(decay.lifespanDays) - 1, 1, -1 / decay.lifespanDays);
    case 'halfLife':
      return { halfLife: decay.days };
    case 'piecewise': {
      const out: Piece[] = [];
      const pts = decay.points;
      for (let i = 0; i + 1 < pts.length; i++) {
        const [a0, f0] = pts[i]!;
        const [a1, f1] = pts[i + 1]!;
        const slope = (f1 - f0) / (a1 - a0);
        out.push(...clip(Math.ceil(a0), Math.ceil(a1) - 1, f0 - slope * a0, slope));
      }
      const [aLast, fLast] = pts[pts.length - 1]!;
      if (Number.isInteger(aLast)) out.push(...clip(aLast, aLast, fLast, 0));
      return out;
    }
  }
}

/** One (person, KPI) bucket series of an account, days as indexes from the bucket range's first day. */
export interface Series {
  person: string | null;
  kpi: number;
  t: number[];
  w: number[];
  q: number[];
}

/** Prefix sums of a series for O(log n) range sums. */
export class Prefix {
  readonly W: Float64Array;
  readonly WT: Float64Array;
  readonly Q: Float64Array;
  readonly H: Float64Array | null;
  constructor(
    readonly s: Series,
    halfLife: number | null,
  ) {
    const n = s.t.length;
    this.W = new Float64Array(n + 1);
    this.WT = new Float64Array(n + 1);
    this.Q = new Float64Array(n + 1);
    this.H = halfLife === null ? null : new Float64Array(n + 1);
    const t0 = s.t[0] ?? 0;
    for (let i = 0; i < n; i++) {
      const w = s.w[i]!;
      const t = s.t[i]!;
      this.W[i + 1] = this.W[i]! + w;
      this.WT[i + 1] = this.WT[i]! + w * t;
      this.Q[i + 1] = this.Q[i]! + s.q[i]!;
      // Scaled so that older buckets weigh less: w·2^((t − t0)/h); multiplied back by 0.5^((d − t0)/h).
      if (this.H && halfLife !== null) this.H[i + 1] = this.H[i]! + w * Math.pow(2, (t - t0) / halfLife);
    }
  }
  /** First index whose day is ≥ day. */
  lower(day: number): number {
    const t = this.s.t;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The decayed sum of a series on day index d, by prefix sums. */
export function decayedSum(pre: Prefix, d: number, decay: DecayPieces, windowDays: number): number {
  if (!Array.isArray(decay)) {
    const i = pre.lower(d - windowDays + 1);
    const j = pre.lower(d + 1);
    if (i >= j) return 0;
    const t0 = pre.s.t[0]!;
    const scale = (d - t0) / decay.halfLife;
    if (scale > 900) {
      // 2^scale would overflow the scaled sums: sum this day directly (only for tiny half-lives).
      let sum = 0;
      for (let k = i; k < j; k++) sum += pre.s.w[k]! * Math.pow(0.5, (d - pre.s.t[k]!) / decay.halfLife);
      return sum;
    }
    return (pre.H![j]! - pre.H![i]!) * Math.pow(0.5, scale);
  }
  let sum = 0;
  for (const piece of decay) {
    // Ages lo..hi are days d − hi .. d − lo.
    const i = pre.lower(d - piece.hi);
    const j = pre.lower(d - piece.lo + 1);
    if (i >= j) continue;
    const w = pre.W[j]! - pre.W[i]!;
    const wt = pre.WT[j]! - pre.WT[i]!;
    sum += (piece.alpha + piece.beta * d) * w - piece.beta * wt;
  }
  return sum;
}
