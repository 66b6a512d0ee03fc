import { join } from 'node:path';
import type { z } from 'zod';
import type { Db } from '../../store/db';
import { ValidationError } from '../../errors';
import { ACTIVITY_TYPES, isRateKpi, type Model } from '../../model/schema';
import { personAttributes } from '../../identity/title';
import {
  DomainIndex,
  matchAccountByDomain,
  matchAccountByHost,
  normalizeDomain,
  type AccountCandidate,
} from '../../identity/domain';
import { ensureOrg } from '../../store/orgs';
import { listAccountDomains, upsertAccounts, type AccountRecord } from '../../store/accounts';
import { upsertPeople, type PersonRecord } from '../../store/people';
import { copyNewEvents, hasSourceEvents, upsertEvents, type EventRecord } from '../../store/events';
import { listPersonAccounts } from '../../store/resolution';
import { upsertCsvOpportunities, type CsvOpportunity } from '../../store/opportunities';
import { csvPath, readCsv } from './read';
import { IssueLog } from './issues';
import {
  KNOWN_COLUMNS,
  REQUIRED_COLUMNS,
  accountRowSchema,
  eventRowSchema,
  opportunityRowSchema,
  parseValidEventRow,
  personRowSchema,
} from './rows';

/** The source name CSV events are stored under. */
export const CSV_SOURCE = 'csv';

export { MAX_ISSUES } from './issues';

/** Reading order of the report: file, then line (reference checks run after parsing). */
const FILE_ORDER = ['accounts.csv', 'people.csv', 'opportunities.csv', 'events.csv'];
function readingOrder(path: string): number {
  const m = /^(\S+) line (\d+)/.exec(path);
  return m ? FILE_ORDER.indexOf(m[1] ?? '') * 1e9 + Number(m[2]) : 0;
}

export interface CsvLoadOptions {
  orgId: string;
  /** The scoring day: events on a later UTC date are rejected as "in the future". */
  asOf: string;
  /** Event types must be standard activity types or types this model's KPIs declare. */
  model: Model;
  /**
   * Keep events after `asOf` instead of rejecting them (a backtest's export runs past its as-of days;
   * the engine counts, for each day, only events on or before it).
   */
  laterEvents?: boolean;
  /** Also load `opportunities.csv` (required then): the outcomes a backtest measures the score against. */
  opportunities?: boolean;
}

/** What a load stored. */
export interface CsvLoadSummary {
  accounts: number;
  people: number;
  /** People without an accountId that were matched to an account by email domain. */
  peopleMatched: number;
  events: number;
  /** Events with no resolvable account (stored, but they count for no account). */
  eventsUnresolved: number;
  /** Opportunities loaded (0 unless asked for). */
  opportunities: number;
}

/** Activity types a model accepts: the standard vocabulary plus every type a KPI counts. */
export function knownEventTypes(model: Model): Set<string> {
  const types = new Set<string>(ACTIVITY_TYPES);
  for (const k of model.kpis) if (!isRateKpi(k)) for (const t of Object.keys(k.activities)) types.add(t);
  return types;
}

const KNOWN_SETS = new Map<readonly string[], Set<string>>(Object.values(KNOWN_COLUMNS).map((k) => [k, new Set(k)]));

function extras(values: Record<string, string>, known: readonly string[]): Record<string, string> {
  const names = KNOWN_SETS.get(known) ?? new Set(known);
  const out: Record<string, string> = {};
  for (const k in values) if (!names.has(k) && values[k] !== '') out[k] = values[k]!;
  return out;
}

/**
 * Streams one file's rows through its schema: duplicate ids and schema problems become issues, every
 * valid row goes to `onRow` as soon as it is read (`fast`, when given, parses a valid row more cheaply
 * than the schema; the schema still says what is wrong with any other). Returns every id seen with its
 * line (invalid rows included, so references to them don't add a second, misleading issue).
 */
async function eachRow<S extends z.ZodTypeAny>(
  dir: string,
  file: 'accounts' | 'people' | 'events' | 'opportunities',
  schema: S,
  issues: IssueLog,
  onRow: (r: { line: number; row: z.output<S>; extra: Record<string, string> }) => Promise<void> | void,
  fast?: (values: Record<string, string>) => z.output<S> | null,
): Promise<ReadonlyMap<string, number>> {
  const name = `${file}.csv`;
  const seen = new Map<string, number>();
  for await (const { line, values } of readCsv(join(dir, name), name, REQUIRED_COLUMNS[file], issues)) {
    const rawId = (values.id ?? '').trim();
    const first = rawId === '' ? undefined : seen.get(rawId);
    if (first !== undefined) {
      issues.push({ path: csvPath(name, line, 'id'), message: `duplicate id "${rawId}" (first on line ${first})` });
      continue;
    }
    if (rawId !== '') seen.set(rawId, line);
    let row = fast?.(values) ?? null;
    if (row === null) {
      const r = schema.safeParse(values);
      if (!r.success) {
        for (const i of r.error.issues) {
          issues.push({ path: csvPath(name, line, String(i.path[0] ?? '')), message: i.message });
        }
        continue;
      }
      row = r.data as z.output<S>;
    }
    await onRow({ line, row, extra: extras(values, KNOWN_COLUMNS[file]) });
  }
  return seen;
}

/** Accounts and people are small next to events: they are read whole (matching needs all of them). */
async function readRows<S extends z.ZodTypeAny>(
  dir: string,
  file: 'accounts' | 'people' | 'opportunities',
  schema: S,
  issues: IssueLog,
): Promise<{ rows: { line: number; row: z.output<S>; extra: Record<string, string> }[]; ids: Set<string> }> {
  const rows: { line: number; row: z.output<S>; extra: Record<string, string> }[] = [];
  const ids = await eachRow(dir, file, schema, issues, (r) => void rows.push(r));
  return { rows, ids: new Set(ids.keys()) };
}

/** Events stored per round trip while events.csv streams in. */
const EVENT_BATCH = 20_000;

/**
 * Loads `accounts.csv`, `people.csv` and `events.csv` (and, when asked, `opportunities.csv`) from DIR
 * into one org (source "csv").
 * Every row is validated first and ALL problems are reported together in one ValidationError
 * naming file, line and column; nothing is stored unless the whole set is valid, and then it is
 * stored in one transaction. Idempotent: loading the same files again leaves the store unchanged.
 * People with an empty accountId are matched by email domain; events resolve their account from
 * the explicit accountId, else the person's account, else their domain.
 */
export async function loadCsvDir(db: Db, dir: string, opts: CsvLoadOptions): Promise<CsvLoadSummary> {
  // Only the first MAX_ISSUES problems are kept (the rest are counted), so a file of bad rows stays small in memory.
  const issues = new IssueLog((i) => readingOrder(i.path));
  const { rows: accountRows, ids: accountIdsInFile } = await readRows(dir, 'accounts', accountRowSchema, issues);
  const { rows: personRows, ids: personIdsInFile } = await readRows(dir, 'people', personRowSchema, issues);

  // Accounts already in the org may be referenced too (a second load, or another source).
  const stored = await listAccountDomains(db, opts.orgId);
  const accountIds = new Set<string>([...stored.map((a) => a.accountId), ...accountIdsInFile]);

  const accounts: AccountRecord[] = accountRows.map(({ row, extra }) => ({
    id: row.id,
    name: row.name,
    domain: normalizeDomain(row.domain) ?? row.domain,
    industry: row.industry ?? null,
    employees: row.employees ?? null,
    ownerId: row.ownerId ?? null,
    ownerName: row.ownerName ?? null,
    parentId: row.parentId ?? null,
    attributes: extra,
  }));

  // Contact counts for the most-contacts tie-break come from this file's explicit links only,
  // so a second load (when matched people are already stored) picks the same accounts.
  const contactCount = new Map<string, number>();
  for (const { row } of personRows) {
    if (row.accountId) contactCount.set(row.accountId, (contactCount.get(row.accountId) ?? 0) + 1);
  }
  const byId = new Map<string, AccountCandidate>();
  for (const a of stored) byId.set(a.accountId, { ...a, contactCount: 0 });
  for (const a of accounts) byId.set(a.id, { accountId: a.id, name: a.name, domain: a.domain, contactCount: 0 });
  const candidates = new DomainIndex(
    [...byId.values()].map((c) => ({ ...c, contactCount: contactCount.get(c.accountId) ?? 0 })),
  );

  const people: PersonRecord[] = [];
  let peopleMatched = 0;
  for (const { line, row, extra } of personRows) {
    if (row.accountId && !accountIds.has(row.accountId)) {
      issues.push({ path: csvPath('people.csv', line, 'accountId'), message: `unknown account "${row.accountId}"` });
      continue;
    }
    const match = row.accountId ? null : matchAccountByDomain(candidates, row.email, row.company ?? null);
    if (match) peopleMatched++;
    const { seniority, department } = personAttributes(row.title, row.department);
    people.push({
      id: row.id,
      kind: row.kind ?? 'contact',
      accountId: row.accountId ?? match?.accountId ?? null,
      email: row.email?.toLowerCase() ?? null,
      name: row.name,
      title: row.title,
      departmentExplicit: row.department,
      seniority,
      department,
      matchMethod: row.accountId ? 'explicit' : (match?.method ?? null),
      matchConfidence: row.accountId ? 1 : (match?.confidence ?? null),
      attributes: row.company ? { ...extra, company: row.company } : extra,
    });
  }
  const personAccount = new Map<string, string | null>(people.map((p) => [p.id, p.accountId]));
  for (const [id, accountId] of await listPersonAccounts(db, opts.orgId))
    if (!personAccount.has(id)) personAccount.set(id, accountId);

  const opportunities: CsvOpportunity[] = [];
  if (opts.opportunities) {
    const { rows } = await readRows(dir, 'opportunities', opportunityRowSchema, issues);
    for (const { line, row } of rows) {
      if (!accountIds.has(row.accountId)) {
        issues.push({
          path: csvPath('opportunities.csv', line, 'accountId'),
          message: `unknown account "${row.accountId}"`,
        });
        continue;
      }
      opportunities.push({
        id: row.id,
        accountId: row.accountId,
        createdAt: row.createdAt,
        closedAt: row.closedAt ?? null,
        stage: row.stage ?? null,
        amount: row.amount ?? null,
        isWon: row.isWon ?? false,
        type: row.type ?? null,
      });
    }
  }

  const types = knownEventTypes(opts.model);
  const endOfAsOf = Date.parse(`${opts.asOf}T00:00:00Z`) + 86_400_000;
  let events = 0;
  let eventsUnresolved = 0;
  // Events stream into the store in batches while events.csv is read, inside one transaction: memory
  // stays bounded by a batch, and any problem found (here or earlier) rolls everything back.
  await db.transaction(async (tx) => {
    if (issues.count === 0) {
      await ensureOrg(tx, opts.orgId);
      await upsertAccounts(tx, opts.orgId, accounts);
      await upsertPeople(tx, opts.orgId, people);
      await upsertCsvOpportunities(tx, opts.orgId, opportunities);
    }
    // A first load of the org's CSV events appends them by COPY (ids are unique in the file); a reload upserts.
    const fresh = !(await hasSourceEvents(tx, opts.orgId, CSV_SOURCE));
    // One write in flight while the next batch is read and checked (the database stores while Node
    // parses); a failed write surfaces at the next batch or at the end.
    let pending: Promise<unknown> = Promise.resolve();
    const store = async (events: EventRecord[]) => {
      await pending;
      pending = fresh ? copyNewEvents(tx, opts.orgId, events) : upsertEvents(tx, opts.orgId, events);
      pending.catch(() => undefined);
    };
    let batch: EventRecord[] = [];
    await eachRow(
      dir,
      'events',
      eventRowSchema,
      issues,
      async ({ line, row, extra }) => {
        const at = (column: string) => csvPath('events.csv', line, column);
        const before = issues.count;
        if (!types.has(row.type)) {
          issues.push({
            path: at('type'),
            message: `unknown event type "${row.type}" (known: standard activity types and types model ${opts.model.version} counts)`,
          });
        }
        if (!opts.laterEvents && row.occurredAt.getTime() >= endOfAsOf) {
          issues.push({
            path: at('occurredAt'),
            message: `${row.occurredAt.toISOString()} is in the future (after the as-of date ${opts.asOf})`,
          });
        }
        if (!row.personId && !row.accountId && !row.domain) {
          issues.push({ path: at('personId'), message: 'an event needs a personId, accountId or domain' });
        }
        if (row.personId && !personAccount.has(row.personId) && !personIdsInFile.has(row.personId)) {
          issues.push({ path: at('personId'), message: `unknown person "${row.personId}"` });
        }
        if (row.accountId && !accountIds.has(row.accountId)) {
          issues.push({ path: at('accountId'), message: `unknown account "${row.accountId}"` });
        }
        if (issues.count > before) return;
        const domain = normalizeDomain(row.domain ?? null);
        const accountId =
          row.accountId ??
          (row.personId ? (personAccount.get(row.personId) ?? null) : null) ??
          (domain ? (matchAccountByHost(candidates, domain)?.accountId ?? null) : null);
        if (!accountId) eventsUnresolved++;
        events++;
        // Once anything is wrong nothing will be stored: keep validating, stop writing.
        if (issues.count > 0) return;
        const attributes: Record<string, unknown> = { ...extra };
        if (row.campaignType) attributes.campaignType = row.campaignType;
        batch.push({
          source: CSV_SOURCE,
          sourceId: row.id,
          type: row.type,
          occurredAt: row.occurredAt,
          personId: row.personId ?? null,
          accountId,
          domain: domain ?? row.domain ?? null,
          url: row.url ?? null,
          quantity: row.quantity ?? 1,
          strength: row.strength ?? null,
          attributes,
          excludedReason: row.excludedReason ?? null,
        });
        if (batch.length >= EVENT_BATCH) {
          await store(batch);
          batch = [];
        }
      },
      parseValidEventRow,
    );

    if (issues.count > 0) {
      await pending.catch(() => undefined);
      throw new ValidationError(`CSV data in ${dir}`, issues.report(), { file: dir });
    }
    await store(batch);
    await pending;
  });
  return {
    accounts: accounts.length,
    people: people.length,
    peopleMatched,
    events,
    eventsUnresolved,
    opportunities: opportunities.length,
  };
}
