/**
 * The heavy reduction in SQL: events → (account, person, KPI) points for one as-of day, and
 * events → daily (account, person, KPI) buckets for the history back-fill. KPI assignment, base
 * points and decay are SQL CASE expressions built from the model in model order, every model
 * value passed as a `$n` parameter. Multipliers are joined in from the temp tables of
 * multipliers.ts. Everything is per org, set-based, and runs unchanged on PGlite and Postgres.
 * Callers run these inside one transaction: temp tables and cursors live on the transaction's
 * connection and are dropped at commit. The engine (engine/) orchestrates; only SQL lives here.
 */
import type { Db } from './db';
import type { Decay, Model } from '../model/schema';
import { isRateKpi } from '../model/schema';
import { globToLike } from '../scoring/kpi';
import { addDays } from '../scoring/days';
import { hasMultipliers } from './multipliers';

/** Collects positional parameters while SQL text is built, so no value is ever pasted in. */
class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, with an optional cast. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** The SQL CASE giving each event's KPI index (position in model.kpis), first match in model order. */
function kpiCase(model: Model, p: Params): string {
  const arms: string[] = [];
  model.kpis.forEach((kpi, i) => {
    if (isRateKpi(kpi)) return;
    const conds = [`e.type = ANY(${p.add(Object.keys(kpi.activities), 'text[]')})`];
    if (kpi.urls) conds.push(`(e.url IS NOT NULL AND e.url ILIKE ANY(${p.add(kpi.urls.map(globToLike), 'text[]')}))`);
    if (kpi.excludeUrls)
      conds.push(`(e.url IS NULL OR NOT (e.url ILIKE ANY(${p.add(kpi.excludeUrls.map(globToLike), 'text[]')})))`);
    if (kpi.campaignTypes) {
      const types = kpi.campaignTypes.map((t) => t.toLowerCase());
      conds.push(`lower(e.attributes->>'campaignType') = ANY(${p.add(types, 'text[]')})`);
    }
    arms.push(`WHEN ${conds.join(' AND ')} THEN ${i}`);
  });
  return arms.length ? `CASE ${arms.join(' ')} END` : 'NULL::int';
}

/** The SQL CASE giving an event's points per activity from its KPI index and type; NULL for a disabled KPI. */
function pointsCase(model: Model, p: Params): string {
  const arms: string[] = [];
  model.kpis.forEach((kpi, i) => {
    if (isRateKpi(kpi) || !kpi.enabled) return;
    const inner = Object.entries(kpi.activities)
      .map(([type, points]) => `WHEN ${p.add(type, 'text')} THEN ${p.add(points, 'float8')}`)
      .join(' ');
    arms.push(`WHEN ${i} THEN CASE k.type ${inner} END`);
  });
  return arms.length ? `CASE k.kpi ${arms.join(' ')} END` : 'NULL::float8';
}

/** The SQL expression of one decay kind at integer age `age` (0 ≤ age < windowDays is filtered elsewhere). */
function decaySql(decay: Decay, p: Params, age = 'age'): string {
  switch (decay.kind) {
    case 'linear':
      return `GREATEST(0::float8, 1 - ${age}::float8 / ${p.add(decay.lifespanDays, 'float8')})`;
    case 'step':
      return decay.days === undefined
        ? '1::float8'
        : `CASE WHEN ${age} < ${p.add(decay.days, 'float8')} THEN 1::float8 ELSE 0::float8 END`;
    case 'halfLife':
      return `power(0.5::float8, ${age}::float8 / ${p.add(decay.days, 'float8')})`;
    case 'piecewise': {
      const pts = decay.points;
      const arms: string[] = [];
      for (let i = 0; i + 1 < pts.length; i++) {
        const [a0, f0] = pts[i]!;
        const [a1, f1] = pts[i + 1]!;
        const pa0 = p.add(a0, 'float8');
        arms.push(
          `WHEN ${age} < ${p.add(a1, 'float8')} THEN ${p.add(f0, 'float8')} + (${p.add(f1 - f0, 'float8')}) * (${age}::float8 - ${pa0}) / ${p.add(a1 - a0, 'float8')}`,
        );
      }
      // The last point's factor holds at its own age; beyond it, 0 (as decayFactor).
      const [aLast, fLast] = pts[pts.length - 1]!;
      arms.push(`WHEN ${age} = ${p.add(aLast, 'float8')} THEN ${p.add(fLast, 'float8')}`);
      return `CASE ${arms.join(' ')} ELSE 0::float8 END`;
    }
    case 'none':
      return '1::float8';
  }
}

/**
 * The SELECT of counted events between two UTC days (inclusive) with their KPI index, UTC day and
 * weighted base points (base × multiplier): not excluded, in an enabled count KPI, factor > 0.
 * Columns: account_id, person_id, kpi, day, quantity, weighted.
 */
function countedEventsSql(model: Model, p: Params, orgId: string, fromDay: string, toDay: string): string {
  const mult = hasMultipliers(model)
    ? `LEFT JOIN pulse_person_mult pm ON pm.person_id = e.person_id
       LEFT JOIN pulse_account_mult am ON am.account_id = e.account_id`
    : '';
  const factor = hasMultipliers(model)
    ? `CASE WHEN pm.factor IS NOT NULL THEN pm.factor ELSE COALESCE(am.factor, 1::float8) END`
    : '1::float8';
  const org = p.add(orgId);
  const from = p.add(fromDay, 'date');
  const to = p.add(toDay, 'date');
  const kpi = kpiCase(model, p);
  const points = pointsCase(model, p);
  // OFFSET 0 keeps the KPI CASE (with its ILIKEs) evaluated once per event instead of being inlined
  // into every expression that uses it.
  return `SELECT k.account_id, k.person_id, k.kpi, k.day, k.quantity,
      ${points} * k.quantity * k.intent * k.factor AS weighted
    FROM (
      SELECT e.account_id, e.person_id, e.type, e.quantity,
        (e.occurred_at AT TIME ZONE 'UTC')::date AS day,
        CASE WHEN e.type = 'intent' THEN COALESCE(e.strength, 100) / 100 ELSE 1::float8 END AS intent,
        ${factor} AS factor,
        ${kpi} AS kpi
      FROM events e ${mult}
      WHERE e.org_id = ${org} AND e.account_id IS NOT NULL AND e.excluded_reason IS NULL
        AND e.occurred_at >= (${from})::timestamp AT TIME ZONE 'UTC'
        AND e.occurred_at < (${to} + 1)::timestamp AT TIME ZONE 'UTC'
      OFFSET 0
    ) k
    WHERE k.factor > 0 AND ${points} IS NOT NULL`;
}

/** Gives the big aggregations room to hash in memory instead of spilling sorts to disk (this transaction only). */
export async function setWorkMem(tx: Db): Promise<void> {
  await tx.exec(`SET LOCAL work_mem = '${tx.kind === 'postgres' ? '256MB' : '64MB'}'`);
}

/**
 * Reduces the org's events for one as-of day into temp table `pulse_cells(account_id, person_id, kpi,
 * points, n, last_day)`: per (account, person or NULL, KPI) the decayed points P, the counted quantity N
 * and the newest counted day. Fill the multiplier tables first in the same transaction.
 */
export async function reduceDay(tx: Db, orgId: string, model: Model, asOf: string): Promise<void> {
  await setWorkMem(tx);
  const p = new Params();
  const reduce = reduceDaySql(model, p, orgId, asOf);
  await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS pulse_cells (account_id text NOT NULL, person_id text,
      kpi int NOT NULL, points float8 NOT NULL, n float8 NOT NULL, last_day date NOT NULL);
    TRUNCATE pulse_cells;`);
  await tx.query(`INSERT INTO pulse_cells ${reduce}`, p.values);
  await tx.exec('CREATE INDEX IF NOT EXISTS pulse_cells_account ON pulse_cells (account_id); ANALYZE pulse_cells');
}

/**
 * Per KPI index, every account's positive P in `pulse_cells` (what `reduceDay` left), for calibrating
 * "auto" references; drops the cells after.
 */
export async function positivePointsByKpi(tx: Db): Promise<Map<number, number[]>> {
  const r = await tx.query<{ kpi: number; ps: number[] }>(
    `SELECT kpi, array_agg(p) AS ps FROM (
       SELECT account_id, kpi, sum(points) AS p FROM pulse_cells GROUP BY account_id, kpi
     ) t WHERE p > 0 GROUP BY kpi`,
  );
  const byKpi = new Map(r.rows.map((x) => [x.kpi, x.ps.map(Number)]));
  await tx.exec('DROP TABLE IF EXISTS pulse_cells');
  return byKpi;
}

/**
 * The one-day reduction as a SELECT of (account_id, person_id, kpi, points, n, last_day): per (account,
 * person or NULL, KPI) the decayed points P, the counted quantity N and the newest counted day.
 */
function reduceDaySql(model: Model, p: Params, orgId: string, asOf: string): string {
  const from = addDays(asOf, -(model.windowDays - 1));
  const counted = countedEventsSql(model, p, orgId, from, asOf);
  const asOfP = p.add(asOf, 'date');
  const arms: string[] = [];
  model.kpis.forEach((kpi, i) => {
    if (isRateKpi(kpi) || !kpi.enabled) return;
    arms.push(`WHEN ${i} THEN ${decaySql(kpi.decay, p, 'c.age')}`);
  });
  const decay = arms.length ? `CASE c.kpi ${arms.join(' ')} END` : '0::float8';
  return `SELECT c.account_id, c.person_id, c.kpi, sum(c.weighted * ${decay}) AS points, sum(c.quantity) AS n,
       max(c.day) AS last_day
     FROM (SELECT x.*, ${asOfP} - x.day AS age FROM (${counted}) x) c
     GROUP BY c.account_id, c.person_id, c.kpi`;
}

/** A person as the multiplier and committee rules see them. */
export interface PersonRow {
  id: string;
  account_id: string | null;
  seniority: string;
  department: string;
  title: string | null;
}

/** The person columns the account streams carry along (NULL for person-less rows and unknown people). */
export interface PersonCols {
  seniority: string | null;
  department: string | null;
  title: string | null;
}

/**
 * Streams the rows of `sql` (ordered by account first) through a SQL cursor, handing `onBatch` the rows
 * of whole accounts at a time: nothing is materialized in a temp table and memory is bounded by a fetch.
 * Runs inside the caller's transaction.
 */
async function eachAccountBatch<R extends { account_id: string }>(
  tx: Db,
  cursor: string,
  sql: string,
  params: unknown[],
  onBatch: (rows: R[]) => Promise<void>,
  fetch = 20_000,
): Promise<void> {
  // A cursor is planned for its first rows by default; every row is read here, so plan for all of them.
  await tx.exec('SET LOCAL cursor_tuple_fraction = 1.0');
  await tx.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
  const fetchPage = () => {
    const page = tx.query<R>(`FETCH FORWARD ${fetch} FROM ${cursor}`);
    // Awaited below; a failure while the previous page is still being finished must not go unhandled.
    page.catch(() => undefined);
    return page;
  };
  let next = fetchPage();
  let carry: R[] = [];
  for (;;) {
    const rows = (await next).rows;
    const done = rows.length < fetch;
    // The next page is asked for before this one is finished, so the database reads it meanwhile.
    if (!done) next = fetchPage();
    const all = carry.length ? carry.concat(rows) : rows;
    if (done) {
      if (all.length) await onBatch(all);
      break;
    }
    // The last account may go on in the next fetch: hold its rows back.
    const last = all[all.length - 1]!.account_id;
    let cut = all.length;
    while (cut > 0 && all[cut - 1]!.account_id === last) cut--;
    carry = all.slice(cut);
    if (cut > 0) await onBatch(all.slice(0, cut));
  }
  await tx.exec(`CLOSE ${cursor}`);
}

/** People by id from streamed rows that carry the person columns. */
export function peopleFromRows(rows: ({ person_id: string | null } & PersonCols)[]): Map<string, PersonRow> {
  const out = new Map<string, PersonRow>();
  for (const r of rows) {
    if (r.person_id === null || r.seniority === null || out.has(r.person_id)) continue;
    out.set(r.person_id, {
      id: r.person_id,
      account_id: null,
      seniority: r.seniority,
      department: r.department ?? 'unknown',
      title: r.title,
    });
  }
  return out;
}

/** One row of the one-day reduction, as streamed per account. */
export interface CellRow {
  account_id: string;
  person_id: string | null;
  kpi: number;
  points: number;
  n: number;
  last_day: string;
}

/** One bucket of the back-fill stream: an (account, person, KPI, day)'s weighted base points and quantity. */
export interface BucketRow {
  account_id: string;
  person_id: string | null;
  kpi: number;
  day: string;
  w: number;
  q: number;
}

/**
 * Streams the one-day reduction of `asOf` (see `reduceDaySql`) straight out of SQL, ordered by account,
 * with each person's attributes joined in: no temp table, no index, no per-page lookups. `onBatch` gets
 * the cells of whole accounts at a time. Fill the multiplier tables first in the same transaction.
 */
export async function eachDayCellBatch(
  tx: Db,
  orgId: string,
  model: Model,
  asOf: string,
  onBatch: (rows: (CellRow & PersonCols)[]) => Promise<void>,
): Promise<void> {
  const p = new Params();
  const reduce = reduceDaySql(model, p, orgId, asOf);
  const org = p.add(orgId);
  const sql = `SELECT c.account_id, c.person_id, c.kpi, c.points, c.n, c.last_day::text AS last_day,
        pp.seniority, pp.department, pp.title
      FROM (${reduce}) c LEFT JOIN people pp ON pp.org_id = ${org} AND pp.id = c.person_id
      ORDER BY c.account_id COLLATE "C"`;
  await eachAccountBatch<CellRow & PersonCols>(tx, 'pulse_day', sql, p.values, onBatch);
}

/**
 * Streams the daily buckets per (account, person, KPI) of the counted events from `fromDay` to `toDay`
 * (inclusive) straight out of SQL, ordered by account, person (byte order), KPI and day, with each
 * person's attributes joined in. `onBatch` gets the buckets of whole accounts at a time. Fill the
 * multiplier tables first in the same transaction.
 */
export async function eachBucketBatch(
  tx: Db,
  orgId: string,
  model: Model,
  fromDay: string,
  toDay: string,
  onBatch: (rows: (BucketRow & PersonCols)[]) => Promise<void>,
): Promise<void> {
  const p = new Params();
  const counted = countedEventsSql(model, p, orgId, fromDay, toDay);
  const org = p.add(orgId);
  const sql = `SELECT b.account_id, b.person_id, b.kpi, b.day::text AS day, b.w, b.q,
        pp.seniority, pp.department, pp.title
      FROM (SELECT account_id, person_id, kpi, day, sum(weighted) AS w, sum(quantity) AS q
            FROM (${counted}) c GROUP BY account_id, person_id, kpi, day) b
      LEFT JOIN people pp ON pp.org_id = ${org} AND pp.id = b.person_id
      ORDER BY b.account_id COLLATE "C", b.person_id COLLATE "C", b.kpi, b.day`;
  await eachAccountBatch<BucketRow & PersonCols>(tx, 'pulse_fill', sql, p.values, onBatch);
}
