/**
 * SOQL engine over an in-memory OrgStore. Shapes follow the REST query docs:
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
import { OrgStore } from '../store';
import { executeQuery, SoqlError, type ShapedRecord } from '../soql';

const NOW = new Date('2026-11-24T12:00:00.000Z');

function buildOrg() {
  const store = new OrgStore({ now: () => NOW });
  const acme = store.insert('Account', { Name: 'Acme Corp', Industry: 'Technology', NumberOfEmployees: 500 });
  const globex = store.insert('Account', { Name: 'Globex', Industry: 'Energy', NumberOfEmployees: 50 });
  const initech = store.insert('Account', { Name: "O'Reilly 100%_Co", Industry: null, NumberOfEmployees: null });
  const gone = store.insert('Account', { Name: 'Gone Ltd', Industry: 'Retail' });
  store.delete('Account', gone.Id);
  const ann = store.insert('Contact', { FirstName: 'Ann', LastName: 'Lee', AccountId: acme.Id, Email: 'ann@acme.com' });
  const bob = store.insert('Contact', { FirstName: 'Bob', LastName: 'Ray', AccountId: null, Email: 'bob@x.com' });
  const lead = store.insert('Lead', { FirstName: 'Lu', LastName: 'Chen', Company: 'Acme', Email: 'lu@acme.com' });
  const t1 = store.insert('Task', { WhoId: ann.Id, WhatId: acme.Id, Subject: 'Call 1', ActivityDate: '2026-11-24' });
  const t2 = store.insert('Task', { WhoId: lead.Id, WhatId: null, Subject: 'Email', ActivityDate: '2026-11-20' });
  const t3 = store.insert('Task', { WhoId: null, WhatId: null, Subject: 'Old', ActivityDate: '2026-08-01' });
  // Datetimes at fixed instants for literal tests.
  Object.assign(t1, { CreatedDate: '2026-11-24T01:00:00.000+0000' });
  Object.assign(t2, { CreatedDate: '2026-11-23T23:59:59.000+0000' });
  Object.assign(t3, { CreatedDate: '2026-10-01T00:00:00.000+0000' });
  return { store, acme, globex, initech, gone, ann, bob, lead, t1, t2, t3 };
}

const org = buildOrg();
const q = (soql: string, opts: { includeDeleted?: boolean } = {}) =>
  executeQuery(org.store, soql, { now: NOW, version: '62.0', ...opts });
const rows = (soql: string, opts?: { includeDeleted?: boolean }) => [...q(soql, opts).records];
const names = (soql: string, opts?: { includeDeleted?: boolean }) =>
  rows(soql, opts).map((r) => (r as ShapedRecord & { Name?: string; Subject?: string }).Name ?? r.Subject);

function errorOf(soql: string): SoqlError {
  try {
    q(soql);
  } catch (e) {
    if (e instanceof SoqlError) return e;
    throw e;
  }
  throw new Error(`expected ${soql} to fail`);
}

describe('row shape', () => {
  it('puts attributes {type, url with the requested version} first and fields in SELECT order', () => {
    const [r] = rows(`SELECT Name, Id FROM Account WHERE Id = '${org.acme.Id}'`);
    expect(r).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${org.acme.Id}` },
      Name: 'Acme Corp',
      Id: org.acme.Id,
    });
    expect(Object.keys(r as object)).toEqual(['attributes', 'Name', 'Id']);
  });

  it('nests parent relationships and answers null for an empty lookup', () => {
    const rs = rows('SELECT Email, Account.Name, Account.Industry FROM Contact ORDER BY Email');
    expect(rs[0]).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${org.ann.Id}` },
      Email: 'ann@acme.com',
      Account: {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${org.acme.Id}` },
        Name: 'Acme Corp',
        Industry: 'Technology',
      },
    });
    expect(rs[1]?.Account).toBeNull();
  });

  it('answers polymorphic Who/What with Type via the Name pseudo-object', () => {
    const rs = rows('SELECT Subject, Who.Type, Who.Name, What.Name FROM Task ORDER BY Subject');
    const call = rs.find((r) => r.Subject === 'Call 1') as any;
    expect(call.Who).toEqual({
      attributes: { type: 'Name', url: `/services/data/v62.0/sobjects/Contact/${org.ann.Id}` },
      Type: 'Contact',
      Name: 'Ann Lee',
    });
    expect(call.What.Name).toBe('Acme Corp');
    const email = rs.find((r) => r.Subject === 'Email') as any;
    expect(email.Who.Type).toBe('Lead');
    expect(email.What).toBeNull();
    expect(names("SELECT Subject FROM Task WHERE Who.Type = 'Lead'")).toEqual(['Email']);
  });

  it('returns canonical field names whatever the case in the query', () => {
    const [r] = rows(`select name, account.name from contact where id = '${org.ann.Id}'`);
    expect(Object.keys(r as object)).toEqual(['attributes', 'Name', 'Account']);
  });
});

describe('COUNT', () => {
  it('COUNT() gives totalSize and an empty records array', () => {
    const res = q('SELECT COUNT() FROM Account');
    expect(res.totalSize).toBe(3);
    expect([...res.records]).toEqual([]);
  });
  it('COUNT(Id) gives one AggregateResult row named expr0', () => {
    const res = q('SELECT COUNT(Id) FROM Account WHERE Industry != null');
    expect([...res.records]).toEqual([{ attributes: { type: 'AggregateResult' }, expr0: 2 }]);
  });
});

describe('deleted rows', () => {
  it('query excludes and queryAll includes IsDeleted rows', () => {
    expect(names('SELECT Name FROM Account ORDER BY Name')).not.toContain('Gone Ltd');
    const all = rows('SELECT Name, IsDeleted FROM Account ORDER BY Name', { includeDeleted: true });
    expect(all.find((r) => r.Name === 'Gone Ltd')?.IsDeleted).toBe(true);
    expect(names('SELECT Name FROM Account WHERE IsDeleted = true', { includeDeleted: true })).toEqual(['Gone Ltd']);
  });
});

describe('WHERE operators', () => {
  it.each([
    ["Name = 'globex'", ['Globex']],
    ["Name != 'Globex'", ['Acme Corp', "O'Reilly 100%_Co"]],
    ['NumberOfEmployees > 50', ['Acme Corp']],
    ['NumberOfEmployees >= 50', ['Acme Corp', 'Globex']],
    ['NumberOfEmployees < 500', ['Globex']],
    ['NumberOfEmployees <= 500', ['Acme Corp', 'Globex']],
    ["Industry IN ('Energy', 'technology')", ['Acme Corp', 'Globex']],
    ["Industry NOT IN ('Energy')", ['Acme Corp', "O'Reilly 100%_Co"]],
    ["Name LIKE 'ac%'", ['Acme Corp']],
    ["Name LIKE '_lobex'", ['Globex']],
    ["Name LIKE '%100\\%\\_%'", ["O'Reilly 100%_Co"]],
    ["Name = 'O\\'Reilly 100%_Co'", ["O'Reilly 100%_Co"]],
    ['Industry = null', ["O'Reilly 100%_Co"]],
    ['Industry != null', ['Acme Corp', 'Globex']],
    ["NOT Name = 'Globex'", ['Acme Corp', "O'Reilly 100%_Co"]],
    ["(Industry = 'Energy' OR Industry = 'Technology') AND NumberOfEmployees > 100", ['Acme Corp']],
    ["Industry = 'Energy' OR (Industry = 'Technology' AND NumberOfEmployees > 1000)", ['Globex']],
    ["NOT (Industry = 'Energy' OR Industry = null)", ['Acme Corp']],
    ['NumberOfEmployees = 50.0', ['Globex']],
  ])('%s', (where, expected) => {
    expect(names(`SELECT Name FROM Account WHERE ${where} ORDER BY Name`)).toEqual(expected);
  });

  it('accepts 15-char ids and matches them to 18-char ids', () => {
    expect(names(`SELECT Name FROM Account WHERE Id = '${org.globex.Id.slice(0, 15)}'`)).toEqual(['Globex']);
    expect(names(`SELECT Email FROM Contact WHERE AccountId = '${org.acme.Id}'`).length).toBe(1);
  });

  it('evaluates semi-joins and anti-joins on id fields', () => {
    expect(names('SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) ORDER BY Name')).toEqual([
      'Acme Corp',
    ]);
    expect(
      names(
        "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact WHERE Email LIKE '%acme%') ORDER BY Name",
      ),
    ).toEqual(['Globex', "O'Reilly 100%_Co"]);
    expect(errorOf('SELECT Id FROM Account WHERE Name IN (SELECT Name FROM Contact)').errorCode).toBe('INVALID_FIELD');
  });

  it('filters on boolean fields', () => {
    expect(rows('SELECT Id FROM Task WHERE IsClosed = false').length).toBe(3);
  });
});

describe('date and datetime literals (UTC)', () => {
  it.each([
    ['CreatedDate > 2026-11-24T00:00:00Z', ['Call 1']],
    ['CreatedDate >= 2026-11-23T23:59:59.000+00:00', ['Call 1', 'Email']],
    ['CreatedDate < 2026-11-24T00:00:00.000+0000', ['Email', 'Old']],
    ['CreatedDate = TODAY', ['Call 1']],
    ['CreatedDate = YESTERDAY', ['Email']],
    ['CreatedDate = LAST_N_DAYS:1', ['Call 1', 'Email']],
    ['CreatedDate = LAST_N_DAYS:60', ['Call 1', 'Email', 'Old']],
    ['CreatedDate < LAST_N_DAYS:30', ['Old']],
    ['CreatedDate = N_DAYS_AGO:54', ['Old']],
    ['CreatedDate = THIS_MONTH', ['Call 1', 'Email']],
    ['CreatedDate = LAST_MONTH', ['Old']],
    ['CreatedDate IN (TODAY, N_DAYS_AGO:54)', ['Call 1', 'Old']],
    ['ActivityDate = 2026-11-20', ['Email']],
    ['ActivityDate >= LAST_N_DAYS:7', ['Call 1', 'Email']],
    ['ActivityDate > TODAY', []],
    ['ActivityDate = TODAY', ['Call 1']],
  ])('%s', (where, expected) => {
    expect(names(`SELECT Subject FROM Task WHERE ${where} ORDER BY Subject`)).toEqual(expected);
  });

  it('rejects a date literal against a datetime field', () => {
    expect(errorOf('SELECT Id FROM Task WHERE CreatedDate > 2026-11-01').errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  it('sorts case-insensitively with nulls first by default', () => {
    expect(names('SELECT Name FROM Account ORDER BY Industry')).toEqual(["O'Reilly 100%_Co", 'Globex', 'Acme Corp']);
    expect(names('SELECT Name FROM Account ORDER BY Industry DESC NULLS LAST')).toEqual([
      'Acme Corp',
      'Globex',
      "O'Reilly 100%_Co",
    ]);
    expect(names('SELECT Name FROM Account ORDER BY Industry ASC NULLS LAST, Name DESC')).toEqual([
      'Globex',
      'Acme Corp',
      "O'Reilly 100%_Co",
    ]);
  });
  it('orders by a relationship field', () => {
    expect(rows('SELECT Email FROM Contact ORDER BY Account.Name NULLS LAST').map((r) => r.Email)).toEqual([
      'ann@acme.com',
      'bob@x.com',
    ]);
  });
  it('applies OFFSET then LIMIT', () => {
    expect(names('SELECT Name FROM Account ORDER BY Name LIMIT 1 OFFSET 1')).toEqual(['Globex']);
    expect(q('SELECT Name FROM Account ORDER BY Name LIMIT 2').totalSize).toBe(2);
  });
  it('pages shaped rows by offset', () => {
    const res = q('SELECT Name FROM Account ORDER BY Name');
    expect(res.page(1, 5).map((r) => r.Name)).toEqual(['Globex', "O'Reilly 100%_Co"]);
    expect(res.rawRows(0, 1)).toEqual([['Acme Corp']]);
  });
});

describe('errors in Salesforce vocabulary', () => {
  it('unknown object → INVALID_TYPE', () => {
    const e = errorOf('SELECT Id FROM Foo__c');
    expect(e.errorCode).toBe('INVALID_TYPE');
    expect(e.message).toContain("sObject type 'Foo__c' is not supported");
  });
  it('unknown field → INVALID_FIELD with the real message', () => {
    const e = errorOf('SELECT Id, Foo FROM Account');
    expect(e.errorCode).toBe('INVALID_FIELD');
    expect(e.message).toContain("No such column 'Foo' on entity 'Account'");
    expect(errorOf('SELECT Id FROM Account WHERE Bar = 1').errorCode).toBe('INVALID_FIELD');
    expect(errorOf('SELECT Nope.Name FROM Contact').message).toContain("Didn't understand relationship 'Nope'");
  });
  it.each([
    'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry',
    'SELECT Id, (SELECT Id FROM Contacts) FROM Account',
    'SELECT TYPEOF What WHEN Account THEN Name END FROM Task',
    'SELECT Id FROM Account FOR UPDATE',
    'SELECT MAX(NumberOfEmployees) FROM Account',
    "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
    'SELECT Id FROM Account WHERE',
    'SELECT COUNT() FROM Account ORDER BY Name',
    "SELECT Id FROM Account WHERE Name = 'a\\q'",
  ])('unsupported or bad syntax → MALFORMED_QUERY: %s', (soql) => {
    expect(errorOf(soql).errorCode).toBe('MALFORMED_QUERY');
  });
  it('bad id literal and wrong literal types → INVALID_QUERY_FILTER_OPERATOR', () => {
    expect(errorOf("SELECT Id FROM Account WHERE Id = 'nope'").errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(errorOf("SELECT Id FROM Account WHERE NumberOfEmployees = 'x'").errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });
  it('OFFSET above 2000 → NUMBER_OUTSIDE_VALID_RANGE', () => {
    expect(errorOf('SELECT Id FROM Account LIMIT 10 OFFSET 2001').errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });
});
