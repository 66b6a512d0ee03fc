/**
 * OrgStore: the emulated org's records in memory, keyed by object then 18-char id.
 * Deleted records stay with `IsDeleted: true` (the recycle bin, visible to queryAll).
 */
import { IdMinter, KEY_PREFIXES, normalizeId } from './ids';
import { Schema } from './schema';

export type FieldValue = string | number | boolean | null;
/** A record: API field name → value. Dates 'YYYY-MM-DD'; datetimes '2026-11-24T10:00:00.000+0000'. */
export type SfRecord = { Id: string; IsDeleted: boolean } & Record<string, FieldValue>;

/** Salesforce's REST JSON datetime form: UTC, millis, `+0000` (reference G9). */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/** Parses any datetime form clients send (`Z`, `+00:00`, `+0000`) to epoch millis, or NaN. */
export function parseDateTime(s: string): number {
  const m = /^(.*[T ][\d:.]+)([+-])(\d\d)(\d\d)$/.exec(s);
  return Date.parse(m ? `${m[1]}${m[2]}${m[3]}:${m[4]}` : s);
}

export interface OrgStoreOptions {
  schema?: Schema;
  /** Injectable clock for CreatedDate/LastModifiedDate/SystemModstamp. */
  now?: () => Date;
  minter?: IdMinter;
  /** The integration user's id (CreatedById/LastModifiedById/OwnerId default). */
  userId?: string;
}

type RecordFactory = (r: Record<string, FieldValue | undefined>, id: string, del: boolean) => SfRecord;

/** Short strings repeat across records (owner ids, account ids, dates, picklists): share one copy. */
const INTERN_MAX_LENGTH = 64;

const RESPONDED_STATUSES = new Set(['Responded', 'Attended', 'Registered']);
const CLOSED_STAGES = new Set(['Closed Won', 'Closed Lost']);

/** In-memory records of one org plus its per-day API call counter. */
export class OrgStore {
  readonly schema: Schema;
  readonly minter: IdMinter;
  now: () => Date;
  userId: string;
  private readonly tables = new Map<string, Map<string, SfRecord>>();
  private readonly interned = new Map<string, string>();
  private readonly factories = new Map<string, { fieldCount: number; build: RecordFactory }>();
  private apiDay = '';
  private apiUsed = 0;
  private readonly dailyCounts = new Map<string, number>();

  constructor(opts: OrgStoreOptions = {}) {
    this.schema = opts.schema ?? new Schema();
    this.now = opts.now ?? (() => new Date());
    this.minter = opts.minter ?? new IdMinter();
    this.userId = opts.userId ?? this.minter.next('User');
    for (const o of this.schema.objects()) this.tables.set(o.name, new Map());
  }

  private table(object: string): Map<string, SfRecord> {
    const def = this.schema.object(object);
    if (!def) throw new Error(`Unknown object ${object}`);
    let t = this.tables.get(def.name);
    if (!t) {
      t = new Map();
      this.tables.set(def.name, t);
    }
    return t;
  }

  /** The canonical API name of `object` (any case), or undefined. */
  objectName(object: string): string | undefined {
    return this.schema.object(object)?.name;
  }

  /**
   * Adds records as given (ids, dates and all) — the generator's bulk-load path. Missing
   * Id/system fields are filled in; derived fields are computed. Returns the count.
   */
  load(object: string, records: Iterable<Record<string, FieldValue | undefined>>): number {
    let n = 0;
    const t = this.table(object);
    const name = this.objectName(object)!;
    const stamp = formatDateTime(this.now());
    for (const r of records) {
      const id = r.Id ? normalizeId(r.Id) : this.minter.next(name);
      if (!id) throw new Error(`${name}: bad Id ${String(r.Id)}`);
      const rec = this.factory(name)(r, id, r.IsDeleted === true);
      rec.CreatedDate ??= stamp;
      rec.LastModifiedDate ??= rec.CreatedDate;
      rec.SystemModstamp ??= rec.LastModifiedDate;
      rec.CreatedById ??= this.userId;
      rec.LastModifiedById ??= rec.CreatedById;
      this.derive(name, rec);
      t.set(id, rec);
      n++;
    }
    return n;
  }

  /**
   * A record builder per object whose constructor assigns every schema field by name, so V8
   * gives all records of an object one hidden class with in-object fields. (Adding many keys in
   * a loop turns objects into dictionaries: ~2 KB per Task instead of a few hundred bytes.)
   */
  private factory(object: string): RecordFactory {
    const def = this.schema.object(object)!;
    let f = this.factories.get(def.name);
    if (f && f.fieldCount === def.fields.length) return f.build;
    const names = def.fields.map((fd) => fd.name).filter((n) => n !== 'Id' && n !== 'IsDeleted');
    const known = new Set(['Id', 'IsDeleted', ...names]);
    const body = names.map((n) => `this[${JSON.stringify(n)}] = intern(r[${JSON.stringify(n)}] ?? null);`).join('\n');
    const Ctor = new Function(
      'r',
      'id',
      'del',
      'intern',
      `this.Id = id; this.IsDeleted = del;\n${body}`,
    ) as unknown as new (
      r: Record<string, FieldValue | undefined>,
      id: string,
      del: boolean,
      intern: (v: FieldValue) => FieldValue,
    ) => SfRecord;
    const intern = (v: FieldValue) => this.intern(v);
    const build: RecordFactory = (r, id, del) => {
      const rec = new Ctor(r, id, del, intern);
      for (const k in r) if (!known.has(k)) rec[k] = intern(r[k] ?? null);
      return rec;
    };
    f = { fieldCount: def.fields.length, build };
    this.factories.set(def.name, f);
    return build;
  }

  /** One shared copy of a short repeated string value (keeps a 1M-activity org compact). */
  private intern(v: FieldValue): FieldValue {
    // 28 chars = a datetime ('2026-11-24T10:00:00.000+0000'): mostly unique, interning would only grow the table.
    if (typeof v !== 'string' || v.length > INTERN_MAX_LENGTH || v.length === 28) return v;
    const hit = this.interned.get(v);
    if (hit !== undefined) return hit;
    this.interned.set(v, v);
    return v;
  }

  /** Creates a record with a fresh id and system fields; returns it. Validation is the caller's job. */
  insert(object: string, fields: Record<string, FieldValue>): SfRecord {
    const name = this.objectName(object);
    if (!name) throw new Error(`Unknown object ${object}`);
    const stamp = formatDateTime(this.now());
    const rec = this.factory(name)(
      {
        ...fields,
        CreatedDate: stamp,
        CreatedById: this.userId,
        LastModifiedDate: stamp,
        LastModifiedById: this.userId,
        SystemModstamp: stamp,
      },
      this.minter.next(name),
      false,
    );
    if (this.schema.field(name, 'OwnerId') && rec.OwnerId == null) rec.OwnerId = this.userId;
    this.derive(name, rec);
    this.table(name).set(rec.Id, rec);
    return rec;
  }

  /** Updates fields of a live record; returns it, or undefined when missing/deleted. */
  update(object: string, id: string, fields: Record<string, FieldValue>): SfRecord | undefined {
    const rec = this.get(object, id);
    if (!rec) return undefined;
    const name = this.objectName(object)!;
    Object.assign(rec, fields);
    const stamp = formatDateTime(this.now());
    rec.LastModifiedDate = stamp;
    rec.LastModifiedById = this.userId;
    rec.SystemModstamp = stamp;
    this.derive(name, rec);
    return rec;
  }

  /** Moves a live record to the recycle bin (IsDeleted = true); false when missing or already deleted. */
  delete(object: string, id: string): boolean {
    const rec = this.get(object, id);
    if (!rec) return false;
    rec.IsDeleted = true;
    const stamp = formatDateTime(this.now());
    rec.LastModifiedDate = stamp;
    rec.SystemModstamp = stamp;
    return true;
  }

  /** A record by 15- or 18-char id; deleted ones only with `includeDeleted`. */
  get(object: string, id: string, opts: { includeDeleted?: boolean } = {}): SfRecord | undefined {
    const id18 = normalizeId(id);
    if (!id18) return undefined;
    const rec = this.table(object).get(id18);
    if (!rec || (rec.IsDeleted && !opts.includeDeleted)) return undefined;
    return rec;
  }

  /** Finds a record of any object by id (key prefix decides the object) — for polymorphic Who/What. */
  getAny(id: string, opts: { includeDeleted?: boolean } = {}): { object: string; record: SfRecord } | undefined {
    const id18 = normalizeId(id);
    if (!id18) return undefined;
    const def = this.schema.objectByPrefix(id18.slice(0, 3));
    if (!def) return undefined;
    const record = this.get(def.name, id18, opts);
    return record ? { object: def.name, record } : undefined;
  }

  /** All records of `object` (live ones unless `includeDeleted`), in insertion order. */
  *all(object: string, opts: { includeDeleted?: boolean } = {}): IterableIterator<SfRecord> {
    for (const rec of this.table(object).values()) if (opts.includeDeleted || !rec.IsDeleted) yield rec;
  }

  /** Number of records of `object`. */
  count(object: string, opts: { includeDeleted?: boolean } = {}): number {
    if (opts.includeDeleted) return this.table(object).size;
    let n = 0;
    for (const rec of this.table(object).values()) if (!rec.IsDeleted) n++;
    return n;
  }

  /** Counts one (or n) API calls against today's (UTC) total; returns the new total. */
  countApiCall(n = 1): number {
    this.rollDay();
    this.apiUsed += n;
    return this.apiUsed;
  }

  /** API calls used today (UTC day of the store clock). */
  apiCallsToday(): number {
    this.rollDay();
    return this.apiUsed;
  }

  /** Adds `n` to today's (UTC) count of `name` (Bulk jobs, batches, records). */
  countDaily(name: string, n: number): number {
    this.rollDay();
    const v = (this.dailyCounts.get(name) ?? 0) + n;
    this.dailyCounts.set(name, v);
    return v;
  }

  /** Today's count of `name`. */
  dailyCount(name: string): number {
    this.rollDay();
    return this.dailyCounts.get(name) ?? 0;
  }

  private rollDay(): void {
    const day = this.now().toISOString().slice(0, 10);
    if (day !== this.apiDay) {
      this.apiDay = day;
      this.apiUsed = 0;
      this.dailyCounts.clear();
    }
  }

  /** Fields Salesforce computes itself (reference §12): names, closed flags, activity AccountId. */
  private derive(object: string, rec: SfRecord): void {
    switch (object) {
      case 'Contact':
      case 'Lead':
      case 'User':
        rec.Name = [rec.FirstName, rec.LastName].filter((x) => x != null && x !== '').join(' ');
        break;
      case 'Opportunity':
        if (typeof rec.StageName === 'string') {
          rec.IsClosed = CLOSED_STAGES.has(rec.StageName);
          rec.IsWon = rec.StageName === 'Closed Won';
        }
        break;
      case 'Task':
        rec.IsClosed = rec.Status === 'Completed';
        rec.AccountId = this.intern(this.activityAccount(rec));
        break;
      case 'Event':
        rec.AccountId = this.intern(this.activityAccount(rec));
        break;
      case 'CampaignMember': {
        rec.LeadOrContactId = this.intern((rec.ContactId ?? rec.LeadId ?? null) as FieldValue);
        rec.Type = rec.ContactId ? 'Contact' : rec.LeadId ? 'Lead' : null;
        const responded = typeof rec.Status === 'string' && RESPONDED_STATUSES.has(rec.Status);
        if (responded && !rec.HasResponded) rec.FirstRespondedDate ??= this.now().toISOString().slice(0, 10);
        rec.HasResponded = responded;
        break;
      }
    }
  }

  /** Task/Event AccountId: the What's account (Account/Opportunity), else the Who contact's account. */
  private activityAccount(rec: SfRecord): FieldValue {
    if (rec.AccountId != null && rec.WhatId == null && rec.WhoId == null) return rec.AccountId;
    const what = typeof rec.WhatId === 'string' ? rec.WhatId : null;
    if (what) {
      const p = what.slice(0, 3);
      if (p === KEY_PREFIXES.Account) return normalizeId(what);
      if (p === KEY_PREFIXES.Opportunity) {
        const opp = this.tables.get('Opportunity')?.get(normalizeId(what) ?? '');
        if (opp) return opp.AccountId ?? null;
      }
    }
    const who = typeof rec.WhoId === 'string' ? rec.WhoId : null;
    if (who && who.slice(0, 3) === KEY_PREFIXES.Contact) {
      const c = this.tables.get('Contact')?.get(normalizeId(who) ?? '');
      if (c) return c.AccountId ?? null;
    }
    return rec.AccountId ?? null;
  }
}
