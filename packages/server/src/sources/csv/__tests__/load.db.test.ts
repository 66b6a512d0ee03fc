import { readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../../store/db';
import { withTestDb } from '../../../../testing/db';
import { BASIC_AS_OF, BASIC_EXPORT, BASIC_MODEL, tempDirs } from '../../../../testing/basicExport';
import { parseModel } from '../../../model/schema';
import { ValidationError } from '../../../errors';
import { loadCsvDir, MAX_ISSUES } from '../load';
import { IssueLog } from '../issues';

const FIXTURE = BASIC_EXPORT;
const model = parseModel(JSON.parse(readFileSync(BASIC_MODEL, 'utf8')));
const AS_OF = BASIC_AS_OF;

let db: Db;
const tmp = tempDirs('pulse-csv-');
withTestDb(
  (d) => (db = d),
  () => tmp.removeAll(),
);

/** A copy of the fixture with some files replaced. */
function dataDir(files: Partial<Record<'accounts' | 'people' | 'events', string>>): string {
  const dir = tmp.make();
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.csv`), text);
  return dir;
}

async function dump(orgId: string) {
  const q = async (sql: string) => (await db.query(sql, [orgId])).rows;
  return {
    accounts: await q('SELECT * FROM accounts WHERE org_id = $1 ORDER BY id'),
    people: await q('SELECT * FROM people WHERE org_id = $1 ORDER BY id'),
    events: await q('SELECT * FROM events WHERE org_id = $1 ORDER BY source_id'),
  };
}

async function loadError(dir: string, orgId: string): Promise<ValidationError> {
  const e: unknown = await loadCsvDir(db, dir, { orgId, asOf: AS_OF, model }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ValidationError);
  return e as ValidationError;
}

describe('loadCsvDir on the basic fixture', () => {
  it('stores accounts, people and events with identity resolved', async () => {
    const summary = await loadCsvDir(db, FIXTURE, { orgId: 'local', asOf: AS_OF, model });
    expect(summary).toEqual({
      accounts: 3,
      people: 5,
      peopleMatched: 1,
      events: 10,
      eventsUnresolved: 1,
      opportunities: 0,
    });

    const { accounts, people, events } = await dump('local');
    expect(accounts.map((a) => [a.id, a.domain, a.industry, a.employees, a.attributes])).toEqual([
      ['acme', 'acme.com', 'Software', 1200, { region: 'EMEA' }],
      ['globex', 'globex.co.uk', 'Manufacturing', 300, { region: 'NA' }],
      ['initech', 'initech.com', 'Software', 50, { region: 'NA' }],
    ]);
    const person = (id: string) => people.find((p) => p.id === id)!;
    expect(person('p1')).toMatchObject({ account_id: 'acme', seniority: 'cxo', department: 'marketing' });
    expect(person('p2')).toMatchObject({
      account_id: 'acme',
      seniority: 'manager',
      department: 'marketing',
      match_method: 'email_subdomain',
    });
    expect(person('p2').match_confidence).toBeCloseTo(0.85, 5);
    // The explicit department wins over a title that names none.
    expect(person('p4')).toMatchObject({ seniority: 'individual', department: 'security' });
    expect(person('p5')).toMatchObject({ account_id: null, match_method: null });

    const event = (id: string) => events.find((e) => e.source_id === id)!;
    expect(event('e2')).toMatchObject({ source: 'csv', account_id: 'acme', person_id: 'p2', quantity: 1 });
    expect(event('e3')).toMatchObject({ quantity: 3 });
    expect((event('e3').occurred_at as Date).toISOString()).toBe('2026-03-31T08:00:00.000Z');
    expect((event('e2').occurred_at as Date).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(event('e5')).toMatchObject({ account_id: 'acme', person_id: null, domain: 'acme.com' });
    expect(event('e7')).toMatchObject({ excluded_reason: 'bot' });
    expect(event('e8')).toMatchObject({ account_id: 'globex' });
    expect(event('e10')).toMatchObject({ account_id: null, domain: 'unknown.io' });
  });

  it('is idempotent: loading again leaves every row unchanged', async () => {
    const before = await dump('local');
    await loadCsvDir(db, FIXTURE, { orgId: 'local', asOf: AS_OF, model });
    expect(await dump('local')).toEqual(before);
  });

  it('loads into the org it is given', async () => {
    await loadCsvDir(db, FIXTURE, { orgId: 'other', asOf: AS_OF, model });
    expect((await dump('other')).events).toHaveLength(10);
  });

  it('keeps campaignType and unknown event columns as attributes', async () => {
    const dir = dataDir({
      events: 'id,type,occurredAt,personId,campaignType,channel\nc1,campaign_response,2026-03-30,p1,Webinar,linkedin\n',
    });
    await loadCsvDir(db, dir, { orgId: 'attrs', asOf: AS_OF, model });
    const { events } = await dump('attrs');
    expect(events[0]).toMatchObject({
      attributes: { campaignType: 'Webinar', channel: 'linkedin' },
      account_id: 'acme',
    });
  });

  it('accepts a custom event type only when the model counts it', async () => {
    const dir = dataDir({ events: 'id,type,occurredAt,accountId\nx1,g2_review,2026-03-30,acme\n' });
    const e = await loadError(dir, 'custom');
    expect(e.issues).toEqual([
      { path: 'events.csv line 2, column type', message: expect.stringContaining('unknown event type "g2_review"') },
    ]);
    const custom = parseModel({
      ...JSON.parse(readFileSync(join(FIXTURE, 'model.json'), 'utf8')),
      kpis: [{ key: 'reviews', label: 'Reviews', weight: 100, activities: { g2_review: 3 }, reference: 5 }],
    });
    await expect(loadCsvDir(db, dir, { orgId: 'custom', asOf: AS_OF, model: custom })).resolves.toMatchObject({
      events: 1,
    });
  });
});

describe('loadCsvDir on bad input', () => {
  it('reports every problem with file, line and column, and stores nothing', async () => {
    const dir = dataDir({
      accounts: 'id,name,domain,employees\nacme,Acme,acme.com,many\nacme,Acme again,acme.com,3\n,No id,x.com,1\n',
      people: 'id,accountId,email,name,title,department\np1,acme,a@acme.com,A,CMO,\np9,nope,b@x.com,B,VP,\n',
      events: [
        'id,type,occurredAt,personId,accountId,domain,url,quantity,strength',
        'e1,meeting,2026-03-30,p1,,,,,',
        'e2,telepathy,2026-03-30,p1,,,,,',
        'e3,meeting,2026-04-01T00:00:00Z,p1,,,,,',
        'e4,meeting,yesterday,p1,,,,,',
        'e5,meeting,2026-03-30,,,,,,',
        'e6,meeting,2026-03-30,ghost,,,,,',
        'e7,meeting,2026-03-30,,zzz,,,,',
        'e8,intent,2026-03-30,p1,,,,-2,150',
        'e9,meeting,2026-03-30,p1,,,,too,many,columns',
        'e10,meeting,2026-02-30,p1,,,,,',
      ].join('\n'),
    });
    const e = await loadError(dir, 'bad');
    expect(e.issues).toEqual([
      {
        path: 'accounts.csv line 2, column employees',
        message: '"many" is not a valid employee count (a whole number ≥ 0)',
      },
      { path: 'accounts.csv line 3, column id', message: 'duplicate id "acme" (first on line 2)' },
      { path: 'accounts.csv line 4, column id', message: 'is required' },
      { path: 'people.csv line 3, column accountId', message: 'unknown account "nope"' },
      { path: 'events.csv line 3, column type', message: expect.stringContaining('unknown event type "telepathy"') },
      {
        path: 'events.csv line 4, column occurredAt',
        message: '2026-04-01T00:00:00.000Z is in the future (after the as-of date 2026-03-31)',
      },
      {
        path: 'events.csv line 5, column occurredAt',
        message: '"yesterday" is not a date (use YYYY-MM-DD or ISO 8601 date-time)',
      },
      { path: 'events.csv line 6, column personId', message: 'an event needs a personId, accountId or domain' },
      { path: 'events.csv line 7, column personId', message: 'unknown person "ghost"' },
      { path: 'events.csv line 8, column accountId', message: 'unknown account "zzz"' },
      { path: 'events.csv line 9, column quantity', message: '"-2" is not a valid quantity (a number ≥ 0)' },
      { path: 'events.csv line 9, column strength', message: '"150" is not a valid strength (a number from 0 to 100)' },
      { path: 'events.csv line 10', message: expect.stringContaining('malformed row: Invalid Record Length') },
      { path: 'events.csv line 11, column occurredAt', message: expect.stringContaining('"2026-02-30" is not a date') },
    ]);
    expect(e.message).toContain('events.csv line 3, column type: unknown event type "telepathy"');
    const { accounts, people, events } = await dump('bad');
    expect([accounts.length, people.length, events.length]).toEqual([0, 0, 0]);
  });

  it('names every missing required column', async () => {
    const dir = dataDir({ events: 'id,when,personId\ne1,2026-03-30,p1\n', people: 'id,name\np1,A\n' });
    const e = await loadError(dir, 'cols');
    expect(e.issues).toEqual([
      {
        path: 'people.csv line 1',
        message: 'missing required columns "accountId", "email", "title", "department" (header has: id, name)',
      },
      {
        path: 'events.csv line 1',
        message: 'missing required columns "type", "occurredAt" (header has: id, when, personId)',
      },
    ]);
  });

  it('keeps only the first problems in memory on a file of 5,000 bad rows and says how many there were', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `b${i},meeting,not-a-date,p1,,,,,`);
    // A malformed row and a reference problem in people.csv, which is checked after its rows are read.
    const dir = dataDir({
      people: 'id,accountId,email,name,title,department\np1,acme,a@acme.com,A,CMO,\np9,nope,b@x.com,B,VP,\n',
      events: [
        'id,type,occurredAt,personId,accountId,domain,url,quantity,strength',
        ...rows,
        'x,meeting,2026-03-30,p1,,,,,,,,',
      ].join('\n'),
    });
    const push = jest.spyOn(IssueLog.prototype, 'push');
    try {
      const e = await loadError(dir, 'many');
      expect(e.issues).toHaveLength(MAX_ISSUES + 1);
      expect(e.issues[0]!.path).toBe('people.csv line 3, column accountId');
      expect(e.issues[1]!.path).toBe('events.csv line 2, column occurredAt');
      expect(e.issues[MAX_ISSUES - 1]!.path).toBe(`events.csv line ${MAX_ISSUES}, column occurredAt`);
      expect(e.issues[MAX_ISSUES]).toEqual({
        path: '',
        message: `… and ${5_002 - MAX_ISSUES} more problems (5002 in all)`,
      });
      const log = push.mock.contexts[0] as IssueLog;
      expect(push.mock.contexts.every((c) => c === log)).toBe(true);
      expect(log.count).toBe(5_002);
      expect(log.peak).toBeLessThanOrEqual(2 * MAX_ISSUES);
    } finally {
      push.mockRestore();
    }
    const { accounts, people, events } = await dump('many');
    expect([accounts.length, people.length, events.length]).toEqual([0, 0, 0]);
  });

  it('names a missing file', async () => {
    const dir = dataDir({});
    rmSync(join(dir, 'people.csv'));
    await expect(loadCsvDir(db, dir, { orgId: 'nofile', asOf: AS_OF, model })).rejects.toThrow(/people\.csv/);
  });
});
