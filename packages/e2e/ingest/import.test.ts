import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runImport } from '@pulse/server/src/cli/import';
import { importCsv } from '@pulse/server/src/ingest/importCsv';
import type { Db } from '@pulse/server/src/store/db';
import { countEvents } from '@pulse/server/src/store/events';
import { seedIngestOrgs } from '@pulse/server/src/http/__tests__/fixtures';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';

const FIX = join(__dirname, '..', 'fixtures', 'ingest');
const NOW = new Date('2026-11-24T12:00:00Z');
let db: Db;

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    deps: {
      out: { write: (s: string) => out.push(s) },
      err: { write: (s: string) => err.push(s) },
      db,
      now: () => NOW,
      progress: false,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

async function row(id: string) {
  const r = await db.query<{
    type: string;
    account_id: string | null;
    person_id: string | null;
    quantity: number;
    strength: number | null;
    attributes: Record<string, unknown>;
  }>("SELECT * FROM events WHERE org_id = 'org-a' AND source = 'api' AND source_id = $1", [id]);
  return r.rows[0];
}

beforeAll(async () => {
  db = await createTestDb();
  await seedIngestOrgs(db);
});

afterAll(async () => {
  await dropTestDb(db);
});

test('imports web visits, ads and intent with the API rules, resolved to accounts', async () => {
  const c = collect();
  const web = await runImport(join(FIX, 'web.csv'), { kind: 'web', org: 'org-a' }, c.deps);
  expect(web).toMatchObject({ rows: 3, accepted: 3, rejected: 0, unresolved: 1 });
  expect(c.out()).toBe(
    `imported ${join(FIX, 'web.csv')} (web) into org org-a: 3 rows, 3 accepted (1 unresolved), 0 rejected\n`,
  );
  expect(await row('w-1')).toMatchObject({ type: 'web_visit', person_id: 'P1', account_id: 'A1' });
  expect((await row('w-1'))?.attributes).toEqual({ title: 'Pricing', utm_source: 'linkedin' });
  expect(await row('w-2')).toMatchObject({ account_id: 'A2' });
  expect(await row('w-3')).toMatchObject({ account_id: null });

  const ads = await runImport(join(FIX, 'ads.csv'), { kind: 'ads', org: 'org-a' }, collect().deps);
  expect(ads).toMatchObject({ rows: 3, accepted: 3, rejected: 0, unresolved: 0 });
  expect(await row('li-1')).toMatchObject({ type: 'ad_impression', quantity: 340, account_id: 'A1' });
  expect((await row('li-1'))?.attributes).toEqual({ campaign: 'Q4 ABM', platform: 'linkedin' });
  expect(await row('li-3')).toMatchObject({ type: 'ad_lead', account_id: 'A2' });

  const intent = await runImport(join(FIX, 'intent.csv'), { kind: 'intent', org: 'org-a' }, collect().deps);
  expect(intent.accepted).toBe(2);
  expect(await row('bb-1')).toMatchObject({ type: 'intent', strength: 72, account_id: 'A1' });
  expect((await row('bb-1'))?.attributes).toEqual({ topic: 'Account Based Marketing', surge: true });
  expect((await row('bb-2'))?.attributes).toEqual({ topic: 'CRM', surge: false });
});

test('importing the same file again adds nothing (idempotent by id)', async () => {
  const before = await countEvents(db, 'org-a');
  await runImport(join(FIX, 'web.csv'), { kind: 'web', org: 'org-a' }, collect().deps);
  expect(await countEvents(db, 'org-a')).toBe(before);
});

test('bad rows are reported with line, column and message (stderr and --errors), good rows still stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-import-'));
  const errorsFile = join(dir, 'errors.csv');
  const c = collect();
  const r = await runImport(join(FIX, 'web-bad.csv'), { kind: 'web', org: 'org-a', errors: errorsFile }, c.deps);
  expect(r.accepted).toBe(1);
  expect(r.rejected).toBe(4);
  expect(r.rows).toBe(5);
  const rows = parse(readFileSync(errorsFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(rows.slice(0, 3)).toEqual([
    { line: '3', id: '', column: 'id', message: 'Required' },
    { line: '4', id: 'bad-url', column: 'url', message: 'not a URL (expected e.g. https://acme.com/pricing)' },
    expect.objectContaining({ line: '5', id: 'bad-date', column: 'occurredAt' }),
  ]);
  expect(rows[3]).toMatchObject({ line: '6', column: '' });
  expect(rows[3]!.message).toMatch(/^malformed row: /);
  expect(c.err()).toContain(`${join(FIX, 'web-bad.csv')} line 4, column url: not a URL`);
  expect(await row('ok-1')).toMatchObject({ account_id: 'A1' });
  expect(await row('bad-url')).toBeUndefined();
});

test('bad emails, repeated ids, wrong column counts and personal domains in one file', async () => {
  const c = collect();
  const r = await runImport(join(FIX, 'web-more.csv'), { kind: 'web', org: 'org-a' }, c.deps);
  expect(r).toMatchObject({ accepted: 2, rejected: 3, unresolved: 1 });
  expect(c.err()).toContain('line 2, column email: not an email address');
  expect(c.err()).toContain('line 4, column id: the same id is already at line 3');
  expect(c.err()).toMatch(/line 5: malformed row: /);
  expect(await row('ok-3')).toMatchObject({ account_id: 'A1' });
  expect(await row('ok-5')).toMatchObject({ account_id: null });
});

test('rows of another kind and non-numeric quantities are refused; nothing accepted is an error', async () => {
  const c = collect();
  await expect(runImport(join(FIX, 'ads-wrong-type.csv'), { kind: 'ads', org: 'org-a' }, c.deps)).rejects.toThrow(
    /no row of .*ads-wrong-type\.csv was accepted/,
  );
  expect(c.err()).toContain(
    'line 2, column type: "web_visit" does not belong in a ads file: expected ad_impression, ad_click, ad_lead',
  );
  expect(c.err()).toContain('line 3, column quantity: Expected number, received string');
  expect(await row('x-1')).toBeUndefined();
});

test('a missing column, an unknown kind and a missing file are named before anything is stored', async () => {
  const before = await countEvents(db, 'org-a');
  await expect(runImport(join(FIX, 'no-url.csv'), { kind: 'web', org: 'org-a' }, collect().deps)).rejects.toThrow(
    'line 1: a web file needs the columns id, occurredAt, url; missing: url (header has: id, occurredAt, domain)',
  );
  await expect(runImport(join(FIX, 'web.csv'), { kind: 'crm', org: 'org-a' }, collect().deps)).rejects.toThrow(
    '--kind must be one of web, ads, intent (got "crm")',
  );
  await expect(runImport(join(FIX, 'nope.csv'), { kind: 'web', org: 'org-a' }, collect().deps)).rejects.toThrow(
    /cannot read .*nope\.csv/,
  );
  expect(await countEvents(db, 'org-a')).toBe(before);
});

test('a failing batch stores none of its rows; earlier batches stay', async () => {
  const before = await countEvents(db, 'org-b');
  // A trigger refuses w-3, so the second batch fails inside its transaction.
  await db.exec(`CREATE FUNCTION refuse_w3() RETURNS trigger AS $$ BEGIN
      IF NEW.source_id = 'w-3' AND NEW.org_id = 'org-b' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
    CREATE TRIGGER refuse_w3 BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_w3();`);
  try {
    await expect(importCsv(db, 'org-b', join(FIX, 'web.csv'), 'web', { now: NOW, batchSize: 2 })).rejects.toThrow(
      'refused',
    );
    // Batch 1 (w-1, w-2) committed; batch 2 (w-3) left nothing behind.
    expect(await countEvents(db, 'org-b')).toBe(before + 2);
  } finally {
    await db.exec('DROP TRIGGER refuse_w3 ON events; DROP FUNCTION refuse_w3();');
  }
});

test('--errors neutralizes formula cells (id, column, message) but keeps the line number numeric', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-import-'));
  const file = join(dir, 'hostile.csv');
  const errorsFile = join(dir, 'errors.csv');
  const hostile = [
    '=HYPERLINK("http://evil","x")',
    `=cmd|' /C calc'!A0`,
    '+1+1',
    '-2+3',
    '@SUM(A1)',
    '\t=1+1',
    '\r=1+1',
  ];
  writeFileSync(
    file,
    'id,occurredAt,url,domain\n' +
      hostile.map((id) => `"${id.replace(/"/g, '""')}",2026-11-23T10:00:00Z,not a url,acme.com\n`).join('') +
      'ok-h,2026-11-23T10:00:00Z,https://vendor.example/pricing,acme.com\n',
  );
  const r = await runImport(file, { kind: 'web', org: 'org-a', errors: errorsFile }, collect().deps);
  expect(r).toMatchObject({ rejected: hostile.length, accepted: 1 });
  const rows = parse(readFileSync(errorsFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  // Ids are trimmed like every value, so the tab and CR ones arrive as "=1+1".
  expect(rows.map((x) => x.id)).toEqual(hostile.map((id) => `'${id.trim()}`));
  // The line is a number cell: left as digits, never quoted (the CR inside the last id ends a line).
  expect(rows.map((x) => x.line)).toEqual(['2', '3', '4', '5', '6', '7', '9']);
  expect(rows.every((x) => x.column === 'url' && !/^[=+\-@\t\r]/.test(x.message!))).toBe(true);
});

test('importCsv waits for each onError before reading on (malformed rows too), in line order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-import-'));
  const file = join(dir, 'bad.csv');
  const lines = ['id,occurredAt,url,domain'];
  for (let i = 0; i < 300; i++) {
    lines.push(i % 3 === 0 ? `m-${i},too,many,columns,here` : `b-${i},2026-11-23T10:00:00Z,not a url,acme.com`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  let pending = 0;
  let most = 0;
  const seen: number[] = [];
  const r = await importCsv(db, 'org-a', file, 'web', {
    now: NOW,
    onError: async (e) => {
      pending++;
      most = Math.max(most, pending);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(e.line);
      pending--;
    },
  });
  expect(r).toMatchObject({ rows: 300, rejected: 300, accepted: 0 });
  expect(most).toBe(1);
  expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
});

test('--errors on 5,000 bad rows has every one of them; stderr shows 20 and counts the rest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-import-'));
  const file = join(dir, 'bad.csv');
  const errorsFile = join(dir, 'errors.csv');
  const lines = ['id,occurredAt,url,domain'];
  for (let i = 0; i < 5_000; i++) {
    lines.push(i % 7 === 0 ? `m-${i},x` : `b-${i},2026-11-23T10:00:00Z,not a url,acme.com`);
  }
  lines.push('ok-5000,2026-11-23T10:00:00Z,https://vendor.example/pricing,acme.com');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const c = collect();
  const r = await runImport(file, { kind: 'web', org: 'org-a', errors: errorsFile }, c.deps);
  expect(r).toMatchObject({ rows: 5_001, rejected: 5_000, accepted: 1 });
  const rows = parse(readFileSync(errorsFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(rows.map((x) => Number(x.line))).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 2));
  expect(rows[0]).toMatchObject({ line: '2', id: '', column: '', message: expect.stringMatching(/^malformed row: /) });
  expect(rows[1]).toMatchObject({ line: '3', id: 'b-1', column: 'url' });
  const err = c.err().trim().split('\n');
  expect(err).toHaveLength(21);
  expect(err[20]).toBe(`… and 4980 more problems (5000 in all, every one in ${errorsFile})`);
});

test('an --errors file that cannot be written is named (and the store is closed)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-import-'));
  const errorsFile = join(dir, 'no', 'such', 'errors.csv');
  await expect(
    runImport(join(FIX, 'web-bad.csv'), { kind: 'web', org: 'org-a', errors: errorsFile }, collect().deps),
  ).rejects.toThrow(`--errors ${errorsFile}: cannot write: ENOENT`);
});
