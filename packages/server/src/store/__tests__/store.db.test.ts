import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrayLiteral, copyField, CopyBuffer, openDb, type Db } from '../db';
import { migrate } from '../migrate';
import { withTestDb } from '../../../testing/db';

let db: Db;
withTestDb((d) => (db = d));

test('migrations are recorded and safe to run twice', async () => {
  expect(await migrate(db)).toEqual([]);
  const r = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
  expect(r.rows.map((x) => x.name)).toContain('001_core.sql');
});

test('both drivers return numbers for bigint/numeric and plain strings for dates', async () => {
  const r = await db.query<{ n: number; m: number; d: string }>(
    "SELECT 7::bigint AS n, 1.5::numeric AS m, DATE '2026-11-24' AS d",
  );
  expect(r.rows[0]).toEqual({ n: 7, m: 1.5, d: '2026-11-24' });
});

test('a transaction that throws leaves nothing behind', async () => {
  await expect(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO orgs (id, name) VALUES ('o1', 'Org one')");
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  const r = await db.query('SELECT 1 FROM orgs WHERE id = $1', ['o1']);
  expect(r.rowCount).toBe(0);
});

test('events are unique per org, source and source id (upsert is idempotent)', async () => {
  await db.query("INSERT INTO orgs (id, name) VALUES ('o2', 'Org two') ON CONFLICT DO NOTHING");
  const upsert = `INSERT INTO events (org_id, source, source_id, type, occurred_at)
    VALUES ('o2', 'csv', 'e1', $1, '2026-11-01T00:00:00Z')
    ON CONFLICT (org_id, source, source_id) DO UPDATE SET type = excluded.type`;
  await db.query(upsert, ['meeting']);
  await db.query(upsert, ['call']);
  const r = await db.query<{ type: string }>("SELECT type FROM events WHERE org_id = 'o2'");
  expect(r.rows).toEqual([{ type: 'call' }]);
});

test('the embedded store creates its data directory, parents included, and keeps data across opens', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pulse-store-'));
  const dir = join(root, 'nested', 'pg');
  try {
    const first = await openDb({ dataDir: dir });
    await migrate(first);
    await first.query("INSERT INTO orgs (id, name) VALUES ('kept', 'Kept')");
    await first.close();
    const second = await openDb({ dataDir: dir });
    const r = await second.query<{ name: string }>("SELECT name FROM orgs WHERE id = 'kept'");
    await second.close();
    expect(r.rows).toEqual([{ name: 'Kept' }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

describe('copyFrom (COPY text format)', () => {
  const awkward = ['tab\there', 'new\nline', 'back\\slash', 'quote "q"', 'comma, brace {x}', 'cr\rx', '\\N', ''];

  test('round-trips awkward text, arrays, JSON and nulls on both drivers, inside and outside a transaction', async () => {
    await db.exec('CREATE TABLE copy_check (t text, a text[], j jsonb, n float8, b bool, d date)');
    const lines = awkward.map(
      (t, i) =>
        [t, arrayLiteral([t, 'plain']), JSON.stringify({ t }), i + 0.25, i % 2 === 0, i ? '2026-11-24' : null]
          .map(copyField)
          .join('\t') + '\n',
    );
    expect(await db.copyFrom('copy_check', ['t', 'a', 'j', 'n', 'b', 'd'], lines.slice(0, 4).join(''))).toBe(4);
    await db.transaction(async (tx) => {
      expect(await tx.copyFrom('copy_check', ['t', 'a', 'j', 'n', 'b', 'd'], lines.slice(4).join(''))).toBe(4);
    });
    const r = await db.query<{ t: string; a: string[]; j: { t: string }; n: number; b: boolean; d: string | null }>(
      'SELECT * FROM copy_check ORDER BY n',
    );
    expect(r.rows).toEqual(
      awkward.map((t, i) => ({
        t,
        a: [t, 'plain'],
        j: { t },
        n: i + 0.25,
        b: i % 2 === 0,
        d: i ? '2026-11-24' : null,
      })),
    );
  });

  test('a CopyBuffer grows past its capacity and keeps multi-byte text intact', async () => {
    await db.exec('CREATE TABLE copy_buf (t text)');
    const buffer = new CopyBuffer(8);
    const texts = ['Zoë', 'Ünïcödé ✓', '👩‍💼 buyer', 'x'.repeat(100)];
    for (const t of texts) buffer.add(`${copyField(t)}\n`);
    expect(buffer.lines).toBe(4);
    expect(await db.copyFrom('copy_buf', ['t'], buffer.bytes())).toBe(4);
    buffer.reset();
    expect([buffer.lines, buffer.length]).toEqual([0, 0]);
    expect((await db.query<{ t: string }>('SELECT t FROM copy_buf')).rows.map((r) => r.t)).toEqual(texts);
  });

  test('a bad row fails the COPY with the database message, and a transaction around it keeps nothing', async () => {
    await db.exec('CREATE TABLE copy_bad (n int NOT NULL)');
    await expect(
      db.transaction(async (tx) => {
        await tx.copyFrom('copy_bad', ['n'], '1\n');
        await tx.copyFrom('copy_bad', ['n'], '2\nnot a number\n');
      }),
    ).rejects.toThrow(/invalid input syntax for type integer: "not a number"/);
    expect((await db.query('SELECT * FROM copy_bad')).rows).toEqual([]);
  });
});
