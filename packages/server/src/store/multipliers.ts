/**
 * The multiplier temp tables of one scoring transaction: the factor of every person and of person-less
 * events, joined into the SQL reduction (reduction.ts). The rules themselves are TypeScript (the same
 * code the receipt uses), handed in by the engine; this module holds only their SQL.
 */
import type { Db } from './db';
import type { Model } from '../model/schema';
import type { ScoringAccount } from '../scoring/multiplier';
import type { ScoringPerson } from '../scoring/committee';

/** Whether person/account multiplier tables are needed at all. */
export function hasMultipliers(model: Model): boolean {
  return model.multipliers.length > 0;
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

/** A distinct profile as SQL returns it: '\u0001' / -1 stand for "unknown" (see `prepareMultiplierTables`). */
interface SignatureKey {
  seniority: string;
  department: string;
  title: string;
  industry: string;
  employees: number;
}

/** The multiplier factor of a profile: a person against their account, or a person-less event's account. */
export interface MultiplierFactors {
  person(person: ScoringPerson, account: ScoringAccount): number;
  account(account: ScoringAccount): number;
}

/** The SQL key expressions of a profile; an attribute no rule looks at is the same for everyone. */
interface KeyColumns {
  title: string;
  industry: string;
  employees: string;
}

/** A key's sentinel back to "unknown". */
function known<T>(value: T, unknown: T): T | null {
  return value === unknown ? null : value;
}

/**
 * Fills the temp tables `pulse_person_mult(person_id, factor)` and `pulse_account_mult(account_id, factor)`
 * with the multiplier factor of every person of the org (against their own account) and of person-less
 * events (against the account). `factors` (the rule code, in TypeScript) is asked once per distinct
 * profile (only the attributes the rules look at), then spread to people and accounts by a set-based
 * join. Skipped when the model has no rules (factor 1 everywhere).
 */
export async function prepareMultiplierTables(
  tx: Db,
  orgId: string,
  model: Model,
  factors: MultiplierFactors,
): Promise<void> {
  await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS pulse_person_mult (person_id text PRIMARY KEY, factor float8 NOT NULL);
    CREATE TEMP TABLE IF NOT EXISTS pulse_account_mult (account_id text PRIMARY KEY, factor float8 NOT NULL);
    CREATE TEMP TABLE IF NOT EXISTS pulse_sig (seniority text, department text, title text, industry text,
      employees int, factor float8 NOT NULL);
    TRUNCATE pulse_person_mult; TRUNCATE pulse_account_mult; TRUNCATE pulse_sig;`);
  if (!hasMultipliers(model)) return;
  const cols = signatureColumns(model);
  // NULL-safe join keys: '\u0001' / -1 stand for "unknown" and match no real value.
  const keys: KeyColumns = {
    title: cols.title ? `COALESCE(p.title, chr(1))` : `chr(1)`,
    industry: cols.industry ? `COALESCE(a.industry, chr(1))` : `chr(1)`,
    employees: cols.employees ? `COALESCE(a.employees, -1)` : `-1`,
  };
  await fillPersonFactors(tx, orgId, keys, factors);
  await fillAccountFactors(tx, orgId, keys, factors);
  await tx.exec('ANALYZE pulse_person_mult; ANALYZE pulse_account_mult');
}

/** `pulse_person_mult`: each distinct person profile's factor, spread to the org's people. */
async function fillPersonFactors(tx: Db, orgId: string, keys: KeyColumns, factors: MultiplierFactors): Promise<void> {
  const { title, industry, employees } = keys;
  const sigs = await tx.query<SignatureKey>(
    `SELECT DISTINCT p.seniority, p.department, ${title} AS title, ${industry} AS industry, ${employees} AS employees
     FROM people p LEFT JOIN accounts a ON a.org_id = p.org_id AND a.id = p.account_id WHERE p.org_id = $1`,
    [orgId],
  );
  const personFactors = sigs.rows.map((row) => {
    const sig = {
      seniority: row.seniority,
      department: row.department,
      title: known(row.title, '\u0001'),
      industry: known(row.industry, '\u0001'),
      employees: known(row.employees, -1),
    };
    return factors.person({ seniority: sig.seniority, department: sig.department, title: sig.title }, sig);
  });
  await tx.query(
    'INSERT INTO pulse_sig SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::float8[])',
    [
      sigs.rows.map((r) => r.seniority),
      sigs.rows.map((r) => r.department),
      sigs.rows.map((r) => r.title),
      sigs.rows.map((r) => r.industry),
      sigs.rows.map((r) => r.employees),
      personFactors,
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
}

/** `pulse_account_mult`, for person-less events: only account conditions can match. */
async function fillAccountFactors(tx: Db, orgId: string, keys: KeyColumns, factors: MultiplierFactors): Promise<void> {
  const { industry, employees } = keys;
  const accs = await tx.query<Pick<SignatureKey, 'industry' | 'employees'>>(
    `SELECT DISTINCT ${industry} AS industry, ${employees} AS employees FROM accounts a WHERE a.org_id = $1`,
    [orgId],
  );
  const accFactors = accs.rows.map((r) =>
    factors.account({ industry: known(r.industry, '\u0001'), employees: known(r.employees, -1) }),
  );
  await tx.query(
    `INSERT INTO pulse_account_mult
     SELECT a.id, s.f FROM accounts a
     JOIN unnest($2::text[], $3::int[], $4::float8[]) AS s(industry, employees, f)
       ON s.industry = ${industry} AND s.employees = ${employees}
     WHERE a.org_id = $1`,
    [orgId, accs.rows.map((r) => r.industry), accs.rows.map((r) => r.employees), accFactors],
  );
}
