import type { Db } from './db';

/**
 * Pulse on Citus (distributed PostgreSQL): every table that carries an org id is hash-distributed by
 * `org_id`, all co-located with `accounts`, so one org's rows of every table sit on the same worker and
 * every query (each names one org) runs there whole; every other table in Pulse's schema is a small
 * shared table, copied to every node as a reference table. The rule is read from the catalog, not a
 * list, so a table a later migration adds is placed by the next `migrate` like the rest.
 */

/** How Pulse's tables are placed on a Citus cluster (`pg_dist_partition`). */
export interface CitusLayout {
  /** Hash-distributed by org_id. */
  distributed: string[];
  /** Copied to every node. */
  reference: string[];
  /** Left on the coordinator alone: the migrations' own bookkeeping. */
  local: string[];
}

/** The migrations' record: read and written only by `migrate` on the coordinator, so it stays a plain table there. */
const COORDINATOR_ONLY = new Set(['schema_migrations']);
/** The table the others are co-located with. */
const ANCHOR = 'accounts';

interface TableRow {
  name: string;
  has_org: boolean;
  /** 'h' hash-distributed, 'n' reference or Citus-local, null a plain table. */
  partmethod: string | null;
  repmodel: string | null;
  /** Tables this one has a foreign key to, in the same schema. */
  refs: string[];
}

/** True when the database is a Citus coordinator (the citus extension is installed and this node plans queries). */
export async function isCitusCoordinator(db: Db): Promise<boolean> {
  if (db.kind !== 'postgres') return false;
  const ext = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
  if (ext.rowCount === 0) return false;
  const r = await db.query<{ coordinator: boolean }>('SELECT citus_is_coordinator() AS coordinator');
  return r.rows[0]?.coordinator === true;
}

async function tables(db: Db): Promise<TableRow[]> {
  const r = await db.query<TableRow>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS has_org,
            p.partmethod::text AS partmethod, p.repmodel::text AS repmodel,
            ARRAY(SELECT DISTINCT f.relname::text FROM pg_constraint k JOIN pg_class f ON f.oid = k.confrelid
                   WHERE k.conrelid = c.oid AND k.contype = 'f' AND f.relnamespace = c.relnamespace
                     AND f.oid <> c.oid) AS refs
       FROM pg_class c
       LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  return r.rows;
}

const isDistributed = (t: TableRow): boolean => t.partmethod === 'h';
const isReference = (t: TableRow): boolean => t.partmethod === 'n' && t.repmodel === 't';

/**
 * On a Citus coordinator, places every table of Pulse's schema not yet placed, in one transaction under
 * the migrations' lock (processes starting together place each table once): shared tables as reference
 * tables, org tables distributed by `org_id` and co-located with `accounts`. Idempotent; does nothing on
 * plain Postgres or PGlite. Returns the tables it placed, in the order it placed them.
 */
export async function distributeByOrg(db: Db): Promise<string[]> {
  if (!(await isCitusCoordinator(db))) return [];
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7316001)');
    const all = await tables(tx);
    const order = placementOrder(all);
    const anchored = all.some((t) => t.name === ANCHOR && t.has_org);
    for (const t of order) {
      if (!t.has_org) {
        await tx.query('SELECT create_reference_table($1::regclass)', [quoted(t.name)]);
      } else if (t.name === ANCHOR || !anchored) {
        await tx.query("SELECT create_distributed_table($1::regclass, 'org_id')", [quoted(t.name)]);
      } else {
        await tx.query("SELECT create_distributed_table($1::regclass, 'org_id', colocate_with => $2)", [
          quoted(t.name),
          quoted(ANCHOR),
        ]);
      }
    }
    return order.map((t) => t.name);
  });
}

/**
 * The tables still to place, each after the tables its foreign keys point at (Citus distributes a table
 * only once those are placed): shared tables first, then the anchor, then the other org tables.
 */
function placementOrder(all: TableRow[]): TableRow[] {
  const byName = new Map(all.map((t) => [t.name, t]));
  const placed = new Set(
    all.filter((t) => isDistributed(t) || isReference(t) || COORDINATOR_ONLY.has(t.name)).map((t) => t.name),
  );
  const rank = (t: TableRow): number => (!t.has_org ? 0 : t.name === ANCHOR ? 1 : 2);
  let pending = all.filter((t) => !placed.has(t.name)).sort((a, b) => rank(a) - rank(b));
  const order: TableRow[] = [];
  while (pending.length > 0) {
    const next = pending.find((t) => t.refs.every((r) => placed.has(r) || !byName.has(r)));
    if (!next) {
      throw new Error(
        `citus: cannot place ${pending.map((t) => t.name).join(', ')}: their foreign keys form a cycle, or a ` +
          'shared table (no org_id) refers to an org table (a reference table may only refer to reference tables)',
      );
    }
    order.push(next);
    placed.add(next.name);
    pending = pending.filter((t) => t !== next);
  }
  return order;
}

/** A table name of the current schema as regclass text (quoted, so any name resolves to itself). */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Where each of Pulse's tables is on a Citus coordinator; null elsewhere. */
export async function citusLayout(db: Db): Promise<CitusLayout | null> {
  if (!(await isCitusCoordinator(db))) return null;
  const layout: CitusLayout = { distributed: [], reference: [], local: [] };
  for (const t of await tables(db)) {
    if (isDistributed(t)) layout.distributed.push(t.name);
    else if (isReference(t)) layout.reference.push(t.name);
    else layout.local.push(t.name);
  }
  return layout;
}
