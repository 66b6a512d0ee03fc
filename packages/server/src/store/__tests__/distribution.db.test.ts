/**
 * One schema for PGlite, PostgreSQL and Citus (issue 18): every primary key and unique constraint of a
 * table that carries an org id leads with org_id, read from the catalog; on a Citus coordinator (the
 * Citus pass of tools/test-all.sh sets PULSE_TEST_CITUS=1) `migrate` has distributed every such table
 * by org_id, co-located with accounts, and made the rest reference tables — a table added by a later
 * migration too. Elsewhere nothing is distributed.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../db';
import { migrate } from '../migrate';
import { citusLayout, distributeByOrg } from '../distribution';
import { createApiKey, findApiKey, revokeApiKey } from '../apiKeys';
import { withTestDb } from '../../../testing/db';

const CITUS = process.env.PULSE_TEST_CITUS === '1';
const MIGRATIONS = join(__dirname, '..', 'migrations');

let db: Db;
const dirs: string[] = [];
withTestDb(
  (d) => (db = d),
  () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
);

interface KeyRow {
  table: string;
  name: string;
  columns: string[];
}

/** Every primary key, unique constraint and unique index of the tables in the test's schema, with its columns in order. */
async function uniqueKeys(): Promise<KeyRow[]> {
  const r = await db.query<KeyRow>(
    `SELECT c.relname AS table, i.relname AS name,
            ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
       FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indisunique AND c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
      ORDER BY 1, 2`,
  );
  return r.rows;
}

/** The tables of the test's schema that have an org_id column, and those that have none. */
async function tablesByOrg(): Promise<{ org: string[]; shared: string[] }> {
  const r = await db.query<{ name: string; has_org: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS has_org
       FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY 1`,
  );
  return {
    org: r.rows.filter((t) => t.has_org).map((t) => t.name),
    shared: r.rows.filter((t) => !t.has_org).map((t) => t.name),
  };
}

test('every primary key and unique constraint of an org table leads with org_id', async () => {
  const { org } = await tablesByOrg();
  expect(org).toEqual(expect.arrayContaining(['accounts', 'people', 'events', 'snapshots', 'api_keys']));
  const keys = (await uniqueKeys()).filter((k) => org.includes(k.table));
  // Each org table has its key: a primary key at least, every one of them starting with org_id.
  expect(new Set(keys.map((k) => k.table))).toEqual(new Set(org));
  expect(keys.filter((k) => k.columns[0] !== 'org_id')).toEqual([]);
});

test('an API key is found by its hash and revoked by its prefix with no org given', async () => {
  await db.query("INSERT INTO orgs (id, name) VALUES ('dist-a', 'A'), ('dist-b', 'B') ON CONFLICT (id) DO NOTHING");
  const a = await createApiKey(db, 'dist-a');
  const b = await createApiKey(db, 'dist-b');
  expect((await findApiKey(db, b.key))?.orgId).toBe('dist-b');
  expect((await revokeApiKey(db, a.prefix))?.orgId).toBe('dist-a');
  expect((await findApiKey(db, a.key))?.revokedAt).not.toBeNull();
  expect((await findApiKey(db, b.key))?.revokedAt).toBeNull();
});

test(
  CITUS
    ? 'on Citus: accounts, people, events, snapshots and every org table are hash-distributed by org_id, co-located; the rest are reference tables'
    : 'on PGlite and plain PostgreSQL nothing is distributed',
  async () => {
    const layout = await citusLayout(db);
    if (!CITUS) {
      expect(layout).toBeNull();
      expect(await distributeByOrg(db)).toEqual([]);
      return;
    }
    const r = await db.query<{ table: string; method: string; column: string | null; colocation: number }>(
      `SELECT c.relname AS table, p.partmethod::text AS method, column_to_column_name(p.logicalrelid, p.partkey) AS column,
              p.colocationid AS colocation
         FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND p.partmethod = 'h' ORDER BY 1`,
    );
    const hashed = new Map(r.rows.map((x) => [x.table, x]));
    for (const t of ['accounts', 'people', 'events', 'snapshots']) {
      expect(hashed.get(t)).toMatchObject({ method: 'h', column: 'org_id' });
    }
    const { org, shared } = await tablesByOrg();
    expect([...hashed.keys()].sort()).toEqual(org);
    expect(r.rows.every((x) => x.column === 'org_id' && x.colocation === hashed.get('accounts')!.colocation)).toBe(
      true,
    );
    expect(layout).toEqual({
      distributed: org,
      reference: shared.filter((t) => t !== 'schema_migrations'),
      local: ['schema_migrations'],
    });
    expect(layout!.reference).toEqual(expect.arrayContaining(['orgs', 'rate_buckets']));
  },
);

test('a table a later migration adds is placed by the next migrate, by the same rule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
  dirs.push(dir);
  for (const f of readdirSync(MIGRATIONS)) if (f.endsWith('.sql')) copyFileSync(join(MIGRATIONS, f), join(dir, f));
  writeFileSync(
    join(dir, '999_later.sql'),
    `CREATE TABLE later_org_notes (org_id text NOT NULL REFERENCES orgs(id), account_id text NOT NULL, note text,
       PRIMARY KEY (org_id, account_id));
     CREATE TABLE later_shared_codes (code text PRIMARY KEY, label text NOT NULL);`,
  );
  expect(await migrate(db, dir)).toEqual(['999_later.sql']);
  await db.query("INSERT INTO orgs (id, name) VALUES ('dist-a', 'A') ON CONFLICT (id) DO NOTHING");
  await db.query("INSERT INTO later_org_notes (org_id, account_id, note) VALUES ('dist-a', 'acc-1', 'kept')");
  const layout = await citusLayout(db);
  if (CITUS) {
    expect(layout!.distributed).toContain('later_org_notes');
    expect(layout!.reference).toContain('later_shared_codes');
  } else {
    expect(layout).toBeNull();
  }
  // Placed once: running it again finds nothing left to place and keeps the rows.
  expect(await migrate(db, dir)).toEqual([]);
  expect(await distributeByOrg(db)).toEqual([]);
  const r = await db.query<{ note: string }>("SELECT note FROM later_org_notes WHERE org_id = 'dist-a'");
  expect(r.rows).toEqual([{ note: 'kept' }]);
});
