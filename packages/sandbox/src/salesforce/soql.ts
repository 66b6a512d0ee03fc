/**
 * The emulator's SOQL engine: parse with @jetstreamapp/soql-parser-js, check names against the
 * schema, evaluate over the in-memory org, shape rows as the REST API does.
 * SOQL reference: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 * Anything outside the supported subset answers MALFORMED_QUERY rather than a wrong result.
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import type { Query, WhereClause, FieldType as ParsedField } from '@jetstreamapp/soql-parser-js';
import { dateLiteralRange, dateTimeToMs, dateToMs } from './soql-dates';
import { isValidId, toId18 } from './ids';

/** A field as the SOQL engine needs it (structurally a subset of schema.ts's FieldDef). */
export interface SoqlFieldDef {
  name: string;
  type: string;
  referenceTo?: string[];
  relationshipName?: string;
}

/** An object as the SOQL engine needs it (structurally a subset of schema.ts's ObjectDef). */
export interface SoqlObjectDef {
  name: string;
  keyPrefix: string;
  fields: SoqlFieldDef[];
}

/** A stored record: API name → value. */
export type SfValue = string | number | boolean | null;
export type SfRecord = Record<string, SfValue | undefined>;

/** What the engine reads from the org store (OrgStore satisfies it). */
export interface SoqlStore {
  all(object: string, opts?: { includeDeleted?: boolean }): Iterable<SfRecord>;
  get(object: string, id: string, opts?: { includeDeleted?: boolean }): SfRecord | undefined;
}

/** A row shaped like the REST API's JSON. */
export interface ShapedRecord {
  attributes: { type: string; url?: string };
  [field: string]: unknown;
}

/** A SOQL failure in Salesforce's vocabulary (errorCode + message), HTTP 400. */
export class SoqlError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = errorCode;
  }
}

/** Options for compiling and running a query. */
export interface QueryOptions {
  /** queryAll: include rows with IsDeleted = true. */
  includeDeleted?: boolean;
  /** The instant date literals are resolved against (default: the wall clock). */
  now?: Date | (() => Date);
  /** API version echoed in attributes.url, e.g. '62.0'. */
  version?: string;
  /** Object definitions; defaults to the store's `schema`/`objects` when it has one. */
  schema?: readonly SoqlObjectDef[];
  /** Bulk 2.0 query: reject what Bulk rejects (OFFSET, COUNT, TYPEOF, …). */
  bulk?: boolean;
  /** Rows of the FROM object the user may see (sharing, archived activity); default all. */
  visible?: (object: string, rec: SfRecord) => boolean;
}

/** One selected column: a path of relationship hops and the final field. */
export interface Column {
  /** Header as Bulk CSV writes it and as SELECT spelled it canonically, e.g. 'Account.Name'. */
  name: string;
  /** Canonical relationship names, e.g. ['Account'] or ['Who']. */
  relationships: string[];
  /** Canonical field name on the final object ('Type' on a polymorphic hop). */
  field: string;
  /** Field type of the final field ('string' for polymorphic pseudo-fields other than Id). */
  type: string;
  /** Reads the (raw) value of this column for a base record. */
  get(record: SfRecord): SfValue;
}

/** A compiled, evaluable query. */
export interface CompiledQuery {
  object: string;
  columns: Column[];
  /** SELECT COUNT(): the answer is the count only. */
  countOnly: boolean;
  /** SELECT COUNT(Id|field) [alias]: one AggregateResult row. */
  countField?: { alias: string; column?: Column };
}

/** A query's answer: the matching rows (by reference), shaped lazily. */
export interface QueryResult {
  object: string;
  totalSize: number;
  columns: Column[];
  /** Shaped REST rows, lazily. Empty for COUNT(). */
  records: Iterable<ShapedRecord>;
  /** Shaped rows [offset, offset + count). */
  page(offset: number, count: number): ShapedRecord[];
  /** Raw values per column for rows [offset, offset + count) (for Bulk CSV). */
  rawRows(offset: number, count: number): SfValue[][];
  /** Whether this was SELECT COUNT(). */
  countOnly: boolean;
}

const POLY_FIELDS: Record<string, string> = {
  id: 'Id',
  name: 'Name',
  type: 'Type',
  firstname: 'FirstName',
  lastname: 'LastName',
  alias: 'Alias',
  email: 'Email',
  title: 'Title',
  phone: 'Phone',
  isactive: 'IsActive',
  username: 'Username',
};

const STRING_TYPES = new Set(['string', 'textarea', 'picklist', 'email', 'url', 'phone', 'multipicklist', 'combobox']);
const NUMBER_TYPES = new Set(['double', 'int', 'currency', 'percent', 'long']);
const MAX_OFFSET = 2000;

interface ObjectIndex {
  def: SoqlObjectDef;
  fields: Map<string, SoqlFieldDef>;
  relationships: Map<string, SoqlFieldDef>;
}

interface SchemaIndex {
  objects: Map<string, ObjectIndex>;
  byPrefix: Map<string, string>;
}

function indexSchema(schema: readonly SoqlObjectDef[]): SchemaIndex {
  // Re-indexed per query: custom fields may be added to the schema at any time, and it is tiny.
  const objects = new Map<string, ObjectIndex>();
  const byPrefix = new Map<string, string>();
  for (const def of schema) {
    const fields = new Map<string, SoqlFieldDef>();
    const relationships = new Map<string, SoqlFieldDef>();
    for (const f of def.fields) {
      fields.set(f.name.toLowerCase(), f);
      if (f.relationshipName) relationships.set(f.relationshipName.toLowerCase(), f);
    }
    objects.set(def.name.toLowerCase(), { def, fields, relationships });
    byPrefix.set(def.keyPrefix, def.name);
  }
  return { objects, byPrefix };
}

function schemaOf(store: SoqlStore, opts: QueryOptions): readonly SoqlObjectDef[] {
  if (opts.schema) return opts.schema;
  const s = (store as unknown as { schema?: { objects?: unknown } }).schema;
  if (Array.isArray(s)) return s as SoqlObjectDef[];
  if (s && typeof s.objects === 'function') return (s.objects as () => SoqlObjectDef[])();
  throw new Error('SOQL engine needs object definitions: pass opts.schema');
}

function nowOf(opts: QueryOptions): Date {
  return typeof opts.now === 'function' ? opts.now() : (opts.now ?? new Date());
}

function malformed(message: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', message);
}

function caretMessage(soql: string, needle: string, text: string): string {
  const pos = Math.max(0, soql.toLowerCase().indexOf(needle.toLowerCase()));
  return `\n${soql}\n${' '.repeat(pos)}^\nERROR at Row:1:Column:${pos + 1}\n${text}`;
}

function noSuchColumn(soql: string, field: string, object: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    caretMessage(
      soql,
      field,
      `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

function badRelationship(soql: string, rel: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    caretMessage(
      soql,
      rel,
      `Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

/** Resolves `Account.Owner.Name` style paths against the schema and the store. */
class Resolver {
  constructor(
    readonly soql: string,
    readonly schema: SchemaIndex,
    readonly store: SoqlStore,
  ) {}

  object(name: string): ObjectIndex {
    const o = this.schema.objects.get(name.toLowerCase());
    if (!o) {
      throw new SoqlError(
        'INVALID_TYPE',
        caretMessage(
          this.soql,
          name,
          `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
        ),
      );
    }
    return o;
  }

  objectForId(id: string): string | undefined {
    return this.schema.byPrefix.get(id.slice(0, 3));
  }

  /** Compiles a dotted path (relationships + field) on `base` into a Column. */
  column(base: ObjectIndex, path: string[]): Column {
    const relationships: string[] = [];
    const hops: Array<(r: SfRecord) => SfRecord | undefined> = [];
    let obj: ObjectIndex | undefined = base;
    let polymorphic = false;
    let hopType = '';
    for (let i = 0; i < path.length - 1; i++) {
      const relName = path[i] ?? '';
      if (!obj || polymorphic) throw badRelationship(this.soql, relName);
      const ref = obj.relationships.get(relName.toLowerCase());
      if (!ref) throw badRelationship(this.soql, relName);
      relationships.push(ref.relationshipName ?? relName);
      const targets = ref.referenceTo ?? [];
      const refField = ref.name;
      if (targets.length === 1) {
        const target = this.object(targets[0] ?? '');
        const targetName = target.def.name;
        hops.push((r) => {
          const id = r[refField];
          return typeof id === 'string' ? this.store.get(targetName, id, { includeDeleted: true }) : undefined;
        });
        obj = target;
      } else {
        hops.push((r) => {
          const id = r[refField];
          if (typeof id !== 'string') return undefined;
          const type = this.objectForId(id);
          const rec = type ? this.store.get(type, id, { includeDeleted: true }) : undefined;
          // Evaluation is synchronous, so the concrete type of the last polymorphic hop can ride in a closure.
          hopType = type ?? '';
          return rec;
        });
        obj = undefined;
        polymorphic = true;
      }
    }
    const last = path[path.length - 1] ?? '';
    let field: string;
    let type: string;
    if (polymorphic) {
      const canon = POLY_FIELDS[last.toLowerCase()];
      if (!canon) throw noSuchColumn(this.soql, last, 'Name');
      field = canon;
      type = canon === 'Id' ? 'id' : canon === 'IsActive' ? 'boolean' : 'string';
    } else {
      const def = (obj as ObjectIndex).fields.get(last.toLowerCase());
      if (!def) throw noSuchColumn(this.soql, last, (obj as ObjectIndex).def.name);
      field = def.name;
      type = def.type;
    }
    const pv = polyValue(field);
    const read = polymorphic ? (r: SfRecord): SfValue => pv(r, hopType) : (r: SfRecord): SfValue => r[field] ?? null;
    const get =
      hops.length === 0
        ? read
        : (r: SfRecord): SfValue => {
            let cur: SfRecord | undefined = r;
            for (const hop of hops) {
              cur = hop(cur);
              if (!cur) return null;
            }
            return read(cur);
          };
    return { name: [...relationships, field].join('.'), relationships, field, type, get };
  }

  /** The related record at the end of `relationships` (for nesting shaped rows). */
  related(base: ObjectIndex, relationships: string[]): (r: SfRecord) => { type: string; rec: SfRecord } | null {
    const hops: Array<(r: SfRecord) => { type: string; rec: SfRecord } | null> = [];
    let obj: ObjectIndex | undefined = base;
    for (const relName of relationships) {
      const ref: SoqlFieldDef | undefined = obj?.relationships.get(relName.toLowerCase());
      if (!ref) return () => null;
      const refField = ref.name;
      const targets: string[] = ref.referenceTo ?? [];
      const fixed: string | undefined = targets.length === 1 ? this.object(targets[0] ?? '').def.name : undefined;
      hops.push((r) => {
        const id = r[refField];
        if (typeof id !== 'string') return null;
        const type = fixed ?? this.objectForId(id);
        const rec = type ? this.store.get(type, id, { includeDeleted: true }) : undefined;
        return rec && type ? { type, rec } : null;
      });
      obj = fixed ? this.object(fixed) : undefined;
    }
    return (r) => {
      let cur: { type: string; rec: SfRecord } | null = { type: base.def.name, rec: r };
      for (const hop of hops) {
        cur = hop(cur.rec);
        if (!cur) return null;
      }
      return cur;
    };
  }
}

/** Reads a Name pseudo-object field of a polymorphic target whose concrete object is `type`. */
function polyValue(field: string): (r: SfRecord, type: string) => SfValue {
  if (field === 'Type') return (_r, type) => type || null;
  if (field === 'Name') {
    return (r) => {
      const n = r.Name;
      if (typeof n === 'string') return n;
      const parts = [r.FirstName, r.LastName].filter((p) => typeof p === 'string' && p !== '');
      return parts.length ? parts.join(' ') : null;
    };
  }
  return (r) => r[field] ?? null;
}

// ---------------------------------------------------------------- WHERE

type Predicate = (r: SfRecord) => boolean;

type Token =
  | { kind: 'cond'; cond: Record<string, unknown>; open: number; close: number }
  | { kind: 'op'; op: 'AND' | 'OR' }
  | { kind: 'not' };

function flattenWhere(where: WhereClause): Token[] {
  const out: Token[] = [];
  let node: WhereClause | undefined = where;
  while (node) {
    const n = node as { left: Record<string, unknown> | null; operator?: string; right?: WhereClause };
    if (n.operator === 'NOT' && (n.left === null || !('field' in n.left || 'fn' in n.left))) {
      // A NegationCondition left carries only parens that open before NOT.
      const open = n.left ? Number(n.left.openParen ?? 0) : 0;
      for (let i = 0; i < open; i++) out.push({ kind: 'cond', cond: {}, open: -1, close: 0 });
      out.push({ kind: 'not' });
      node = n.right;
      continue;
    }
    if (n.left) {
      out.push({
        kind: 'cond',
        cond: n.left,
        open: Number(n.left.openParen ?? 0),
        close: Number(n.left.closeParen ?? 0),
      });
    }
    if (n.operator === 'AND' || n.operator === 'OR') out.push({ kind: 'op', op: n.operator });
    else if (n.operator) throw malformed(`unexpected token: ${n.operator}`);
    node = n.right;
  }
  return out;
}

/** Token stream with parens as explicit tokens. */
type Lex =
  { t: '(' } | { t: ')' } | { t: 'AND' } | { t: 'OR' } | { t: 'NOT' } | { t: 'c'; cond: Record<string, unknown> };

function lexWhere(tokens: Token[]): Lex[] {
  const out: Lex[] = [];
  for (const tok of tokens) {
    if (tok.kind === 'op') out.push({ t: tok.op });
    else if (tok.kind === 'not') out.push({ t: 'NOT' });
    else if (tok.open === -1) out.push({ t: '(' });
    else {
      for (let i = 0; i < tok.open; i++) out.push({ t: '(' });
      out.push({ t: 'c', cond: tok.cond });
      for (let i = 0; i < tok.close; i++) out.push({ t: ')' });
    }
  }
  return out;
}

class WhereBuilder {
  private pos = 0;
  constructor(
    private readonly lex: Lex[],
    private readonly leaf: (cond: Record<string, unknown>) => Predicate,
  ) {}

  build(): Predicate {
    const p = this.expr();
    if (this.pos !== this.lex.length) throw malformed(`unexpected token: '${this.lex[this.pos]?.t ?? ''}'`);
    return p;
  }

  // SOQL requires parentheses when AND and OR are mixed at one level.
  private expr(): Predicate {
    const parts = [this.unary()];
    let op: 'AND' | 'OR' | undefined;
    for (;;) {
      const t = this.lex[this.pos];
      if (!t || (t.t !== 'AND' && t.t !== 'OR')) break;
      if (op && op !== t.t) throw malformed(`unexpected token: '${t.t}'`);
      op = t.t;
      this.pos++;
      parts.push(this.unary());
    }
    if (parts.length === 1) return parts[0] as Predicate;
    return op === 'AND' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
  }

  private unary(): Predicate {
    const t = this.lex[this.pos++];
    if (!t) throw malformed('unexpected end of WHERE clause');
    if (t.t === 'NOT') {
      const inner = this.unary();
      return (r) => !inner(r);
    }
    if (t.t === '(') {
      const inner = this.expr();
      if (this.lex[this.pos]?.t !== ')') throw malformed("expecting a right parentheses, found 'EOF'");
      this.pos++;
      return inner;
    }
    if (t.t === 'c') return this.leaf(t.cond);
    throw malformed(`unexpected token: '${t.t}'`);
  }
}

function unquote(raw: string): string {
  if (!(raw.startsWith("'") && raw.endsWith("'"))) return raw;
  return unescapeSoql(raw.slice(1, -1), false);
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** SOQL string escapes; with `keepLike`, `\%` and `\_` stay escaped for the LIKE matcher. */
function unescapeSoql(s: string, keepLike: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const nx = s[++i] ?? '';
    if (nx === '%' || nx === '_') out += keepLike ? '\\' + nx : nx;
    else if (ESCAPES[nx] !== undefined) out += keepLike && nx === '\\' ? '\\\\' : ESCAPES[nx];
    else throw malformed(`Invalid string literal escape sequence: \\${nx}`);
  }
  return out;
}

function likeRegex(raw: string): RegExp {
  const body = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  const s = unescapeSoql(body, true);
  let re = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      const nx = s[++i] ?? '';
      re += nx.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

type Cmp = number | string | boolean;

/** A literal ready for comparison: a point value, a date range, or null. */
type Lit = { k: 'null' } | { k: 'v'; v: Cmp } | { k: 'range'; start: number; end: number };

function filterError(field: string, type: string): SoqlError {
  const t = type === 'datetime' ? 'dateTime' : type;
  return new SoqlError(
    'INVALID_QUERY_FILTER_OPERATOR',
    `value of filter criterion for field '${field}' must be of type ${t} and should not be enclosed in quotes`,
  );
}

/** Normalises a stored value of `type` to something comparable. */
function normValue(type: string, v: SfValue): Cmp | null {
  if (v === null || v === undefined || v === '') return null;
  if (type === 'date') return dateToMs(String(v));
  if (type === 'datetime') return dateTimeToMs(String(v));
  if (NUMBER_TYPES.has(type)) return Number(v);
  if (type === 'boolean') return v === true || v === 'true';
  if (type === 'id' || type === 'reference') return String(v);
  return String(v).toLowerCase();
}

function literal(col: Column, literalType: string, raw: string, nVar: number | undefined, now: Date): Lit {
  const { type, name } = col;
  if (literalType === 'NULL') return { k: 'null' };
  if (type === 'date' || type === 'datetime') {
    if (literalType === 'DATE_LITERAL' || literalType === 'DATE_N_LITERAL') {
      const r = dateLiteralRange(raw, now, literalType === 'DATE_N_LITERAL' ? nVar : undefined);
      if (!r) throw malformed(`unexpected token: '${raw}'`);
      return { k: 'range', start: r.start, end: r.end };
    }
    if (type === 'date' && literalType === 'DATE') return { k: 'v', v: dateToMs(raw) };
    if (type === 'datetime' && literalType === 'DATETIME') {
      const ms = dateTimeToMs(raw);
      if (Number.isNaN(ms)) throw malformed(`unexpected token: '${raw}'`);
      return { k: 'v', v: ms };
    }
    throw filterError(name, type);
  }
  if (type === 'boolean') {
    if (literalType !== 'BOOLEAN') throw filterError(name, 'boolean');
    return { k: 'v', v: raw.toUpperCase() === 'TRUE' };
  }
  if (NUMBER_TYPES.has(type)) {
    if (literalType !== 'INTEGER' && literalType !== 'DECIMAL') throw filterError(name, type);
    return { k: 'v', v: Number(raw) };
  }
  if (literalType !== 'STRING') throw filterError(name, 'string');
  const s = unquote(raw);
  if (type === 'id' || type === 'reference') {
    if (!isValidId(s)) throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${s}`);
    return { k: 'v', v: toId18(s) };
  }
  return { k: 'v', v: s.toLowerCase() };
}

/** `=` semantics for one literal; null only equals null. */
function eq(v: Cmp | null, lit: Lit): boolean {
  if (lit.k === 'null') return v === null;
  if (v === null) return false;
  if (lit.k === 'range') return (v as number) >= lit.start && (v as number) < lit.end;
  return v === lit.v;
}

function order(op: string, v: Cmp | null, lit: Lit): boolean {
  if (v === null || lit.k === 'null') return false;
  if (lit.k === 'range') {
    const n = v as number;
    if (op === '<') return n < lit.start;
    if (op === '<=') return n < lit.end;
    if (op === '>') return n >= lit.end;
    return n >= lit.start;
  }
  if (op === '<') return v < lit.v;
  if (op === '<=') return v <= lit.v;
  if (op === '>') return v > lit.v;
  return v >= lit.v;
}

// ---------------------------------------------------------------- compile

interface Plan {
  compiled: CompiledQuery;
  base: ObjectIndex;
  where?: Predicate;
  orderBy: Array<{ col: Column; desc: boolean; nullsFirst: boolean }>;
  limit?: number;
  offset: number;
  resolver: Resolver;
}

function splitPath(rawValue: string): string[] {
  return rawValue.split('.');
}

function fieldPathOf(f: ParsedField): string[] | undefined {
  if (f.type === 'Field') return [f.field];
  if (f.type === 'FieldRelationship') return [...f.relationships, f.field];
  return undefined;
}

function plan(store: SoqlStore, soql: string, opts: QueryOptions): Plan {
  let q: Query;
  try {
    q = parseQuery(soql);
  } catch (e) {
    throw malformed(e instanceof Error ? e.message.split('\n')[0] || 'unexpected token' : 'unexpected token');
  }
  return planParsed(store, soql, q, opts);
}

/** Live rows of a plan, filtered (no ORDER BY/LIMIT: what a semi-join needs). */
function* filtered(store: SoqlStore, p: Plan): Iterable<SfRecord> {
  for (const r of store.all(p.base.def.name, {})) {
    if (r.IsDeleted === true) continue;
    if (!p.where || p.where(r)) yield r;
  }
}

function planParsed(store: SoqlStore, soql: string, q: Query, opts: QueryOptions): Plan {
  const unsupported: Array<[unknown, string]> = [
    [q.groupBy, 'GROUP BY'],
    [q.having, 'HAVING'],
    [q.for, 'FOR'],
    [q.update, 'UPDATE'],
    [q.usingScope, 'USING SCOPE'],
    [q.withDataCategory, 'WITH DATA CATEGORY'],
    [q.sObjectAlias, 'object alias'],
  ];
  for (const [v, what] of unsupported) {
    if (v !== undefined) throw malformed(`${what} is not supported by the emulator`);
  }
  if (!q.sObject) throw malformed('unexpected token: FROM');
  const resolver = new Resolver(soql, indexSchema(schemaOf(store, opts)), store);
  const base = resolver.object(q.sObject);
  const bulk = opts.bulk === true;

  const fields = q.fields ?? [];
  const columns: Column[] = [];
  let countOnly = false;
  let countField: CompiledQuery['countField'];
  for (const f of fields) {
    if (f.type === 'FieldFunctionExpression') {
      if (f.functionName.toUpperCase() !== 'COUNT' || bulk) {
        throw malformed(`${f.functionName} is not supported${bulk ? ' by Bulk API 2.0 query' : ' by the emulator'}`);
      }
      const param = f.parameters[0];
      if (param === undefined) countOnly = true;
      else if (typeof param === 'string' && f.parameters.length === 1) {
        countField = { alias: f.alias ?? 'expr0', column: resolver.column(base, splitPath(param)) };
      } else throw malformed('unsupported COUNT expression');
      continue;
    }
    if (f.type === 'FieldTypeof') throw malformed('TYPEOF is not supported by the emulator');
    if (f.type === 'FieldSubquery') throw malformed('parent-to-child subqueries are not supported by the emulator');
    if ('alias' in f && f.alias) throw malformed(`unexpected token: '${f.alias}'`);
    const path = fieldPathOf(f);
    if (!path) throw malformed('unsupported field expression');
    const col = resolver.column(base, path);
    if (!columns.some((c) => c.name.toLowerCase() === col.name.toLowerCase())) columns.push(col);
  }
  if ((countOnly || countField) && (columns.length > 0 || fields.length > 1)) {
    throw malformed('COUNT() cannot be combined with other fields');
  }
  if (!countOnly && !countField && columns.length === 0) throw malformed('unexpected token: FROM');

  const now = nowOf(opts);
  const leaf = (cond: Record<string, unknown>): Predicate => {
    if ('fn' in cond) throw malformed('functions in WHERE are not supported by the emulator');
    const col = resolver.column(base, splitPath(String(cond.field)));
    const op = String(cond.operator).toUpperCase();
    if ('valueQuery' in cond) {
      // Semi-/anti-join: `Id IN (SELECT AccountId FROM Contact ...)`, on id/reference fields only.
      if (op !== 'IN' && op !== 'NOT IN') throw malformed(`unexpected token: ${op}`);
      if (col.type !== 'id' && col.type !== 'reference') {
        throw new SoqlError('INVALID_FIELD', `semi join sub-selects are only allowed on id fields, not '${col.name}'`);
      }
      const inner = planParsed(store, soql, cond.valueQuery as Query, { ...opts, includeDeleted: false });
      const innerCol = inner.compiled.columns[0];
      if (inner.compiled.columns.length !== 1 || !innerCol || inner.compiled.countOnly || inner.compiled.countField) {
        throw malformed('a semi join sub-select must select exactly one id field');
      }
      let ids: Set<SfValue> | undefined;
      const negate = op === 'NOT IN';
      return (r) => {
        if (!ids) {
          ids = new Set();
          for (const ir of filtered(store, inner)) ids.add(innerCol.get(ir));
          ids.delete(null);
        }
        const v = col.get(r);
        const hit = v !== null && ids.has(v);
        return negate ? !hit : hit;
      };
    }
    const get = col.get;
    const type = col.type;
    const values = cond.value;
    const types = cond.literalType;
    const nVars = cond.dateLiteralVariable;
    const lit = (i: number | undefined): Lit => {
      const raw = i === undefined ? (values as string) : ((values as string[])[i] as string);
      const lt = Array.isArray(types) ? (types[i ?? 0] as string) : String(types);
      const nv = Array.isArray(nVars) ? (nVars[i ?? 0] as number) : (nVars as number | undefined);
      return literal(col, lt, raw, nv, now);
    };
    if (op === 'IN' || op === 'NOT IN') {
      if (!Array.isArray(values)) throw malformed(`unexpected token: ${String(values)}`);
      const lits = values.map((_, i) => lit(i));
      const negate = op === 'NOT IN';
      return (r) => {
        const v = normValue(type, get(r));
        const hit = lits.some((l) => eq(v, l));
        return negate ? !hit : hit;
      };
    }
    if (Array.isArray(values)) throw malformed(`unexpected token: '('`);
    if (op === 'LIKE') {
      if (!STRING_TYPES.has(type) && type !== 'id' && type !== 'reference') {
        throw new SoqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          `invalid operator on ${type} field: LIKE on '${col.name}'`,
        );
      }
      const re = likeRegex(String(values));
      return (r) => {
        const v = get(r);
        return v !== null && v !== undefined && re.test(String(v));
      };
    }
    if (op === 'INCLUDES' || op === 'EXCLUDES') throw malformed(`${op} is not supported by the emulator`);
    const l = lit(undefined);
    if (op === '=') return (r) => eq(normValue(type, get(r)), l);
    if (op === '!=') return (r) => !eq(normValue(type, get(r)), l);
    if (type === 'boolean' && op !== '=' && op !== '!=') {
      throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on boolean field: ${op}`);
    }
    return (r) => order(op, normValue(type, get(r)), l);
  };
  const where = q.where ? new WhereBuilder(lexWhere(flattenWhere(q.where)), leaf).build() : undefined;

  const orderByRaw = q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
  if (countOnly && orderByRaw.length > 0) throw malformed('ORDER BY cannot be used with COUNT()');
  const orderBy = orderByRaw.map((o) => {
    if (!('field' in o)) throw malformed('ORDER BY functions are not supported by the emulator');
    const desc = o.order === 'DESC';
    // Salesforce sorts nulls first unless told otherwise.
    // https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm
    return { col: resolver.column(base, splitPath(o.field)), desc, nullsFirst: o.nulls !== 'LAST' };
  });
  if (q.offset !== undefined) {
    if (bulk) throw malformed('OFFSET is not supported by Bulk API 2.0 query');
    if (q.offset > MAX_OFFSET) {
      throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
  }
  return {
    compiled: { object: base.def.name, columns, countOnly, countField },
    base,
    where,
    orderBy,
    limit: q.limit,
    offset: q.offset ?? 0,
    resolver,
  };
}

/** Parses and checks `soql` against the schema without running it (throws SoqlError). */
export function compileQuery(store: SoqlStore, soql: string, opts: QueryOptions = {}): CompiledQuery {
  return plan(store, soql, opts).compiled;
}

function compareForSort(type: string, a: SfValue, b: SfValue): number {
  const x = normValue(type, a);
  const y = normValue(type, b);
  if (x === y) return 0;
  return (x as Cmp) < (y as Cmp) ? -1 : 1;
}

/** Runs `soql` over the store. Rows are selected by reference and shaped on demand. */
export function executeQuery(store: SoqlStore, soql: string, opts: QueryOptions = {}): QueryResult {
  const p = plan(store, soql, opts);
  const { compiled, base, where, orderBy, resolver } = p;
  const includeDeleted = opts.includeDeleted === true;
  const version = opts.version ?? '62.0';

  let matches: SfRecord[] = [];
  const visible = opts.visible;
  for (const r of store.all(base.def.name, { includeDeleted })) {
    if (!includeDeleted && r.IsDeleted === true) continue;
    if (visible && !visible(base.def.name, r)) continue;
    if (!where || where(r)) matches.push(r);
  }
  if (orderBy.length > 0) {
    const keyed = matches.map((r, i) => ({ r, i, k: orderBy.map((o) => o.col.get(r)) }));
    keyed.sort((a, b) => {
      for (let j = 0; j < orderBy.length; j++) {
        const o = orderBy[j] as Plan['orderBy'][number];
        const va = a.k[j] ?? null;
        const vb = b.k[j] ?? null;
        const na = va === null || va === '';
        const nb = vb === null || vb === '';
        if (na || nb) {
          if (na && nb) continue;
          return na === o.nullsFirst ? -1 : 1;
        }
        const c = compareForSort(o.col.type, va, vb);
        if (c !== 0) return o.desc ? -c : c;
      }
      return a.i - b.i;
    });
    matches = keyed.map((k) => k.r);
  }
  const start = Math.min(p.offset, matches.length);
  const end = p.limit === undefined ? matches.length : Math.min(matches.length, start + p.limit);
  if (start !== 0 || end !== matches.length) matches = matches.slice(start, end);

  if (compiled.countOnly) {
    return {
      object: compiled.object,
      totalSize: matches.length,
      columns: [],
      records: [],
      page: () => [],
      rawRows: () => [],
      countOnly: true,
    };
  }
  if (compiled.countField) {
    const col = compiled.countField.column;
    const n = col ? matches.filter((r) => col.get(r) !== null).length : matches.length;
    const row: ShapedRecord = { attributes: { type: 'AggregateResult' }, [compiled.countField.alias]: n };
    return {
      object: compiled.object,
      totalSize: 1,
      columns: [],
      records: [row],
      page: (o, c) => [row].slice(o, o + c),
      rawRows: (o, c) => [[n]].slice(o, o + c),
      countOnly: false,
    };
  }

  const shape = shaper(resolver, base, compiled.columns, version);
  const rows = matches;
  return {
    object: compiled.object,
    totalSize: rows.length,
    columns: compiled.columns,
    records: {
      *[Symbol.iterator]() {
        for (const r of rows) yield shape(r);
      },
    },
    page: (o, c) => rows.slice(o, o + c).map(shape),
    rawRows: (o, c) => rows.slice(o, o + c).map((r) => compiled.columns.map((col) => col.get(r))),
    countOnly: false,
  };
}

/** Builds the function that turns a stored record into the REST JSON row. */
function shaper(
  resolver: Resolver,
  base: ObjectIndex,
  columns: Column[],
  version: string,
): (r: SfRecord) => ShapedRecord {
  const url = (type: string, id: SfValue) => `/services/data/v${version}/sobjects/${type}/${String(id)}`;
  // Group columns into a tree keyed by relationship name, preserving SELECT order.
  interface Node {
    fields: Array<{ key: string; col: Column; poly: boolean }>;
    children: Map<string, { node: Node; rels: string[]; poly: boolean }>;
    order: Array<{ kind: 'field'; key: string } | { kind: 'child'; key: string }>;
  }
  const root: Node = { fields: [], children: new Map(), order: [] };
  for (const col of columns) {
    let node = root;
    const rels: string[] = [];
    let poly = false;
    for (const rel of col.relationships) {
      rels.push(rel);
      let child = node.children.get(rel);
      if (!child) {
        const ref = (rels.length === 1 ? base : undefined)?.relationships.get(rel.toLowerCase());
        const isPoly: boolean = poly || (ref ? (ref.referenceTo ?? []).length > 1 : isPolyPath(resolver, base, rels));
        child = { node: { fields: [], children: new Map(), order: [] }, rels: [...rels], poly: isPoly };
        node.children.set(rel, child);
        node.order.push({ kind: 'child', key: rel });
      }
      poly = child.poly;
      node = child.node;
    }
    node.fields.push({ key: col.field, col, poly });
    node.order.push({ kind: 'field', key: col.field });
  }
  const relatedFns = new Map<string, (r: SfRecord) => { type: string; rec: SfRecord } | null>();
  const related = (rels: string[]) => {
    const k = rels.join('.');
    let fn = relatedFns.get(k);
    if (!fn) {
      fn = resolver.related(base, rels);
      relatedFns.set(k, fn);
    }
    return fn;
  };
  const fill = (node: Node, baseRec: SfRecord, rec: SfRecord, type: string, poly: boolean): ShapedRecord => {
    const out: ShapedRecord = {
      attributes: { type: poly ? 'Name' : type, url: url(type, rec.Id ?? null) },
    };
    for (const item of node.order) {
      if (item.kind === 'field') {
        const f = node.fields.find((x) => x.key === item.key) as Node['fields'][number];
        out[f.key] = f.poly ? polyValue(f.key)(rec, type) : (rec[f.key] ?? null);
      } else {
        const child = node.children.get(item.key) as { node: Node; rels: string[]; poly: boolean };
        const hit = related(child.rels)(baseRec);
        out[item.key] = hit ? fill(child.node, baseRec, hit.rec, hit.type, child.poly) : null;
      }
    }
    return out;
  };
  return (r) => fill(root, r, r, base.def.name, false);
}

function isPolyPath(resolver: Resolver, base: ObjectIndex, rels: string[]): boolean {
  let obj: ObjectIndex | undefined = base;
  for (const rel of rels) {
    const ref = obj?.relationships.get(rel.toLowerCase());
    if (!ref) return true;
    const targets = ref.referenceTo ?? [];
    if (targets.length !== 1) return true;
    obj = resolver.object(targets[0] ?? '');
  }
  return false;
}
