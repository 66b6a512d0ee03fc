/**
 * Bulk API 2.0 through jsforce 3 (unmodified) against the emulator.
 * Query results: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 * Ingest results: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
 *                 https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_failed_results.htm
 */
import { Connection } from 'jsforce';
import { startEmulator, type Emulator } from '../server';
import { bulk2Jobs } from '../bulk2';

const NOW = new Date('2026-11-24T12:00:00.000Z');
let emu: Emulator;
let conn: Connection;
let token: string;

async function raw(path: string, init: RequestInit = {}): Promise<globalThis.Response> {
  return fetch(`${emu.instanceUrl}/services/data/v62.0${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
}

async function waitComplete(kind: 'query' | 'ingest', id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const info = (await (await raw(`/jobs/${kind}/${id}`)).json()) as Record<string, unknown>;
    if (info.state === 'JobComplete' || info.state === 'Failed' || info.state === 'Aborted') return info;
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  emu = await startEmulator({ now: () => NOW, forceAppDir: null });
  token = emu.issueToken();
  conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: token, version: '62.0' });
  conn.bulk2.pollInterval = 20;
  const recs = Array.from({ length: 2500 }, (_, i) => ({
    Name: `Company ${String(i).padStart(4, '0')}`,
    NumberOfEmployees: i % 7 === 0 ? null : i,
    Website: i === 3 ? 'https://a.example/"quoted", comma' : null,
    OwnerId: emu.userId,
  }));
  emu.store.load('Account', recs);
  const gone = emu.store.insert('Account', { Name: 'Deleted Co' });
  emu.store.delete('Account', gone.Id);
});

afterAll(async () => {
  await emu.close();
});

afterEach(() => {
  emu.faults.clear();
  bulk2Jobs(emu.context).settings.defaultMaxRecords = 5_000_000;
  bulk2Jobs(emu.context).settings.inProgressPolls = 0;
});

describe('Bulk 2.0 query through jsforce', () => {
  it('streams every row across several result pages (locators) with relationship columns', async () => {
    bulk2Jobs(emu.context).settings.defaultMaxRecords = 1000;
    const stream = await conn.bulk2.query('SELECT Id, Name, Owner.Name, NumberOfEmployees FROM Account ORDER BY Name');
    const rows: Array<Record<string, string>> = [];
    for await (const r of stream) rows.push(r as Record<string, string>);
    // Each results page is a CSV with its own header row, and jsforce 3 pipes every page into one
    // parser, so pages 2..n contribute their header as a data row (a jsforce trap the sync must
    // filter). Three pages of 1000 → two such rows.
    const headerRows = rows.filter((r) => r.Id === 'Id');
    expect(headerRows).toEqual([
      { Id: 'Id', Name: 'Name', 'Owner.Name': 'Owner.Name', NumberOfEmployees: 'NumberOfEmployees' },
      { Id: 'Id', Name: 'Name', 'Owner.Name': 'Owner.Name', NumberOfEmployees: 'NumberOfEmployees' },
    ]);
    rows.splice(0, rows.length, ...rows.filter((r) => r.Id !== 'Id'));
    expect(rows).toHaveLength(2500);
    expect(rows[0]).toEqual({
      Id: expect.stringMatching(/^001\w{15}$/),
      Name: 'Company 0000',
      'Owner.Name': 'Pulse Integration',
      NumberOfEmployees: '',
    });
    expect(rows[2499]?.Name).toBe('Company 2499');
    expect(new Set(rows.map((r) => r.Id)).size).toBe(2500);
  });

  it('queryAll (scanAll) includes deleted rows; query does not', async () => {
    const soql = "SELECT Id, IsDeleted FROM Account WHERE Name = 'Deleted Co'";
    const live: unknown[] = [];
    for await (const r of await conn.bulk2.query(soql)) live.push(r);
    const all: Array<Record<string, string>> = [];
    for await (const r of await conn.bulk2.query(soql, { scanAll: true })) all.push(r as Record<string, string>);
    expect(live).toHaveLength(0);
    expect(all).toEqual([{ Id: expect.any(String), IsDeleted: 'true' }]);
  });

  it('rejects what Bulk 2.0 rejects (OFFSET, COUNT) and unknown fields at job creation', async () => {
    await expect(conn.bulk2.query('SELECT Id FROM Account LIMIT 5 OFFSET 2')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    await expect(conn.bulk2.query('SELECT COUNT() FROM Account')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    await expect(conn.bulk2.query('SELECT Nope FROM Account')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });
});

describe('Bulk 2.0 query wire format', () => {
  it('pages with maxRecords and Sforce-Locator, ending with the string "null"', async () => {
    const created = await raw('/jobs/query', {
      method: 'POST',
      body: JSON.stringify({
        operation: 'query',
        query:
          "SELECT Id, Name, Website, CreatedDate, IsDeleted FROM Account WHERE Name LIKE 'Company 000%' ORDER BY Name",
      }),
    });
    expect(created.status).toBe(200);
    const job = (await created.json()) as Record<string, unknown>;
    expect(job).toMatchObject({
      id: expect.stringMatching(/^750/),
      operation: 'query',
      object: 'Account',
      state: 'UploadComplete',
      contentType: 'CSV',
      apiVersion: 62,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    const info = await waitComplete('query', String(job.id));
    expect(info).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 10, jobType: 'V2Query' });

    const seen: string[] = [];
    let locator = '';
    let pages = 0;
    do {
      const r = await raw(`/jobs/query/${String(job.id)}/results?maxRecords=4${locator ? `&locator=${locator}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
      const body = await r.text();
      const lines = body.trimEnd().split('\n');
      expect(lines[0]).toBe('"Id","Name","Website","CreatedDate","IsDeleted"');
      expect(Number(r.headers.get('sforce-numberofrecords'))).toBe(lines.length - 1);
      seen.push(...lines.slice(1));
      locator = r.headers.get('sforce-locator') ?? '';
      pages++;
    } while (locator !== 'null');
    expect(pages).toBe(3);
    expect(seen).toHaveLength(10);
    // CSV conventions: quoted values, empty cell for null, booleans true/false, datetimes in UTC with Z.
    expect(seen[0]).toMatch(/^"001\w{15}","Company 0000",,"2026-11-24T12:00:00\.000Z","false"$/);
    expect(seen[3]).toContain('"https://a.example/""quoted"", comma"');
  });

  it('honours columnDelimiter and lineEnding, and writes polymorphic columns as What.Name', async () => {
    const acc = emu.store.insert('Account', { Name: 'Pipe|Co' });
    emu.store.insert('Task', { Subject: 'Pipe task', WhatId: acc.Id, ActivityDate: '2026-11-24' });
    const job = (await (
      await raw('/jobs/query', {
        method: 'POST',
        body: JSON.stringify({
          operation: 'query',
          query: "SELECT Subject, What.Type, What.Name, ActivityDate FROM Task WHERE Subject = 'Pipe task'",
          columnDelimiter: 'PIPE',
          lineEnding: 'CRLF',
        }),
      })
    ).json()) as { id: string; columnDelimiter: string; lineEnding: string };
    expect(job).toMatchObject({ columnDelimiter: 'PIPE', lineEnding: 'CRLF' });
    await waitComplete('query', job.id);
    const body = await (await raw(`/jobs/query/${job.id}/results`)).text();
    expect(body).toBe(
      '"Subject"|"What.Type"|"What.Name"|"ActivityDate"\r\n"Pipe task"|"Account"|"Pipe|Co"|"2026-11-24"\r\n',
    );
  });

  it('answers NOT_FOUND in the Bulk envelope for an unknown job, and supports abort/delete', async () => {
    const r = await raw('/jobs/query/750000000000000AAA');
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);

    const job = (await (
      await raw('/jobs/query', {
        method: 'POST',
        body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
      })
    ).json()) as { id: string };
    await waitComplete('query', job.id);
    const abort = await raw(`/jobs/query/${job.id}`, { method: 'PATCH', body: JSON.stringify({ state: 'Aborted' }) });
    expect(abort.status).toBe(400);
    expect(((await abort.json()) as Array<{ errorCode: string }>)[0]?.errorCode).toBe('INVALIDJOBSTATE');
    expect((await raw(`/jobs/query/${job.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await raw(`/jobs/query/${job.id}`)).status).toBe(404);
  });

  it('reports InProgress while processing, then JobComplete (asynchronous like Salesforce)', async () => {
    bulk2Jobs(emu.context).settings.inProgressPolls = 2;
    const job = conn.bulk2.createJob({ object: 'Account', operation: 'insert' });
    await job.open();
    await job.uploadData([{ Name: 'Async One' }]);
    await job.close();
    const states: string[] = [];
    for (let i = 0; i < 50; i++) {
      const info = await job.check();
      states.push(info.state);
      if (info.state === 'JobComplete') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(states).toContain('InProgress');
    expect(states[states.length - 1]).toBe('JobComplete');
  });
});

describe('Bulk 2.0 ingest through jsforce', () => {
  it('inserts with partial failures: successfulResults and failedResults carry sf__ columns', async () => {
    const input = [
      { Name: 'Bulk A', NumberOfEmployees: '10' },
      { Name: 'Bulk B', NumberOfEmployees: 'lots' },
      { Name: null, NumberOfEmployees: '3' },
      { Name: 'Bulk D', NumberOfEmployees: '' },
    ];
    const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input });
    expect(res.successfulResults).toHaveLength(2);
    expect(res.successfulResults[0]).toEqual({
      sf__Id: expect.stringMatching(/^001/),
      sf__Created: 'true',
      Name: 'Bulk A',
      NumberOfEmployees: '10',
    });
    expect(res.failedResults).toHaveLength(2);
    expect(res.failedResults[0]).toMatchObject({ sf__Id: '', Name: 'Bulk B' });
    expect(res.failedResults[0]?.sf__Error).toMatch(/^INVALID_TYPE_ON_FIELD_IN_RECORD:.*:NumberOfEmployees --$/);
    expect(res.failedResults[1]?.sf__Error).toMatch(
      /^REQUIRED_FIELD_MISSING:Required fields are missing: \[Name\]:Name --$/,
    );
    expect(res.unprocessedRecords).toEqual([]);
    const id = String(res.successfulResults[0]?.sf__Id);
    expect(emu.store.get('Account', id)?.NumberOfEmployees).toBe(10);
  });

  it('counts processed and failed records in job info, with lock errors on a share of rows', async () => {
    emu.faults.lockErrors({ share: 0.5, objects: ['Account'], seed: 3 });
    const ids = [...emu.store.all('Account')].slice(0, 40).map((a) => a.Id);
    const job = conn.bulk2.createJob({ object: 'Account', operation: 'update' });
    await job.open();
    await job.uploadData(ids.map((Id) => ({ Id, Industry: 'Energy' })));
    await job.close();
    await job.poll(10, 10_000);
    const info = await job.check();
    const { successfulResults, failedResults } = await job.getAllResults();
    expect(info.numberRecordsProcessed).toBe(40);
    expect(info.numberRecordsFailed).toBe(failedResults.length);
    expect(failedResults.length).toBeGreaterThan(5);
    expect(successfulResults.length).toBe(40 - failedResults.length);
    for (const f of failedResults) expect(f.sf__Error).toMatch(/^UNABLE_TO_LOCK_ROW:unable to obtain exclusive access/);
    for (const s of successfulResults) {
      expect(s.sf__Created).toBe('false');
      expect(emu.store.get('Account', String(s.sf__Id))?.Industry).toBe('Energy');
    }
    for (const f of failedResults) expect(emu.store.get('Account', String(f.sf__Id))?.Industry).not.toBe('Energy');
  });

  it('update: empty cells leave fields unchanged, #N/A (null) clears them', async () => {
    const a = emu.store.insert('Account', { Name: 'Keep Me', Industry: 'Retail', Website: 'https://keep.example' });
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'update',
      input: `Id,Industry,Website\n${a.Id},,#N/A\n`,
    });
    expect(res.successfulResults).toHaveLength(1);
    const after = emu.store.get('Account', a.Id);
    expect(after?.Industry).toBe('Retail');
    expect(after?.Website).toBeNull();
  });

  it('delete moves rows to the recycle bin; deleting again fails with ENTITY_IS_DELETED', async () => {
    const a = emu.store.insert('Account', { Name: 'To Delete' });
    const first = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'delete',
      input: [{ Id: a.Id }],
    });
    expect(first.successfulResults).toEqual([{ sf__Id: a.Id, sf__Created: 'false', Id: a.Id }]);
    expect(emu.store.get('Account', a.Id, { includeDeleted: true })?.IsDeleted).toBe(true);
    const again = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'delete',
      input: [{ Id: a.Id }],
    });
    expect(again.failedResults[0]?.sf__Error).toMatch(/^ENTITY_IS_DELETED:/);
  });

  it('upsert on Id updates existing rows and inserts rows without Id', async () => {
    const a = emu.store.insert('Account', { Name: 'Upsert Me' });
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'upsert',
      externalIdFieldName: 'Id',
      input: `Id,Name\n${a.Id},Upserted\n,Brand New\n`,
    });
    expect(res.successfulResults.map((r) => r.sf__Created).sort()).toEqual(['false', 'true']);
    expect(emu.store.get('Account', a.Id)?.Name).toBe('Upserted');
  });

  it('an unknown column fails the job (InvalidBatch) and leaves every row unprocessed', async () => {
    await expect(
      conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: 'Name,Bogus__c\nX,1\nY,2\n' }),
    ).rejects.toThrow(/Ingest job failed to complete due to: InvalidBatch : Field name not found : Bogus__c/);
  });
});

describe('Bulk 2.0 ingest wire format', () => {
  it('pins job info, 201 upload, header-only result files and unprocessedrecords after abort', async () => {
    const created = await raw('/jobs/ingest', {
      method: 'POST',
      body: JSON.stringify({ object: 'account', operation: 'insert', lineEnding: 'CRLF' }),
    });
    const job = (await created.json()) as Record<string, unknown>;
    expect(job).toMatchObject({
      object: 'Account',
      operation: 'insert',
      state: 'Open',
      contentType: 'CSV',
      lineEnding: 'CRLF',
      columnDelimiter: 'COMMA',
      concurrencyMode: 'Parallel',
      contentUrl: `services/data/v62.0/jobs/ingest/${String(job.id)}/batches`,
    });
    const put = await raw(`/jobs/ingest/${String(job.id)}/batches`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/csv' },
      body: 'Name,Description\r\n"Quoted, Inc.","multi\r\nline"\r\n',
    });
    expect(put.status).toBe(201);
    expect(await put.text()).toBe('');
    const abort = await raw(`/jobs/ingest/${String(job.id)}`, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'Aborted' }),
    });
    expect(((await abort.json()) as { state: string }).state).toBe('Aborted');
    const ok = await (await raw(`/jobs/ingest/${String(job.id)}/successfulResults`)).text();
    expect(ok).toBe('"sf__Id","sf__Created",Name,Description\r\n');
    const failed = await (await raw(`/jobs/ingest/${String(job.id)}/failedResults`)).text();
    expect(failed).toBe('"sf__Id","sf__Error",Name,Description\r\n');
    const unprocessed = await (await raw(`/jobs/ingest/${String(job.id)}/unprocessedrecords`)).text();
    expect(unprocessed).toBe('Name,Description\r\n"Quoted, Inc.","multi\r\nline"\r\n');
    const upload = await raw(`/jobs/ingest/${String(job.id)}/batches`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/csv' },
      body: 'Name\r\nLate\r\n',
    });
    expect(upload.status).toBe(400);
  });

  it('rejects an unknown object and an unknown operation in the Bulk error envelope', async () => {
    const bad = await raw('/jobs/ingest', {
      method: 'POST',
      body: JSON.stringify({ object: 'Nope', operation: 'insert' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Array<{ errorCode: string }>)[0]).toMatchObject({ errorCode: 'INVALIDJOB' });
    const op = await raw('/jobs/ingest', {
      method: 'POST',
      body: JSON.stringify({ object: 'Account', operation: 'merge' }),
    });
    expect(op.status).toBe(400);
  });
});
