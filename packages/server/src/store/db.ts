import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { PGlite as PGliteType } from '@electric-sql/pglite';
import { lockDataDir } from './dataDirLock';

/** A row set as both drivers return it. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * The one database interface Pulse uses. Both implementations speak the same
 * Postgres SQL with `$1` parameters; the embedded one is PGlite (Postgres in WASM).
 */
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Runs several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Loads rows with `COPY table (columns) FROM …` in Postgres' text format (one line per row, tab-separated,
   * fields escaped by `copyField`): far cheaper for the server than an INSERT of the same rows. Returns the rows copied.
   */
  copyFrom(table: string, columns: readonly string[], data: string | Uint8Array): Promise<number>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * One dedicated connection, kept until `release()`, for session state that must outlive single
   * queries (an advisory lock held for a whole run). The embedded database has only one connection,
   * so there it is the database itself.
   */
  reserve?(): Promise<ReservedDb>;
  close(): Promise<void>;
}

/** A connection of its own: give it back with `release()` (session locks it holds end with it). */
export interface ReservedDb extends Db {
  release(): Promise<void>;
}

export interface DbOptions {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory, or 'memory' for an in-memory database (tests). */
  dataDir?: string;
  /** Postgres only: the schema to use (tests get one schema per file). */
  schema?: string;
  /** Postgres only: connections in the pool (default 4); each held lock keeps one for itself. */
  max?: number;
}

// Both drivers return the same JS types: counts and numerics as numbers, dates as
// 'YYYY-MM-DD' strings (pg would otherwise build a local-time Date and shift the day).
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parseNumber = (v: string): number => Number(v);
const parseDate = (v: string): string => v;

/** The last thing asked of each checked-out connection (see PostgresDb.inTurn). */
const turns = new WeakMap<object, Promise<unknown>>();

class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(
    private readonly client: pg.Pool | pg.PoolClient,
    private readonly pool: pg.Pool,
  ) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const r = await this.inTurn(() => this.client.query(sql, params));
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.inTurn(() => this.client.query(sql));
  }

  /**
   * Runs `fn` on this connection after everything already asked of it. The engine asks for the next page
   * or write before the last one is done; pg only queues a connection's queries with a deprecation
   * warning (and pg 9 stops), so the queue is kept here. The pool hands each query a free connection.
   */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (this.client === this.pool) return fn();
    const run = (turns.get(this.client) ?? Promise.resolve()).then(fn, fn);
    turns.set(
      this.client,
      run.catch(() => undefined),
    );
    return run;
  }

  async copyFrom(table: string, columns: readonly string[], data: string | Uint8Array): Promise<number> {
    const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
    if (this.client === this.pool) {
      // A COPY needs one connection for its whole stream: take one for a copy outside a transaction.
      const conn = await this.pool.connect();
      try {
        return await copyOn(conn, sql, data);
      } finally {
        conn.release();
      }
    }
    return this.inTurn(() => copyOn(this.client as pg.PoolClient, sql, data));
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.client !== this.pool) {
      // Already inside a transaction: nest with a savepoint.
      await this.exec('SAVEPOINT nested');
      try {
        const out = await fn(this);
        await this.exec('RELEASE SAVEPOINT nested');
        return out;
      } catch (e) {
        await this.exec('ROLLBACK TO SAVEPOINT nested');
        throw e;
      }
    }
    const conn = await this.pool.connect();
    const tx = new PostgresDb(conn, this.pool);
    try {
      await tx.exec('BEGIN');
      const out = await fn(tx);
      await tx.exec('COMMIT');
      return out;
    } catch (e) {
      await tx.exec('ROLLBACK');
      throw e;
    } finally {
      conn.release();
    }
  }

  async reserve(): Promise<ReservedDb> {
    const conn = await this.pool.connect();
    // A dropped connection would otherwise raise an unhandled 'error' event; its session locks are gone
    // with it, which the next query on it reports.
    conn.on('error', () => undefined);
    const reserved = new PostgresDb(conn, this.pool) as PostgresDb & ReservedDb;
    reserved.release = async () => conn.release();
    return reserved;
  }

  async close(): Promise<void> {
    if (this.client === this.pool) await this.pool.end();
  }
}

async function copyOn(conn: pg.PoolClient, sql: string, data: string | Uint8Array): Promise<number> {
  const stream = conn.query(copyFromStdin(sql));
  await pipeline(Readable.from([data]), stream);
  return stream.rowCount ?? 0;
}

/**
 * Lines of COPY text gathered as UTF-8 bytes in a buffer of their own: many rows are written without
 * piling up strings for the garbage collector. The buffer is handed to `copyFrom` as is, so `reset`
 * only after that copy is done.
 */
export class CopyBuffer {
  private buf: Buffer;
  /** Bytes written. */
  length = 0;
  /** Lines written. */
  lines = 0;

  constructor(capacity = 1 << 23) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Appends one line (its fields escaped by `copyField`, ending with a newline). */
  add(line: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: grow first when the line might not fit.
    if (this.length + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(line, this.length);
    this.lines++;
  }

  /** The bytes written so far (a view: valid until the next `add` after a `reset`). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.lines = 0;
  }
}

/**
 * One value as a field of Postgres' COPY text format: null as \N; backslash, tab, newline and carriage
 * return escaped (https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-TEXT-FORMAT).
 */
export function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text[] literal for COPY's text format: every element double-quoted, `"` and `\` escaped. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

type PGliteTx = Parameters<Parameters<PGliteType['transaction']>[0]>[0];

class PGliteDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(
    private readonly conn: PGliteType | PGliteTx,
    private readonly root: PGliteType,
    /** Gives back the data directory's lock (the root connection only). */
    private readonly unlock: () => void = () => undefined,
  ) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const r = await this.conn.query<R>(sql, params);
    // PGlite reports affectedRows 0 for SELECT; pg's rowCount counts returned rows there.
    return { rows: r.rows, rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
  }

  async exec(sql: string): Promise<void> {
    await this.conn.exec(sql);
  }

  async copyFrom(table: string, columns: readonly string[], data: string | Uint8Array): Promise<number> {
    // PGlite reads COPY input from the '/dev/blob' device, fed by the query's blob.
    const r = await this.conn.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], {
      blob: new Blob([data]),
    });
    return r.affectedRows ?? 0;
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.conn !== this.root) {
      await this.conn.exec('SAVEPOINT nested');
      try {
        const out = await fn(this);
        await this.conn.exec('RELEASE SAVEPOINT nested');
        return out;
      } catch (e) {
        await this.conn.exec('ROLLBACK TO SAVEPOINT nested');
        throw e;
      }
    }
    return this.root.transaction((tx) => fn(new PGliteDb(tx, this.root)));
  }

  async reserve(): Promise<ReservedDb> {
    const reserved = new PGliteDb(this.conn, this.root) as PGliteDb & ReservedDb;
    reserved.release = async () => undefined;
    return reserved;
  }

  async close(): Promise<void> {
    if (this.conn !== this.root) return;
    try {
      await this.root.close();
    } finally {
      this.unlock();
    }
  }
}

/** Opens Postgres when a URL is given, else the embedded PGlite (on disk or in memory). */
export async function openDb(opts: DbOptions = {}): Promise<Db> {
  if (opts.url) {
    const types = {
      getTypeParser: (oid: number, format?: string) => {
        if (oid === INT8 || oid === NUMERIC) return parseNumber;
        if (oid === DATE) return parseDate;
        return pg.types.getTypeParser(oid, format as 'text');
      },
    };
    const pool = new pg.Pool({
      connectionString: opts.url,
      types: types as pg.CustomTypesConfig,
      max: opts.max ?? 4,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    if (opts.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name "${opts.schema}"`);
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    }
    return new PostgresDb(pool, pool);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = opts.dataDir && opts.dataDir !== 'memory' ? opts.dataDir : undefined;
  // PGlite makes its own folder but not its parents (PULSE_DATA_DIR on a fresh checkout).
  if (dataDir) mkdirSync(dirname(resolve(dataDir)), { recursive: true });
  const unlock = dataDir ? lockDataDir(resolve(dataDir)) : () => undefined;
  try {
    const db = await PGlite.create(dataDir, {
      parsers: { [INT8]: parseNumber, [NUMERIC]: parseNumber, [DATE]: parseDate },
    });
    return new PGliteDb(db as unknown as PGliteType, db as unknown as PGliteType, unlock);
  } catch (e) {
    unlock();
    throw e;
  }
}
