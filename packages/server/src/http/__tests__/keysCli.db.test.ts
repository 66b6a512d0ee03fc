import { runKeysCreate, runKeysList, runKeysRevoke, resolveOrg } from '../../cli/keys';
import { ingestLimits, startServe } from '../../cli/serve';
import { findApiKey, hashApiKey } from '../../store/apiKeys';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { readConfig } from '../../config';

let db: Db;

function collector() {
  const lines: string[] = [];
  return { out: { write: (s: string) => lines.push(s) }, text: () => lines.join('') };
}

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await dropTestDb(db);
});

test('without --org and no org connected, key creation says how to connect one', async () => {
  const c = collector();
  await expect(runKeysCreate({}, { ...c, db })).rejects.toThrow(/no org is connected yet/);
});

test('creates a key for the only org, printed alone on the last line, stored only as a hash', async () => {
  await ensureOrg(db, 'org-a');
  const c = collector();
  const made = await runKeysCreate({ label: 'website' }, { ...c, db });
  const lines = c.text().trimEnd().split('\n');
  expect(lines[lines.length - 1]).toBe(made.key);
  expect(made.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
  expect(made.orgId).toBe('org-a');
  expect(c.text()).toContain(`${made.prefix}… for org org-a (website)`);
  const stored = await db.query<Record<string, unknown>>('SELECT * FROM api_keys');
  expect(stored.rows).toHaveLength(1);
  expect(JSON.stringify(stored.rows)).not.toContain(made.key);
  expect(stored.rows[0]!.key_hash).toBe(hashApiKey(made.key));
  expect((await findApiKey(db, made.key))?.orgId).toBe('org-a');
  expect(await findApiKey(db, `${made.key}x`)).toBeNull();
});

test('with several orgs --org is required, and an unknown org is named', async () => {
  await ensureOrg(db, 'org-b');
  await expect(resolveOrg(db, undefined)).rejects.toThrow('2 orgs are connected (org-a, org-b): pass --org ID');
  await expect(resolveOrg(db, 'org-z')).rejects.toThrow('org org-z is not connected (connected: org-a, org-b)');
  const c = collector();
  const made = await runKeysCreate({ org: 'org-b' }, { ...c, db });
  expect(made.orgId).toBe('org-b');
});

test('lists keys without the secret and revokes by prefix', async () => {
  const c = collector();
  const made = await runKeysCreate({ org: 'org-a', label: 'segment' }, { ...collector(), db });
  const keys = await runKeysList({ org: 'org-a' }, { ...c, db });
  expect(keys.map((k) => k.label).sort()).toEqual(['segment', 'website']);
  expect(c.text()).toMatch(/^KEY\s+ORG\s+LABEL\s+CREATED\s+LAST USED\s+STATUS\n/);
  expect(c.text()).toContain(made.prefix);
  expect(c.text()).not.toContain(made.key);
  const r = collector();
  const revoked = await runKeysRevoke(`${made.prefix}…`, { ...r, db });
  expect(revoked.revokedAt).not.toBeNull();
  expect(r.text()).toBe(`revoked ${made.prefix} (org org-a)\n`);
  expect((await findApiKey(db, made.key))?.revokedAt).not.toBeNull();
  const listed = collector();
  await runKeysList({ org: 'org-a' }, { ...listed, db });
  expect(listed.text()).toMatch(new RegExp(`${made.prefix}.*revoked`));
  await expect(runKeysRevoke('pk_nothere', { ...collector(), db })).rejects.toThrow(/no key pk_nothere/);
});

test('pulse serve listens on --port or PORT and rejects a bad one', async () => {
  const c = collector();
  const serving = await startServe({}, { ...c, db, config: readConfig({ PORT: '0' }) });
  expect(c.text()).toBe(`Pulse is listening on ${serving.url}\n`);
  const res = await fetch(`${serving.url}/readyz`);
  expect(await res.json()).toEqual({ status: 'ready' });
  await serving.close();
  await expect(startServe({ port: 'eighty' }, { ...c, db, config: readConfig({}) })).rejects.toThrow(
    /--port: "eighty" is not a port number/,
  );
});

test('pulse serve turns --rate-limit and --max-body-bytes into ingestion limits, refusing nonsense', () => {
  expect(ingestLimits({})).toEqual({});
  expect(ingestLimits({ rateLimit: '50', maxBodyBytes: '2048' })).toEqual({
    rateLimit: { perSecond: 50, burst: 100 },
    maxBodyBytes: 2048,
  });
  expect(ingestLimits({ rateLimit: '0' })).toEqual({ rateLimit: false });
  expect(() => ingestLimits({ maxBodyBytes: '0' })).toThrow(/--max-body-bytes: "0" is not a positive number/);
  expect(() => ingestLimits({ rateLimit: 'lots' })).toThrow(/--rate-limit: "lots" is not a number ≥ 0/);
});
