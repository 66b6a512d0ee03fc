/** REST query/queryAll paging through jsforce (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm). */
import type { Connection } from 'jsforce';
import type { Emulator } from '../server';
import { withJsforceEmulator } from './jsforceEmulator';

let emu: Emulator;
let conn: Connection;
const N = 450;

withJsforceEmulator({ forceAppDir: null }, (e, c) => ((emu = e), (conn = c)));
beforeAll(() => {
  const accounts = Array.from({ length: N }, (_, i) => ({
    Name: `Account ${String(i).padStart(4, '0')}`,
    NumberOfEmployees: i,
  }));
  emu.store.load('Account', accounts);
});

describe('query paging', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
  it('pages by Sforce-Query-Options batchSize with nextRecordsUrl locators and a constant totalSize', async () => {
    emu.callLog.clear();
    const first = await conn.request<{ totalSize: number; done: boolean; nextRecordsUrl?: string; records: unknown[] }>(
      {
        method: 'GET',
        url: `/query?q=${encodeURIComponent('SELECT Id, Name FROM Account ORDER BY Name')}`,
        headers: { 'Sforce-Query-Options': 'batchSize=200' },
      },
    );
    expect(first).toMatchObject({ totalSize: N, done: false });
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-200$/);
    const second = await conn.queryMore(first.nextRecordsUrl!);
    expect(second).toMatchObject({ totalSize: N, done: false });
    const third = await conn.queryMore(second.nextRecordsUrl!);
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    expect(third.records).toHaveLength(N - 400);
    const names = [...first.records, ...second.records, ...third.records].map((r) => (r as { Name: string }).Name);
    expect(new Set(names).size).toBe(N);
    expect(names[0]).toBe('Account 0000');
    expect(names.at(-1)).toBe(`Account ${String(N - 1).padStart(4, '0')}`);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
  // ("There is no guarantee that the requested batch size is the actual batch size")
  it('under shortPages returns fewer records than batchSize on some pages, every row still once', async () => {
    emu.faults.shortPages({ share: 1 });
    const sizes: number[] = [];
    const ids: string[] = [];
    let page = await conn.request<{ done: boolean; nextRecordsUrl?: string; records: Array<{ Id: string }> }>({
      method: 'GET',
      url: `/query?q=${encodeURIComponent('SELECT Id FROM Account ORDER BY Name')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    for (;;) {
      sizes.push(page.records.length);
      ids.push(...page.records.map((r) => r.Id));
      if (page.done) break;
      page = await conn.queryMore(page.nextRecordsUrl!);
    }
    expect(sizes.slice(0, -1).some((n) => n < 200)).toBe(true);
    expect(sizes.every((n) => n <= 200)).toBe(true);
    expect(new Set(ids).size).toBe(N);
    expect(ids).toHaveLength(N);
  });

  it('clamps batchSize to at least 200 and defaults to 2000', async () => {
    const small = await conn.request<{ records: unknown[] }>({
      method: 'GET',
      url: `/query?q=${encodeURIComponent('SELECT Id FROM Account')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=5' },
    });
    expect(small.records).toHaveLength(200);
    const all = await conn.query('SELECT Id FROM Account');
    expect(all.records).toHaveLength(N);
    expect(all.done).toBe(true);
  });

  it('autoFetch through jsforce returns every row across batch boundaries', async () => {
    const rows: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      conn
        .query('SELECT Id FROM Account')
        .on('record', (r) => rows.push(r))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 10_000, headers: { 'Sforce-Query-Options': 'batchSize=200' } } as never);
    });
    expect(rows).toHaveLength(N);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_count.htm
  it('SELECT COUNT() answers in totalSize with records: []', async () => {
    const r = await conn.query('SELECT COUNT() FROM Account WHERE NumberOfEmployees < 10');
    expect(r).toMatchObject({ totalSize: 10, done: true, records: [] });
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_queryall.htm
  it('queryAll includes deleted rows with IsDeleted, query does not; continuations go through /query/', async () => {
    const victim = emu.store.insert('Account', { Name: 'Deleted Co' });
    emu.store.delete('Account', victim.Id);
    const live = await conn.query(`SELECT Id FROM Account WHERE Name = 'Deleted Co'`);
    expect(live.totalSize).toBe(0);
    const all = await conn.query(`SELECT Id, IsDeleted FROM Account WHERE Name = 'Deleted Co'`, { scanAll: true });
    expect(all.records).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${victim.Id}` },
        Id: victim.Id,
        IsDeleted: true,
      },
    ]);
    const page = await conn.request<{ totalSize: number; nextRecordsUrl: string }>({
      method: 'GET',
      url: `/queryAll?q=${encodeURIComponent('SELECT Id FROM Account')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(page.totalSize).toBe(N + 1);
    expect(page.nextRecordsUrl).toContain('/query/');
    const next = await conn.queryMore(page.nextRecordsUrl);
    expect(next.totalSize).toBe(N + 1);
  });

  it('answers MALFORMED_QUERY for bad SOQL and INVALID_QUERY_LOCATOR for an unknown locator', async () => {
    await expect(conn.query('SELEKT Id FROM Account')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    await expect(conn.queryMore('/services/data/v62.0/query/01gRO0000000001AAA-200')).rejects.toMatchObject({
      errorCode: 'INVALID_QUERY_LOCATOR',
    });
  });
});
