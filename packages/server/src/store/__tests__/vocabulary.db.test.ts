/**
 * Migration 070: a database written with the old words (sync_state and its watermarks,
 * writeback_mappings, `budget_exhausted` pulls) keeps every row under the one vocabulary.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../db';
import { migrate } from '../migrate';
import { getCheckpoint, listCheckpoints } from '../checkpoints';
import { loadFieldMappingOverrides } from '../fieldMappings';
import { listRuns } from '../runs';

const MIGRATIONS = join(__dirname, '..', 'migrations');
const VOCABULARY = '070_one_vocabulary.sql';

let db: Db;
let schema: string | undefined;
let before: string;

beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  db = await openDb(url ? { url, schema } : { dataDir: 'memory' });
  // The schema as it stood before the vocabulary migration.
  before = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
  for (const f of readdirSync(MIGRATIONS))
    if (f.endsWith('.sql') && f < VOCABULARY) copyFileSync(join(MIGRATIONS, f), join(before, f));
  // Pulse of that time never distributed its tables on Citus (keys that do not lead with org_id remain).
  await migrate(db, before, { distribute: false });
  await db.exec(`
    INSERT INTO orgs (id, name) VALUES ('acme', 'acme');
    INSERT INTO sync_state (org_id, object, watermark, records) VALUES ('acme', 'Account', '2026-11-20T10:00:00Z', 120);
    INSERT INTO sync_state (org_id, object, watermark, cursor, records)
      VALUES ('acme', 'map:marketo', '2026-11-19T08:00:00Z', 'tok-7', 40);
    INSERT INTO writeback_mappings (org_id, output, field) VALUES ('acme', 'score', 'Score__c'), ('acme', 'summary', NULL);
    INSERT INTO runs (org_id, kind, status, state) VALUES
      ('acme', 'sync', 'budget_exhausted', '{"full": false}'),
      ('acme', 'sync', 'succeeded', '{"full": true}'),
      ('acme', 'sync:marketo', 'partial', '{"full": false}'),
      ('acme', 'sync:hubspot', 'failed', '{"full": false}'),
      ('acme', 'daily', 'partial', '{"pullStatus": "budget_exhausted", "scheduledFor": "2026-11-20"}');
  `);
});

afterAll(async () => {
  rmSync(before, { recursive: true, force: true });
  if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
});

test('renames the tables and keeps every checkpoint and field mapping override', async () => {
  // The vocabulary migration runs first, then whatever came after it.
  const later = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql') && f > VOCABULARY);
  expect(await migrate(db)).toEqual([VOCABULARY, ...later.sort()]);
  expect(await listCheckpoints(db, 'acme')).toEqual([
    { stream: 'Account', watermark: new Date('2026-11-20T10:00:00Z'), cursor: null, records: 120 },
    { stream: 'map:marketo', watermark: new Date('2026-11-19T08:00:00Z'), cursor: 'tok-7', records: 40 },
  ]);
  expect(await getCheckpoint(db, 'acme', 'map:marketo')).toEqual({
    watermark: new Date('2026-11-19T08:00:00Z'),
    cursor: 'tok-7',
  });
  expect(await loadFieldMappingOverrides(db, 'acme')).toEqual({ score: 'Score__c', summary: null });
  const gone = await db.query<{ t: string | null }>(
    "SELECT to_regclass('sync_state')::text AS t UNION ALL SELECT to_regclass('writeback_mappings')::text",
  );
  expect(gone.rows).toEqual([{ t: null }, { t: null }]);
  const constraints = await db.query<{ conname: string }>(
    "SELECT conname FROM pg_constraint WHERE conrelid IN ('sync_checkpoints'::regclass, 'field_mappings'::regclass) ORDER BY conname",
  );
  // Servers that name NOT NULL constraints list those too (renamed alike).
  const names = constraints.rows.map((c) => c.conname);
  expect(names).toEqual(
    expect.arrayContaining([
      'field_mappings_org_id_fkey',
      'field_mappings_pkey',
      'sync_checkpoints_org_id_fkey',
      'sync_checkpoints_pkey',
    ]),
  );
  expect(names.filter((n) => !/^(sync_checkpoints|field_mappings)_/.test(n) || /_object_/.test(n))).toEqual([]);
});

test('every pull run speaks succeeded | partial | failed, a partial one with its reason', async () => {
  const runs = (await listRuns(db, 'acme')).reverse().map((r) => ({ kind: r.kind, status: r.status, state: r.state }));
  expect(runs).toEqual([
    { kind: 'sync', status: 'partial', state: { full: false, reason: 'budget' } },
    { kind: 'sync', status: 'succeeded', state: { full: true } },
    { kind: 'sync:marketo', status: 'partial', state: { full: false, reason: 'quota' } },
    { kind: 'sync:hubspot', status: 'failed', state: { full: false } },
    { kind: 'daily', status: 'partial', state: { pullStatus: 'partial', scheduledFor: '2026-11-20' } },
  ]);
});

test('running the migration again changes nothing', async () => {
  const snapshot = async () => ({
    checkpoints: await listCheckpoints(db, 'acme'),
    mapping: await loadFieldMappingOverrides(db, 'acme'),
    runs: await listRuns(db, 'acme'),
  });
  const once = await snapshot();
  await db.transaction((tx) => tx.exec(readFileSync(join(MIGRATIONS, VOCABULARY), 'utf8')));
  expect(await snapshot()).toEqual(once);
});
