/**
 * The heavy reduction in SQL: events → (account, person, KPI) points for one as-of day, and
 * events → daily (account, person, KPI) buckets for the history back-fill. KPI assignment, base
 * points and decay are SQL CASE expressions built from the model in model order, every model
 * value passed as a `$n` parameter. Multipliers are evaluated in TypeScript (the same rule code
 * the receipt uses) and joined in from temp tables. Everything is per org, set-based, and runs
 * unchanged on PGlite and Postgres. Callers run these inside one transaction: temp tables live
 * on the transaction's connection and are dropped at commit.
 */
import type { Db } from '../store/db';
import type { Decay, Model } from '../model/schema';
import { isRateKpi } from '../model/schema';
import { globToLike } from '../scoring/kpi';
import { multiplier, type ScoringAccount } from '../scoring/multiplier';
import type { ScoringPerson } from '../scoring/committee';

/** Collects positional parameters while SQL text is built, so no value is ever pasted in. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, with an optional cast. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** One day as 'YYYY-MM-DD' plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both 'YYYY-MM-DD'). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
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
export function decaySql(decay: Decay, p: Params, age = 'age'): string {
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

/** Whether person/account multiplier tables are needed at all. */
function hasMultipliers(model: Model): boolean {
  return model.multipliers.length > 0;
}

/** A person as the multiplier and committee rules see them. */
export interface PersonRow {
  id: string;
  account_id: string | null;
  seniority: string;
  department: string;
  title: string | null;
}

/** An account as the multiplier rules see it. */
export interface AccountRow {
  id: string;
  industry: string | null;
  employees: number | null;
}

/** Which attributes the model's rules and personas look at, so equal profiles are evaluated once. */
function signatureColumns(model: Model): { title: boolean; industry: boolean; employees: boolean } {
  const whens = [...model.multipliers.map((r) => r.when), ...model.committee.personas.map((p) => p.when)];
  const usesPersona = model.multipliers.some((r) => r.when.persona !== undefined);
  return {
    title:
      whens.some((w) => w.titleMatches !== undefined) &&
      (usesPersona || model.multipliers.some((r) => r.when.titleMatches !== undefined)),
    industry: model.multipliers.some((r) => r.when.accountIndustry !== undefined),
    employees: model.multipliers.some(
      (r) => r.when.accountMinEmployees !== undefined || r.when.accountMaxEmployees !== undefined,
    ),
  };
}

interface Signature {
  seniority: string;
  department: string;
  title: string | null;
  industry: string | null;
  employees: number | null;
}

/**
 * Fills the temp tables `pulse_person_mult(person_id, factor)` and `pulse_account_mult(account_id, factor)`
 * with the multiplier factor of every person of the org (against their own account) and of person-less
 * events (against the account). Rules are evaluated in TypeScript once per distinct profile (only the
 * attributes the rules look at), then spread to people and accounts by a set-based join. Skipped when the
 * model has no rules (factor 1 everywhere).
 */
export async function prepareMultipliers(tx: Db, orgId: string, model: Model): Promise<void> {
  await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS pulse_person_mult (person_id text PRIMARY KEY, factor float8 NOT NULL);
    CREATE TEMP TABLE IF NOT EXISTS pulse_account_mult (account_id text PRIMARY KEY, factor float8 NOT NULL);
    CREATE TEMP TABLE IF NOT EXISTS pulse_sig (seniority text, department text, title text, industry text,
      employees int, factor float8 NOT NULL);
    TRUNCATE pulse_person_mult; TRUNCATE pulse_account_mult; TRUNCATE pulse_sig;`);
  if (!hasMultipliers(model)) return;
  const cols = signatureColumns(model);
  // NULL-safe join keys: '\u0001' / -1 stand for "unknown" and match no real value.
  const title = cols.title ? `COALESCE(p.title, chr(1))` : `chr(1)`;
  const industry = cols.industry ? `COALESCE(a.industry, chr(1))` : `chr(1)`;
  const employees = cols.employees ? `COALESCE(a.employees, -1)` : `-1`;
  const sigs = await tx.query<{
    seniority: string;
    department: string;
    title: string;
    industry: string;
    employees: number;
  }>(
    `SELECT DISTINCT p.seniority, p.department, ${title} AS title, ${industry} AS industry, ${employees} AS employees
     FROM people p LEFT JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id WHERE p.org_id = $1`,
    [orgId],
  );
  const fromKey = (sig: {
    seniority: string;
    department: string;
    title: string;
    industry: string;
    employees: number;
  }): Signature => ({
    seniority: sig.seniority,
    department: sig.department,
    title: sig.title === '\u0001' ? null : sig.title,
    industry: sig.industry === '\u0001' ? null : sig.industry,
    employees: sig.employees === -1 ? null : sig.employees,
  });
  const factors = sigs.rows.map((row) => {
    const sig = fromKey(row);
    return multiplier(model, { seniority: sig.seniority, department: sig.department, title: sig.title }, sig).factor;
  });
  await tx.query(
    'INSERT INTO pulse_sig SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::float8[])',
    [
      sigs.rows.map((r) => r.seniority),
      sigs.rows.map((r) => r.department),
      sigs.rows.map((r) => r.title),
      sigs.rows.map((r) => r.industry),
      sigs.rows.map((r) => r.employees),
      factors,
    ],
  );
  await tx.query(
    `INSERT INTO pulse_person_mult
     SELECT p.id, s.factor FROM people p LEFT JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id
     JOIN pulse_sig s ON s.seniority = p.seniority AND s.department = p.department AND s.title = ${title}
       AND s.industry = ${industry} AND s.employees = ${employees}
     WHERE p.org_id = $1`,
    [orgId],
  );
  // Person-less events: only account conditions can match.
  const accs = await tx.query<{ industry: string; employees: number }>(
    `SELECT DISTINCT ${industry} AS industry, ${employees} AS employees FROM accounts a WHERE a.org_id = $1`,
    [orgId],
  );
  const accFactors = accs.rows.map(
    (r) =>
      multiplier(model, null, {
        industry: r.industry === '\u0001' ? null : r.industry,
        employees: r.employees === -1 ? null : r.employees,
      }).factor,
  );
  await tx.query(
    `INSERT INTO pulse_account_mult
     SELECT a.id, s.f FROM accounts a
     JOIN unnest($2::text[], $3::int[], $4::float8[]) AS s(industry, employees, f)
       ON s.industry = ${industry} AND s.employees = ${employees}
     WHERE a.org_id = $1`,
    [orgId, accs.rows.map((r) => r.industry), accs.rows.map((r) => r.employees), accFactors],
  );
  await tx.exec('ANALYZE pulse_person_mult; ANALYZE pulse_account_mult');
}

/** The person shape A's multiplier/committee code takes. */
export function toPerson(p: PersonRow): ScoringPerson {
  return { seniority: p.seniority, department: p.department, title: p.title };
}

/** The account shape A's multiplier code takes. */
export function toAccount(a: AccountRow): ScoringAccount {
  return { industry: a.industry, employees: a.employees };
}

/**
 * The SELECT of counted events between two UTC days (inclusive) with their KPI index, UTC day and
 * weighted base points (base × multiplier): not excluded, in an enabled count KPI, factor > 0.
 * Columns: account_id, person_id, kpi, day, quantity, weighted.
 */
export function countedEventsSql(model: Model, p: Params, orgId: string, fromDay: string, toDay: string): string {
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
 * and the newest counted day. Call `prepareMultipliers` first in the same transaction.
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
 * The one-day reduction as a SELECT of (account_id, person_id, kpi, points, n, last_day): per (account,
 * person or NULL, KPI) the decayed points P, the counted quantity N and the newest counted day.
 */
export function reduceDaySql(model: Model, p: Params, orgId: string, asOf: string): string {
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
export async function eachAccountBatch<R extends { account_id: string }>(
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
