/**
 * The history back-fill: the last N days of snapshots without N full passes. Events are reduced once,
 * in SQL, to daily buckets per (account, person, KPI, day) of weighted base points and quantity; then a
 * streaming pass, one page of accounts at a time, turns each bucket series into every day's decayed sum
 * with prefix sums: every decay kind but halfLife is piecewise linear in the (integer) age, so a day's sum
 * over an age range is (α + β·d)·Σw − β·Σw·t from two prefix arrays; halfLife uses scaled prefix sums of
 * w·2^(t/h). The finish is the same as the one-day engine's, so results equal `scoreDay` day by day.
 */
import { CopyBuffer, type Db } from '../store/db';
import { isRateKpi, type Decay, type Model } from '../model/schema';
import {
  coreOf,
  finishDense,
  finishPlan,
  newDenseScore,
  withTopLists,
  type DenseScore,
  type FinishPlan,
  type PastScore as FinishPast,
} from '../scoring/finish';
import { bandOf } from '../scoring/band';
import { personaOf } from '../scoring/committee';
import {
  addDays,
  countedEventsSql,
  daysBetween,
  eachAccountBatch,
  peopleFromRows,
  prepareMultipliers,
  Params,
  setWorkMem,
  type PersonCols,
} from './reduce';
import { clearSnapshots, copySnapshots, readPastRange, SnapshotEncoder } from '../store/snapshots';
import { cmp, settle, toFinishPast, type AccountScore } from './engine';

const FLUSH_ROWS = 10_000;
const YIELD_ACCOUNTS = 16;

/** Resolves after pending I/O callbacks have run. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What the back-fill needs. */
export interface BackfillOptions {
  orgId: string;
  model: Model;
  references: Record<string, number>;
  /** The last day to fill (inclusive). */
  toDay: string;
  /** How many days to fill, ending at toDay (default 90). */
  days?: number;
  /** Called with each filled day's scores instead of writing snapshots (tests, dry runs). */
  onScores?: (day: string, scores: AccountScore[]) => void;
}

/** A linear piece of a decay over an inclusive integer age range: factor = alpha + beta × age. */
interface Piece {
  lo: number;
  hi: number;
  alpha: number;
  beta: number;
}

/** The decay as linear pieces over integer ages within the window, or 'halfLife'. */
export function decayPieces(decay: Decay, windowDays: number): Piece[] | { halfLife: number } {
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
interface Series {
  person: string | null;
  kpi: number;
  t: number[];
  w: number[];
  q: number[];
}

/** Prefix sums of a series for O(log n) range sums. */
class Prefix {
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
function decayedSum(pre: Prefix, d: number, decay: Piece[] | { halfLife: number }, windowDays: number): number {
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

interface BucketRow {
  account_id: string;
  person_id: string | null;
  kpi: number;
  day: string;
  w: number;
  q: number;
}

/**
 * Fills `days` days of snapshots ending at `toDay` (inclusive) for the org and model, replacing what was
 * stored for those days. Runs in one transaction; memory is bounded by one page of accounts.
 */
export async function backfill(db: Db, opts: BackfillOptions): Promise<{ days: number; snapshots: number }> {
  const { orgId, model, references, toDay } = opts;
  const days = opts.days ?? 90;
  const window = model.windowDays;
  const start = addDays(toDay, -(days - 1));
  const from = addDays(start, -(window - 1));
  const trendDays = model.trend.days;
  const decays = model.kpis.map((k) => (isRateKpi(k) || !k.enabled ? null : decayPieces(k.decay, window)));
  return db.transaction(async (tx) => {
    await prepareMultipliers(tx, orgId, model);
    await setWorkMem(tx);
    const p = new Params();
    const counted = countedEventsSql(model, p, orgId, from, toDay);
    const org = p.add(orgId);
    // Daily buckets per (account, person, KPI) stream out of SQL ordered by account, with each person's
    // attributes joined in: no temp table, no index, no per-page lookups.
    const sql = `SELECT b.account_id, b.person_id, b.kpi, b.day::text AS day, b.w, b.q,
        pp.seniority, pp.department, pp.title
      FROM (SELECT account_id, person_id, kpi, day, sum(weighted) AS w, sum(quantity) AS q
            FROM (${counted}) c GROUP BY account_id, person_id, kpi, day) b
      LEFT JOIN people pp ON pp.org_id = ${org} AND pp.id = b.person_id
      ORDER BY b.account_id COLLATE "C", b.person_id COLLATE "C", b.kpi, b.day`;
    if (!opts.onScores) await clearSnapshots(tx, orgId, model.version, start, toDay);
    const dayNames = Array.from({ length: days }, (_, i) => addDays(start, i));
    // Every day of the bucket range by index, so the hot loop never formats dates.
    const rangeDays = Array.from({ length: daysBetween(from, toDay) + 1 }, (_, i) => addDays(from, i));
    const dayIndex = new Map(rangeDays.map((d, i) => [d, i]));
    const dayOffset = daysBetween(from, start);
    let written = 0;
    let sinceYield = 0;
    // Rows go out as COPY text, FLUSH_ROWS at a time, gathered in two buffers: one fills while the
    // other's write is in flight. Writes overlap the next accounts' finish (on Postgres the server inserts
    // on its own core while Node computes); a failed write surfaces at the next flush.
    let pending: Promise<void> = Promise.resolve();
    let buffer = new CopyBuffer();
    let spare = new CopyBuffer();
    const flush = async (): Promise<void> => {
      await pending;
      if (buffer.lines === 0) return;
      const n = buffer.lines;
      pending = copySnapshots(tx, buffer.bytes()).then(() => void (written += n));
      // Awaited at the next flush; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
      [buffer, spare] = [spare, buffer];
      buffer.reset();
    };
    const encoder = new SnapshotEncoder(orgId, model.version);
    const perDay = opts.onScores ? dayNames.map(() => [] as AccountScore[]) : null;
    const plan = finishPlan(model, references);
    const dense = newDenseScore(plan);
    const points = new Float64Array(model.kpis.length);
    const counts = new Float64Array(model.kpis.length);
    // Each filled day's rounded score (NaN: none), for the trend of the day trendDays later.
    const scores = new Float64Array(days);
    // The change drivers of a fully written day need the sub-scores of the day trendDays before it.
    const keepDay = days - 1 - trendDays;
    const kept = new Map<number, Record<string, number>>();
    await eachAccountBatch<BucketRow & PersonCols>(tx, 'pulse_fill', sql, p.values, async (rows) => {
      const people = peopleFromRows(rows);
      const ids = [...new Set(rows.map((x) => x.account_id))];
      const stored = await readPastRange(tx, orgId, model.version, addDays(start, -trendDays), addDays(start, -1), ids);
      let r = 0;
      while (r < rows.length) {
        const accountId = rows[r]!.account_id;
        const series: Series[] = [];
        for (; r < rows.length && rows[r]!.account_id === accountId; r++) {
          const row = rows[r]!;
          let s = series[series.length - 1];
          if (!s || s.person !== row.person_id || s.kpi !== row.kpi) {
            s = { person: row.person_id, kpi: row.kpi, t: [], w: [], q: [] };
            series.push(s);
          }
          s.t.push(dayIndex.get(row.day)!);
          s.w.push(row.w);
          s.q.push(row.q);
        }
        // The one-day engine's summing order (finishInput): person-less first, then by person id, then KPI.
        series.sort(
          (a, b) =>
            (a.person === null ? 0 : 1) - (b.person === null ? 0 : 1) ||
            cmp(a.person ?? '', b.person ?? '') ||
            a.kpi - b.kpi,
        );
        // People, personas and committee slots once per account, not once per day.
        const personIds: string[] = [];
        const personOf = series.map((s) => {
          if (s.person === null) return -1;
          if (personIds[personIds.length - 1] !== s.person) personIds.push(s.person);
          return personIds.length - 1;
        });
        const members = personIds.map((id) => {
          const row = people.get(id);
          const person = {
            seniority: row?.seniority ?? 'unknown',
            department: row?.department ?? 'unknown',
            title: row?.title ?? null,
          };
          const persona = personaOf(model, person)?.key ?? null;
          const slot = persona === null ? -1 : plan.required.findIndex((x) => x.key === persona);
          return { personId: id, points: 0, persona, slot };
        });
        const pres = series.map((s) => {
          const dk = decays[s.kpi];
          return new Prefix(s, dk && !Array.isArray(dk) ? dk.halfLife : null);
        });
        const past = stored.get(accountId);
        scores.fill(NaN);
        kept.clear();
        for (let di = 0; di < days; di++) {
          const d = dayOffset + di;
          points.fill(0);
          counts.fill(0);
          for (const m of members) m.points = 0;
          let last = -1;
          for (let k = 0; k < pres.length; k++) {
            const pre = pres[k]!;
            const i = pre.lower(d - window + 1);
            const j = pre.lower(d + 1);
            if (i >= j) continue;
            const s = pre.s;
            const v = settle(decayedSum(pre, d, decays[s.kpi]!, window));
            points[s.kpi] = points[s.kpi]! + v;
            counts[s.kpi] = counts[s.kpi]! + pre.Q[j]! - pre.Q[i]!;
            const pi = personOf[k]!;
            if (pi >= 0) members[pi]!.points += v;
            if (s.t[j - 1]! > last) last = s.t[j - 1]!;
          }
          if (last < 0) continue;
          const lastActivity = rangeDays[last]!;
          if (!finishDense(plan, { accountId, points, counts, people: members, lastActivity }, dense)) continue;
          scores[di] = dense.score;
          const day = dayNames[di]!;
          if (perDay !== null || di === days - 1) {
            // A fully written day: trend and change drivers against trendDays earlier, top lists.
            const pi = di - trendDays;
            let before: FinishPast | null;
            if (pi >= 0) before = Number.isNaN(scores[pi]!) ? null : { score: scores[pi]!, subscores: kept.get(pi)! };
            else before = toFinishPast(past?.get(rangeDays[d - trendDays] ?? addDays(day, -trendDays)));
            const score = withTopLists(plan, coreOf(plan, accountId, dense, before, lastActivity), members, before);
            if (perDay) perDay[di]!.push(score);
            else buffer.add(encoder.line(day, score));
          } else {
            // History days keep the core (score, band, sub-scores, committee, MQA), encoded straight from
            // the dense finish: no reader looks at top lists or change drivers of older days.
            buffer.add(encoder.historyLine(day, accountId, bandOf(model, dense.score), dense, plan, lastActivity));
          }
          if (perDay !== null || di === keepDay) kept.set(di, subscoresOf(plan, dense));
        }
        // Flush often: a page of accounts × 90 days of rows would otherwise pile up in memory.
        if (buffer.lines >= FLUSH_ROWS) await flush();
        // Let the event loop run between accounts: a write's bytes only reach the database's socket when it
        // does, and the database would otherwise sit idle while a whole page of accounts is finished.
        else if (++sinceYield >= YIELD_ACCOUNTS) {
          sinceYield = 0;
          await yieldToIo();
        }
      }
      if (buffer.lines) await flush();
    });
    await flush();
    await pending;
    if (perDay) perDay.forEach((scores, i) => opts.onScores!(dayNames[i]!, scores));
    // ~90 rows per account just changed: fresh statistics keep the next clear a sequential scan instead of
    // an index walk over the whole heap per day (PGlite has no autovacuum to refresh them).
    if (!perDay) await tx.exec('ANALYZE snapshots');
    return { days, snapshots: written };
  });
}

/** The sub-scores of a dense finish by KPI key, as a past day's change drivers read them. */
function subscoresOf(plan: FinishPlan, dense: DenseScore): Record<string, number> {
  const out: Record<string, number> = {};
  plan.enabled.forEach((e, i) => (out[e.key] = dense.subscores[i]!));
  return out;
}
