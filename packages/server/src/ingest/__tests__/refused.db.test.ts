/**
 * A batch the store refuses for one item's value (a limit the checks before it did not know) keeps
 * its other items: the refused one is reported by index and id, the rest are stored (issue 16, item 1).
 * The refusal here is real: a CHECK constraint the test adds, so Postgres and PGlite answer 23514.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, dropTestDb } from '../../../testing/db';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { ingestEventItems } from '../events';
import { importCsv, type RowError } from '../importCsv';
import { ingestSegmentMessages } from '../segment';

const ORG = 'acme';
const NOW = new Date('2026-11-24T12:00:00Z');
let db: Db;

beforeAll(async () => {
  db = await createTestDb();
  await ensureOrg(db, ORG);
  await db.exec(`ALTER TABLE events ADD CONSTRAINT refuse_poison CHECK (source_id NOT LIKE 'poison%')`);
});
afterAll(() => dropTestDb(db));

async function storedIds(): Promise<string[]> {
  const r = await db.query<{ id: string }>('SELECT source_id AS id FROM events WHERE org_id = $1 ORDER BY 1', [ORG]);
  return r.rows.map((x) => x.id);
}

beforeEach(() => db.exec('DELETE FROM events'));

it('/v1/events: the refused item is rejected by index, the others are stored and accepted', async () => {
  const visit = (id: string) => ({
    id,
    type: 'web_visit',
    occurredAt: '2026-11-20',
    domain: 'acme.com',
    url: 'https://acme.io/',
  });
  const report = await ingestEventItems(db, ORG, [visit('a-1'), visit('poison-1'), visit('a-2')], NOW);
  expect(report).toMatchObject({ accepted: 2, rejected: 1 });
  expect(report.items).toEqual([
    { index: 0, id: 'a-1', status: 'accepted', type: 'web_visit' },
    {
      index: 1,
      id: 'poison-1',
      status: 'rejected',
      errors: [{ path: '(item)', message: 'the store refused this item (SQLSTATE 23514); nothing of it was stored' }],
    },
    { index: 2, id: 'a-2', status: 'accepted', type: 'web_visit' },
  ]);
  expect(await storedIds()).toEqual(['a-1', 'a-2']);
});

it("/v1/segment: the same, with the batch's identify calls still stored", async () => {
  const report = await ingestSegmentMessages(
    db,
    ORG,
    [
      {
        type: 'identify',
        messageId: 'id-1',
        userId: 'u1',
        traits: { email: 'ann@acme.com' },
        timestamp: '2026-11-20T10:00:00Z',
      },
      {
        type: 'page',
        messageId: 'poison-2',
        userId: 'u1',
        timestamp: '2026-11-20T10:00:00Z',
        properties: { url: 'https://acme.io/pricing' },
      },
      {
        type: 'page',
        messageId: 'seg-1',
        userId: 'u1',
        timestamp: '2026-11-20T10:01:00Z',
        properties: { url: 'https://acme.io/' },
      },
    ],
    NOW,
  );
  expect(report).toMatchObject({ accepted: 2, rejected: 1 });
  expect(report.items.map((i: { index: number; status: string }) => [i.index, i.status])).toEqual([
    [0, 'accepted'],
    [1, 'rejected'],
    [2, 'accepted'],
  ]);
  expect(await storedIds()).toEqual(['seg-1']);
});

it('pulse import: the refused row is an error with its line, the other rows are stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-refused-'));
  const file = join(dir, 'web.csv');
  writeFileSync(
    file,
    'id,occurredAt,domain,url\nw-1,2026-11-20,acme.com,https://acme.io/\npoison-3,2026-11-20,acme.com,https://acme.io/\nw-2,2026-11-21,acme.com,https://acme.io/\n',
  );
  const errors: RowError[] = [];
  const result = await importCsv(db, ORG, file, 'web', { now: NOW, onError: (e) => void errors.push(e) });
  expect(result).toMatchObject({ rows: 3, accepted: 2, rejected: 1 });
  expect(errors).toEqual([
    {
      line: 3,
      id: 'poison-3',
      column: '',
      message: 'the store refused this item (SQLSTATE 23514); nothing of it was stored',
    },
  ]);
  expect(await storedIds()).toEqual(['w-1', 'w-2']);
});
