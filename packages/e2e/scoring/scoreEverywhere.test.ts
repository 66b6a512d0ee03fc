/**
 * `pulse score` prints the same bytes whatever the store (issue 18): on a generated org's export, the
 * JSON (every output, the CSV's columns and more) from the test database's server — the machine's PostgreSQL in the Postgres pass, a Citus
 * coordinator (tables distributed by org_id) in the Citus pass, in-memory PGlite in the first pass —
 * equal those from the embedded PGlite, byte for byte.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScore } from '@pulse/server/src/cli/score';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { migrate } from '@pulse/server/src/store/migrate';
import { collector } from '@pulse/server/testing/basicExport';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { generateOrg, toCsvExport } from '@pulse/sandbox/src/generator';

const NOW = new Date('2026-11-24T12:00:00Z');
const AS_OF = '2026-11-24';

let dir: string;
let server: Db;
let embedded: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-score-everywhere-'));
  await toCsvExport(generateOrg({ accounts: 60, seed: 23, now: NOW, days: 120 }), dir);
  server = await createTestDb();
  embedded = await openDb({ dataDir: 'memory' });
  await migrate(embedded);
}, 120_000);

afterAll(async () => {
  if (server) await dropTestDb(server);
  await embedded?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What `pulse score` prints for the export on one store. */
async function printed(db: Db): Promise<string> {
  const out = collector();
  await runScore({ data: dir, asOf: AS_OF, format: 'json', org: 'everywhere' }, out, { db });
  return out.text();
}

test('pulse score prints the same bytes on the test server as on PGlite', async () => {
  const onServer = await printed(server);
  const onPglite = await printed(embedded);
  expect(JSON.parse(onServer).accounts.length).toBeGreaterThan(20);
  expect(onServer).toBe(onPglite);
}, 120_000);
