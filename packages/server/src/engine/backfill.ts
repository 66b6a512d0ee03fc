/**
 * The history back-fill: the last N days of snapshots without N full passes. Events are reduced once,
 * in SQL, to daily buckets per (account, person, KPI, day) of weighted base points and quantity; then a
 * streaming pass, one page of accounts at a time, turns each bucket series into every day's decayed sum
 * with prefix sums (prefixSums.ts). The finish is the same as the one-day engine's, so results equal
 * `scoreDay` day by day. docs/scoring-performance.md explains the write pipeline.
 */
import { countAccounts } from '../store/accounts';
import { CopyBuffer, type Db } from '../store/db';
import { isRateKpi, type Model } from '../model/schema';
import {
  accountScoreOf,
  finishDense,
  finishPlan,
  newDenseFinish,
  subscoresOf,
  type AccountScore,
  type DenseFinish,
  type FinishPlan,
  type HistoryRow,
} from '../scoring/finish';
import { bandOf } from '../scoring/band';
import { personaOf } from '../scoring/committee';
import { addDays, daysBetween } from '../scoring/days';
import { settle, sumOrder } from '../scoring/sum';
import {
  eachBucketBatch,
  peopleFromRows,
  setWorkMem,
  type BucketRow,
  type PersonCols,
  type PersonRow,
} from '../store/reduction';
import { analyzeSnapshots, clearSnapshots, copySnapshots, readPastRange, SnapshotEncoder } from '../store/snapshots';
import { prepareMultipliers } from './multipliers';
import { decayedSum, decayPieces, Prefix, type DecayPieces, type Series } from './prefixSums';

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
  /**
   * Told how far the fill is after each page of accounts: accounts whose days are all filled, of the
   * org's accounts. The fill goes account by account (every day of one account at once), so accounts are
   * what it can count; accounts with no events in range are counted done at the end. Called inside the
   * transaction: it must not wait on the database.
   */
  onProgress?: (p: BackfillProgress) => void;
}

/** How far a back-fill is. */
export interface BackfillProgress {
  done: number;
  total: number;
}

/** A stored day before the filled range, as the trend of the first filled days reads it. */
type StoredPast = Map<string, Pick<HistoryRow, 'score' | 'subscores'>>;

/**
 * One back-fill run: the days, the model resolved once, the buffers reused for every account and the
 * write pipeline. Rows go out as COPY text, FLUSH_ROWS at a time, gathered in two buffers: one fills while
 * the other's write is in flight. Writes overlap the next accounts' finish (on Postgres the server inserts
 * on its own core while Node computes); a failed write surfaces at the next flush.
 */
interface BackfillState {
  readonly tx: Db;
  readonly orgId: string;
  readonly model: Model;
  readonly plan: FinishPlan;
  readonly window: number;
  readonly trendDays: number;
  /** Each enabled count KPI's decay by model position (null: rate or disabled). */
  readonly decays: (DecayPieces | null)[];
  /** How many days are filled, the first of them, and the first day of the bucket range. */
  readonly days: number;
  readonly start: string;
  readonly from: string;
  readonly dayNames: string[];
  /** Every day of the bucket range by index, so the hot loop never formats dates. */
  readonly rangeDays: string[];
  readonly dayIndex: Map<string, number>;
  /** The index of the first filled day in the bucket range. */
  readonly dayOffset: number;
  /** Each filled day's scores when `onScores` is given (then nothing is written). */
  readonly perDay: AccountScore[][] | null;
  /** The filled day whose sub-scores the last day's change drivers need (trendDays before it). */
  readonly keepDay: number;
  // Reused for every account.
  readonly dense: DenseFinish;
  readonly points: Float64Array;
  readonly counts: Float64Array;
  /** Each filled day's rounded score (NaN: none), for the trend of the day trendDays later. */
  readonly scores: Float64Array;
  readonly kept: Map<number, Record<string, number>>;
  // The write pipeline.
  readonly encoder: SnapshotEncoder;
  buffer: CopyBuffer;
  spare: CopyBuffer;
  /** The one write in flight, awaited at the next flush. */
  pending: Promise<void>;
  written: number;
  sinceYield: number;
}

/** One account of a page, ready for its days: prefix sums per series and its people. */
interface BackfillAccount {
  accountId: string;
  pres: Prefix[];
  /** Per series, the index of its person in `members` (-1: person-less). */
  personOf: number[];
  members: { personId: string; points: number; persona: string | null; slot: number }[];
}

/**
 * Fills `days` days of snapshots ending at `toDay` (inclusive) for the org and model, replacing what was
 * stored for those days. Runs in one transaction; memory is bounded by one page of accounts.
 */
export async function backfill(db: Db, opts: BackfillOptions): Promise<{ days: number; snapshots: number }> {
  const { orgId, model, toDay } = opts;
  return db.transaction(async (tx) => {
    const st = newState(tx, opts);
    await prepareMultipliers(tx, orgId, model);
    await setWorkMem(tx);
    if (!st.perDay) await clearSnapshots(tx, orgId, model.version, st.start, toDay);
    const progress = opts.onProgress;
    const total = progress ? await countAccounts(tx, orgId) : 0;
    let done = 0;
    progress?.({ done, total });
    await eachBucketBatch(tx, orgId, model, st.from, toDay, async (rows) => {
      await fillPage(st, rows);
      if (!progress) return;
      done += new Set(rows.map((r) => r.account_id)).size;
      progress({ done: Math.min(done, total), total });
    });
    await flush(st);
    await st.pending;
    if (st.perDay) st.perDay.forEach((scores, i) => opts.onScores!(st.dayNames[i]!, scores));
    // ~90 rows per account just changed: fresh statistics keep the next clear cheap.
    else await analyzeSnapshots(tx);
    progress?.({ done: total, total });
    return { days: st.days, snapshots: st.written };
  });
}

/** The state of a back-fill run before its first page. */
function newState(tx: Db, opts: BackfillOptions): BackfillState {
  const { model, toDay } = opts;
  const days = opts.days ?? 90;
  const window = model.windowDays;
  const start = addDays(toDay, -(days - 1));
  const from = addDays(start, -(window - 1));
  const rangeDays = Array.from({ length: daysBetween(from, toDay) + 1 }, (_, i) => addDays(from, i));
  const plan = finishPlan(model, opts.references);
  return {
    tx,
    orgId: opts.orgId,
    model,
    plan,
    window,
    trendDays: model.trend.days,
    decays: model.kpis.map((k) => (isRateKpi(k) || !k.enabled ? null : decayPieces(k.decay, window))),
    days,
    start,
    from,
    dayNames: Array.from({ length: days }, (_, i) => addDays(start, i)),
    rangeDays,
    dayIndex: new Map(rangeDays.map((d, i) => [d, i])),
    dayOffset: daysBetween(from, start),
    perDay: opts.onScores ? Array.from({ length: days }, () => [] as AccountScore[]) : null,
    keepDay: days - 1 - model.trend.days,
    dense: newDenseFinish(plan),
    points: new Float64Array(model.kpis.length),
    counts: new Float64Array(model.kpis.length),
    scores: new Float64Array(days),
    kept: new Map(),
    encoder: new SnapshotEncoder(opts.orgId, model.version),
    buffer: new CopyBuffer(),
    spare: new CopyBuffer(),
    pending: Promise.resolve(),
    written: 0,
    sinceYield: 0,
  };
}

/** Fills every day of a page of whole accounts (their buckets in stream order), writing as it goes. */
async function fillPage(st: BackfillState, rows: (BucketRow & PersonCols)[]): Promise<void> {
  const people = peopleFromRows(rows);
  const ids = [...new Set(rows.map((x) => x.account_id))];
  const stored = await readPastRange(
    st.tx,
    st.orgId,
    st.model.version,
    addDays(st.start, -st.trendDays),
    addDays(st.start, -1),
    ids,
  );
  let r = 0;
  while (r < rows.length) {
    const accountId = rows[r]!.account_id;
    const read = seriesOf(st, rows, r);
    r = read.end;
    fillAccount(st, accountOf(st, accountId, read.series, people), stored.get(accountId));
    // Flush often: a page of accounts × 90 days of rows would otherwise pile up in memory.
    if (st.buffer.lines >= FLUSH_ROWS) await flush(st);
    // Let the event loop run between accounts: a write's bytes only reach the database's socket when it
    // does, and the database would otherwise sit idle while a whole page of accounts is finished.
    else if (++st.sinceYield >= YIELD_ACCOUNTS) {
      st.sinceYield = 0;
      await yieldToIo();
    }
  }
  if (st.buffer.lines) await flush(st);
}

/** The bucket series of the account whose rows start at `r`, and where its rows end. */
function seriesOf(st: BackfillState, rows: (BucketRow & PersonCols)[], r: number): { series: Series[]; end: number } {
  const accountId = rows[r]!.account_id;
  const series: Series[] = [];
  for (; r < rows.length && rows[r]!.account_id === accountId; r++) {
    const row = rows[r]!;
    let s = series[series.length - 1];
    if (!s || s.person !== row.person_id || s.kpi !== row.kpi) {
      s = { person: row.person_id, kpi: row.kpi, t: [], w: [], q: [] };
      series.push(s);
    }
    s.t.push(st.dayIndex.get(row.day)!);
    s.w.push(row.w);
    s.q.push(row.q);
  }
  return { series, end: r };
}

/** An account's series in summing order with their prefix sums, and its people, personas and committee slots. */
function accountOf(
  st: BackfillState,
  accountId: string,
  series: Series[],
  people: Map<string, PersonRow>,
): BackfillAccount {
  // The one-day engine's summing order (finishInput): person-less first, then by person id, then KPI.
  series.sort((a, b) => sumOrder(a.person, a.kpi, b.person, b.kpi));
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
    const persona = personaOf(st.model, person)?.key ?? null;
    const slot = persona === null ? -1 : st.plan.required.findIndex((x) => x.key === persona);
    return { personId: id, points: 0, persona, slot };
  });
  const pres = series.map((s) => {
    const dk = st.decays[s.kpi];
    return new Prefix(s, dk && !Array.isArray(dk) ? dk.halfLife : null);
  });
  return { accountId, pres, personOf, members };
}

/** Finishes every filled day of one account and encodes (or collects) each day that has a score. */
function fillAccount(st: BackfillState, acc: BackfillAccount, past: StoredPast | undefined): void {
  const { plan, dense, scores, kept, points, counts } = st;
  scores.fill(NaN);
  kept.clear();
  for (let di = 0; di < st.days; di++) {
    const last = sumDay(st, acc, st.dayOffset + di);
    if (last < 0) continue;
    const lastActivity = st.rangeDays[last]!;
    const input = { accountId: acc.accountId, points, counts, people: acc.members, lastActivity };
    if (!finishDense(plan, input, dense)) continue;
    scores[di] = dense.score;
    encodeDay(st, acc, di, lastActivity, past);
    if (st.perDay !== null || di === st.keepDay) kept.set(di, subscoresOf(plan, dense));
  }
}

/**
 * Sums one day (index `d` of the bucket range) of an account into `st.points`, `st.counts` and the
 * members' points; returns the range index of the newest counted bucket, -1 for none in the window.
 */
function sumDay(st: BackfillState, acc: BackfillAccount, d: number): number {
  const { points, counts, window, decays } = st;
  const { pres, personOf, members } = acc;
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
  return last;
}

/**
 * Encodes the finished day `di` of an account (in `st.dense`). A fully written day (the last, or every
 * day when collecting) gets the trend and change drivers against trendDays earlier and the top lists;
 * history days keep the core (score, band, sub-scores, committee, MQA), encoded straight from the dense
 * finish: no reader looks at top lists or change drivers of older days.
 */
function encodeDay(
  st: BackfillState,
  acc: BackfillAccount,
  di: number,
  lastActivity: string,
  past: StoredPast | undefined,
): void {
  const day = st.dayNames[di]!;
  if (st.perDay === null && di !== st.days - 1) {
    const band = bandOf(st.model, st.dense.score);
    st.buffer.add(st.encoder.historyLine(day, acc.accountId, band, st.dense, st.plan, lastActivity));
    return;
  }
  const pi = di - st.trendDays;
  let before: Pick<HistoryRow, 'score' | 'subscores'> | null;
  if (pi >= 0) before = Number.isNaN(st.scores[pi]!) ? null : { score: st.scores[pi]!, subscores: st.kept.get(pi)! };
  else before = past?.get(st.rangeDays[st.dayOffset + di - st.trendDays] ?? addDays(day, -st.trendDays)) ?? null;
  const score = accountScoreOf(
    st.plan,
    st.dense,
    { accountId: acc.accountId, lastActivity, people: acc.members },
    before,
  );
  if (st.perDay) st.perDay[di]!.push(score);
  else st.buffer.add(st.encoder.line(day, score));
}

/** Hands the filled buffer to COPY (after the write in flight) and goes on filling the other one. */
async function flush(st: BackfillState): Promise<void> {
  await st.pending;
  if (st.buffer.lines === 0) return;
  const n = st.buffer.lines;
  st.pending = copySnapshots(st.tx, st.buffer.bytes()).then(() => void (st.written += n));
  // Awaited at the next flush; until then a failure must not count as unhandled.
  st.pending.catch(() => undefined);
  [st.buffer, st.spare] = [st.spare, st.buffer];
  st.buffer.reset();
}
