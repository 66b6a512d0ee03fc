/**
 * sObject writes through jsforce: single-record REST and sObject Collections.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 */
import { Connection } from 'jsforce';
import type { Emulator } from '../server';
import { withJsforceEmulator } from './jsforceEmulator';

let t = Date.parse('2026-11-24T10:00:00Z');
let emu: Emulator;
let conn: Connection;

withJsforceEmulator({ forceAppDir: null, now: () => new Date(t) }, (e, c) => ((emu = e), (conn = c)));
beforeAll(() => {
  emu.schema.addField('Account', {
    name: 'Engagement_Score__c',
    type: 'double',
    label: 'Engagement Score',
    precision: 3,
    scale: 0,
    nillable: true,
    createable: true,
    updateable: true,
    custom: true,
  });
  emu.schema.addField('Account', {
    name: 'Engagement_Band__c',
    type: 'picklist',
    label: 'Engagement Band',
    picklistValues: ['Hot', 'Warm', 'Cold'],
    restrictedPicklist: true,
    nillable: true,
    createable: true,
    updateable: true,
    custom: true,
  });
});

describe('single-record REST', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
  it('creates (201 {id, success, errors}), reads, updates (204) and deletes (204), keeping SystemModstamp', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Initech', NumberOfEmployees: 120 });
    expect(created).toEqual({ id: expect.stringMatching(/^001[0-9A-Za-z]{15}$/), success: true, errors: [] });
    expect(emu.callLog.entries.at(-1)).toMatchObject({ method: 'POST', status: 201 });
    const got = await conn.sobject('Account').retrieve(created.id!);
    expect(got).toMatchObject({
      Name: 'Initech',
      NumberOfEmployees: 120,
      SystemModstamp: '2026-11-24T10:00:00.000+0000',
    });
    t += 5 * 60_000;
    const upd = await conn.sobject('Account').update({ Id: created.id!, Engagement_Score__c: 72 });
    expect(upd).toEqual({ id: created.id, success: true, errors: [] });
    expect(emu.callLog.entries.at(-1)).toMatchObject({ method: 'PATCH', status: 204 });
    const after = emu.store.get('Account', created.id!)!;
    expect(after.Engagement_Score__c).toBe(72);
    expect(after.LastModifiedDate).toBe('2026-11-24T10:05:00.000+0000');
    expect(after.SystemModstamp).toBe('2026-11-24T10:05:00.000+0000');
    expect(after.CreatedDate).toBe('2026-11-24T10:00:00.000+0000');
    await conn.sobject('Account').destroy(created.id!);
    expect(emu.callLog.entries.at(-1)).toMatchObject({ method: 'DELETE', status: 204 });
    await expect(conn.sobject('Account').retrieve(created.id!)).rejects.toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
  it.each([
    ['INVALID_FIELD', { Bogus__c: 1 }],
    ['INVALID_TYPE_ON_FIELD_IN_RECORD', { Engagement_Score__c: 'high' }],
    ['NUMBER_OUTSIDE_VALID_RANGE', { Engagement_Score__c: 1000 }],
    ['INVALID_FIELD_FOR_INSERT_UPDATE', { IsDeleted: true }],
    ['STRING_TOO_LONG', { Name: 'x'.repeat(256) }],
    ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', { Engagement_Band__c: 'Lukewarm' }],
    ['REQUIRED_FIELD_MISSING', { Name: null }],
    ['MALFORMED_ID', { ParentId: 'not-an-id' }],
  ])('update fails with %s', async (code, fields) => {
    const acc = emu.store.insert('Account', { Name: 'Validation Co' });
    const err = await conn
      .sobject('Account')
      .update({ Id: acc.Id, ...fields })
      .then(
        () => null,
        (e: { errorCode: string; data: { fields?: string[] } }) => e,
      );
    expect(err?.errorCode).toBe(code);
    expect(emu.callLog.entries.at(-1)?.status).toBe(400);
    expect(emu.store.get('Account', acc.Id)?.Name).toBe('Validation Co');
  });

  it('rejects writing a field the integration user cannot edit (FLS)', async () => {
    emu.permissions.set('Account.Engagement_Score__c', { read: true, edit: false });
    const acc = emu.store.insert('Account', { Name: 'FLS Co' });
    await expect(conn.sobject('Account').update({ Id: acc.Id, Engagement_Score__c: 5 })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      data: { fields: ['Engagement_Score__c'] },
    });
  });

  it('answers NOT_FOUND for an id that never existed', async () => {
    await expect(conn.sobject('Account').update({ Id: '001RM000003oCprYAE', Name: 'x' })).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
  });
});

describe('sObject Collections', () => {
  it('updates many with per-record errors in request order (allOrNone false)', async () => {
    const a = emu.store.insert('Account', { Name: 'A' });
    const b = emu.store.insert('Account', { Name: 'B' });
    const res = await conn.sobject('Account').update([
      { Id: a.Id, Engagement_Score__c: 10 },
      { Id: b.Id, Engagement_Band__c: 'Nope' },
    ]);
    expect(res).toEqual([
      { id: a.Id, success: true, errors: [] },
      {
        id: b.Id,
        success: false,
        errors: [
          {
            statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            message: 'Engagement Band: bad value for restricted picklist field: Nope',
            fields: ['Engagement_Band__c'],
          },
        ],
      },
    ]);
    expect(emu.callLog.entries.at(-1)).toMatchObject({
      method: 'PATCH',
      path: '/services/data/v62.0/composite/sobjects',
      status: 200,
    });
    expect(emu.store.get('Account', a.Id)?.Engagement_Score__c).toBe(10);
  });

  it('rolls everything back under allOrNone with ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const a = emu.store.insert('Account', { Name: 'A2' });
    const b = emu.store.insert('Account', { Name: 'B2' });
    const res = await conn.sobject('Account').update(
      [
        { Id: a.Id, Engagement_Score__c: 11 },
        { Id: b.Id, Engagement_Score__c: 'x' },
      ],
      { allOrNone: true },
    );
    expect(res[0]).toMatchObject({ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }] });
    expect(res[1]).toMatchObject({ success: false, errors: [{ statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' }] });
    expect(emu.store.get('Account', a.Id)?.Engagement_Score__c).toBeNull();
  });

  it('creates and deletes many; reports deleted and missing records', async () => {
    const created = await conn.sobject('Contact').create([
      { LastName: 'One', Email: 'one@example.com' },
      { LastName: 'Two', Email: 'not-an-email' },
    ]);
    expect(created[0]).toMatchObject({ success: true, id: expect.stringMatching(/^003/) });
    expect(created[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] }],
    });
    const id = created[0]!.id!;
    const del = await conn.sobject('Contact').destroy([id]);
    expect(del).toEqual([{ id, success: true, errors: [] }]);
    const again = await conn.sobject('Contact').destroy([id, '003RO0000035WQgYAM']);
    expect(again[0]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }],
    });
    expect(again[1]).toMatchObject({ success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY' }] });
  });

  it('refuses more than 200 records with EXCEEDED_ID_LIMIT', async () => {
    const recs = Array.from({ length: 201 }, (_, i) => ({ Name: `Bulk ${i}` }));
    await expect(conn.sobject('Account').create(recs)).rejects.toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT' });
    expect(emu.store.count('Account')).toBeLessThan(201);
  });

  it('lockErrors fault fails a deterministic share with UNABLE_TO_LOCK_ROW', async () => {
    const accs = Array.from({ length: 100 }, (_, i) => emu.store.insert('Account', { Name: `Lock ${i}` }));
    emu.faults.lockErrors({ share: 0.3, objects: ['Account'], seed: 7 });
    const run = () => conn.sobject('Account').update(accs.map((a) => ({ Id: a.Id, Engagement_Score__c: 1 })));
    const first = await run();
    const locked = first.filter((r) => !r.success);
    expect(locked.length).toBeGreaterThan(10);
    expect(locked.length).toBeLessThan(50);
    expect(locked[0]!.errors[0]).toMatchObject({ statusCode: 'UNABLE_TO_LOCK_ROW', fields: [] });
    const second = await run();
    expect(second.filter((r) => !r.success).map((r) => r.id)).toEqual(locked.map((r) => r.id));
    emu.faults.lockErrors({ share: 0.3, objects: ['Contact'] });
    expect((await run()).every((r) => r.success)).toBe(true);
  });
});

describe('getUpdated / getDeleted', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
  it('lists ids changed and deleted in a window through jsforce updated()/deleted()', async () => {
    t = Date.parse('2026-11-30T12:00:00Z');
    // The clock jumped past the token lifetime: take a fresh session.
    const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
    const start = new Date(t - 60_000).toISOString();
    const changed = emu.store.insert('Opportunity', {
      Name: 'Deal',
      StageName: 'Prospecting',
      CloseDate: '2026-12-31',
    });
    const gone = emu.store.insert('Opportunity', { Name: 'Gone', StageName: 'Prospecting', CloseDate: '2026-12-31' });
    t += 60_000;
    emu.store.delete('Opportunity', gone.Id);
    t += 120_000;
    const end = new Date(t).toISOString();
    const upd = await conn.sobject('Opportunity').updated(start, end);
    expect(upd.ids).toEqual([changed.Id]);
    expect(upd.latestDateCovered).toBe('2026-11-30T12:03:00.000+0000');
    const del = await conn.sobject('Opportunity').deleted(start, end);
    expect(del.deletedRecords).toEqual([{ id: gone.Id, deletedDate: '2026-11-30T12:01:00.000+0000' }]);
    await expect(
      conn.sobject('Opportunity').deleted(new Date(t - 20 * 86_400_000).toISOString(), end),
    ).rejects.toMatchObject({
      errorCode: 'INVALID_REPLICATION_DATE',
    });
  });
});

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
// ("If the header is not provided in the request, the default value is TRUE") and, for Bulk API 2.0,
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm (assignmentRuleId)
describe('lead assignment rules', () => {
  let queue: string;
  let rep: string;
  let leadId: string;
  beforeAll(() => {
    queue = emu.store.insert('User', { FirstName: 'Lead', LastName: 'Queue', IsActive: true }).Id;
    rep = emu.store.insert('User', { FirstName: 'Ann', LastName: 'Rep', IsActive: true }).Id;
    emu.assignmentRules.add({ id: '01Q000000000001AAA', name: 'Routing', ownerId: queue, active: true });
  });
  afterAll(() => emu.assignmentRules.clear());
  beforeEach(() => {
    // Earlier tests move the clock past the first token's lifetime.
    conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
    leadId = emu.store.insert('Lead', { LastName: 'Lee', Company: 'Acme', Status: 'Open', OwnerId: rep }).Id;
  });
  const owner = () => emu.store.get('Lead', leadId)!.OwnerId;

  it('reassigns the owner on a REST update without Sforce-Auto-Assign', async () => {
    await conn.sobject('Lead').update({ Id: leadId, Title: 'CTO' });
    expect(owner()).toBe(queue);
  });

  it('keeps the owner with Sforce-Auto-Assign: FALSE, in a single update and in collections', async () => {
    await conn.request({
      method: 'PATCH',
      url: `/services/data/v62.0/sobjects/Lead/${leadId}`,
      body: JSON.stringify({ Title: 'CTO' }),
      headers: { 'Content-Type': 'application/json', 'Sforce-Auto-Assign': 'false' },
    });
    expect(owner()).toBe(rep);
    const res = await conn.request<Array<{ success: boolean }>>({
      method: 'PATCH',
      url: '/services/data/v62.0/composite/sobjects',
      body: JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'Lead' }, Id: leadId, Title: 'CEO' }] }),
      headers: { 'Content-Type': 'application/json', 'Sforce-Auto-Assign': 'FALSE' },
    });
    expect(res[0]!.success).toBe(true);
    expect(owner()).toBe(rep);
  });

  it('reassigns in collections without the header', async () => {
    await conn.request({
      method: 'PATCH',
      url: '/services/data/v62.0/composite/sobjects',
      body: JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'Lead' }, Id: leadId, Title: 'CEO' }] }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(owner()).toBe(queue);
  });

  it('runs a rule in a Bulk API 2.0 job only when the job names it', async () => {
    const run = async (extra: Record<string, string>) => {
      const job = await conn.request<{ id: string }>({
        method: 'POST',
        url: '/services/data/v62.0/jobs/ingest',
        body: JSON.stringify({ object: 'Lead', operation: 'update', lineEnding: 'LF', ...extra }),
        headers: { 'Content-Type': 'application/json' },
      });
      await conn.request({
        method: 'PUT',
        url: `/services/data/v62.0/jobs/ingest/${job.id}/batches`,
        body: `Id,Title\n${leadId},CFO\n`,
        headers: { 'Content-Type': 'text/csv' },
      });
      await conn.request({
        method: 'PATCH',
        url: `/services/data/v62.0/jobs/ingest/${job.id}`,
        body: JSON.stringify({ state: 'UploadComplete' }),
        headers: { 'Content-Type': 'application/json' },
      });
      for (;;) {
        const info = await conn.request<{ state: string }>(`/services/data/v62.0/jobs/ingest/${job.id}`);
        if (info.state === 'JobComplete') return;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await run({});
    expect(owner()).toBe(rep);
    await run({ assignmentRuleId: '01Q000000000001AAA' });
    expect(owner()).toBe(queue);
  });
});
