/**
 * Contract tests for the emulator's REST API, driven through jsforce 3 (unmodified).
 * Doc links per test; the wire summary is the design's reference salesforce-wire-format.md.
 */
import { Connection } from 'jsforce';
import { startEmulator, type Emulator } from '../server';
import { withJsforceEmulator } from './jsforceEmulator';

let emu: Emulator;
let conn: Connection;

withJsforceEmulator({ forceAppDir: null, apiDailyLimit: 1000 }, (e, c) => ((emu = e), (conn = c)));

describe('versions and resources', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
  it('lists versions at /services/data/ without auth or limit header', async () => {
    const res = await fetch(`${emu.instanceUrl}/services/data/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(res.headers.get('sforce-limit-info')).toBeNull();
    const body = (await res.json()) as Array<{ version: string; url: string }>;
    expect(body).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
  });

  it('accepts any version from v50.0 and rejects older ones', async () => {
    const old = new Connection({
      instanceUrl: emu.instanceUrl,
      accessToken: emu.issueToken(),
      version: '49.0',
    });
    await expect(old.request('/limits')).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    const v50 = new Connection({
      instanceUrl: emu.instanceUrl,
      accessToken: emu.issueToken(),
      version: '50.0',
    });
    const limits = await v50.limits();
    expect(limits.DailyApiRequests?.Max).toBe(1000);
  });
});

describe('resources and identity', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_discoveryresource.htm
  it('lists resources for a version, including identity', async () => {
    const res = await conn.request<Record<string, string>>('/services/data/v62.0');
    expect(res.sobjects).toBe('/services/data/v62.0/sobjects');
    expect(res.query).toBe('/services/data/v62.0/query');
    expect(res.identity).toBe(`${emu.instanceUrl}/id/${emu.orgId}/${emu.userId}`);
  });

  it('conn.identity() reads the identity URL', async () => {
    const c = new Connection({
      oauth2: { loginUrl: emu.loginUrl, clientId: emu.clientId, clientSecret: emu.clientSecret },
      version: '62.0',
    });
    await c.authorize({ grant_type: 'client_credentials' });
    const id = await c.identity();
    expect(id).toMatchObject({ user_id: emu.userId, organization_id: emu.orgId, username: emu.username });
  });
});

describe("what Salesforce's CLI asks", () => {
  it('answers a path with a doubled leading slash (an instance URL kept with its trailing slash)', async () => {
    const res = await fetch(`${emu.instanceUrl}//services/data/v62.0/sobjects`, {
      headers: { Authorization: `Bearer ${emu.issueToken()}` },
    });
    expect(res.status).toBe(200);
  });

  it('describes the columns of a query with columns=true, relationship fields nested', async () => {
    const body = await conn.request<{
      columnMetadata: Array<{ columnName: string; joinColumns: Array<{ columnName: string }> }>;
    }>(`/query?q=${encodeURIComponent('SELECT Id, Name, Owner.Name FROM Account')}&columns=true`);
    expect(body.columnMetadata.map((c) => c.columnName)).toEqual(['Id', 'Name', 'Owner']);
    expect(body.columnMetadata[2]!.joinColumns.map((c) => c.columnName)).toEqual(['Name']);
  });
});

describe('limits', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
  it('counts every authenticated call in /limits and Sforce-Limit-Info', async () => {
    const before = await conn.limits();
    await conn.describeGlobal();
    const after = await conn.limits();
    expect(before.DailyApiRequests!.Remaining - after.DailyApiRequests!.Remaining).toBe(2);
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    expect(conn.limitInfo.apiUsage?.limit).toBe(1000);
    expect(conn.limitInfo.apiUsage?.used).toBe(1000 - after.DailyApiRequests!.Remaining);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
  // ("available … for API users with the View Setup and Configuration permission")
  it('answers 403 on /limits to a user without View Setup and Configuration, still counting the call', async () => {
    emu.user.revoke('ViewSetup');
    await expect(conn.limits()).rejects.toMatchObject({ errorCode: 'INSUFFICIENT_ACCESS' });
    expect(emu.callLog.entries.at(-1)).toMatchObject({ path: '/services/data/v62.0/limits', status: 403 });
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    expect(conn.limitInfo.apiUsage?.limit).toBe(1000);
  });

  it("gives the generated org's integration user exactly the Engagement_Integration permission set", async () => {
    const pkg = await startEmulator({
      forceAppDir: 'force-app',
      integrationUser: { permissionSet: 'Engagement_Integration' },
    });
    try {
      expect(pkg.user.has('ApiEnabled')).toBe(true);
      expect(pkg.user.has('ViewSetup')).toBe(false);
      expect(pkg.user.has('ViewAllData')).toBe(true);
      expect(pkg.user.seesAll('Account')).toBe(true);
      const c = new Connection({ instanceUrl: pkg.instanceUrl, accessToken: pkg.issueToken(), version: '62.0' });
      await expect(c.limits()).rejects.toMatchObject({ errorCode: 'INSUFFICIENT_ACCESS' });
    } finally {
      await pkg.close();
    }
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (403 REQUEST_LIMIT_EXCEEDED)
  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily allowance is used up', async () => {
    const small = await startEmulator({ forceAppDir: null, apiDailyLimit: 3 });
    try {
      const c = new Connection({
        instanceUrl: small.instanceUrl,
        accessToken: small.issueToken(),
        version: '62.0',
      });
      for (let i = 0; i < 3; i++) await c.limits();
      await expect(c.limits()).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      });
      expect(small.callLog.entries.at(-1)).toMatchObject({
        method: 'GET',
        path: '/services/data/v62.0/limits',
        status: 403,
      });
    } finally {
      await small.close();
    }
  });

  // https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
  // (the daily request limit is soft) and .../salesforce_app_limits_platform_bulkapi.htm (Bulk API 2.0 daily limits)
  it('serves calls past Max under a soft limit, and counts Bulk API 2.0 query jobs per day', async () => {
    const soft = await startEmulator({
      forceAppDir: null,
      apiDailyLimit: 4,
      apiSoftLimitShare: 1,
      bulkDailyLimits: { queryJobs: 1, batches: 1 },
    });
    try {
      const c = new Connection({ instanceUrl: soft.instanceUrl, accessToken: soft.issueToken(), version: '62.0' });
      for (let i = 0; i < 5; i++) await c.describeGlobal();
      expect(c.limitInfo.apiUsage).toEqual({ used: 5, limit: 4 });
      expect((await c.limits()).DailyApiRequests).toEqual({ Max: 4, Remaining: 0 });
      const job = () =>
        c.request({
          method: 'POST',
          url: '/services/data/v62.0/jobs/query',
          body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
          headers: { 'Content-Type': 'application/json' },
        });
      await job();
      await expect(job()).rejects.toMatchObject({ errorCode: 'EXCEEDED_QUOTA' });
      await expect(c.limits()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    } finally {
      await soft.close();
    }
  });

  it('limitExceeded() fault refuses calls until cleared', async () => {
    emu.faults.limitExceeded();
    await expect(conn.describeGlobal()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    emu.faults.clear();
    await expect(conn.limits()).resolves.toHaveProperty('DailyApiRequests');
  });
});

describe('auth errors', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (401)
  it('rejects an unknown token with 401 INVALID_SESSION_ID', async () => {
    const bad = new Connection({ instanceUrl: emu.instanceUrl, accessToken: 'nope', version: '62.0' });
    await expect(bad.limits()).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
      message: 'Session expired or invalid',
    });
    expect(emu.callLog.entries.at(-1)?.status).toBe(401);
  });
});

describe('describe', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_describeGlobal.htm
  it('describes globally with key prefixes and urls', async () => {
    const g = await conn.describeGlobal();
    expect(g.maxBatchSize).toBe(200);
    const cm = g.sobjects.find((s) => s.name === 'CampaignMember');
    expect(cm).toMatchObject({ keyPrefix: '00v', queryable: true, custom: false });
    expect(cm?.urls.describe).toBe('/services/data/v62.0/sobjects/CampaignMember/describe');
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
  it('describes an object with field types, picklists and polymorphic references', async () => {
    const d = await conn.sobject('Task').describe();
    const who = d.fields.find((f) => f.name === 'WhoId')!;
    expect(who).toMatchObject({
      type: 'reference',
      referenceTo: ['Contact', 'Lead'],
      relationshipName: 'Who',
      namePointing: true,
    });
    const acc = d.fields.find((f) => f.name === 'AccountId')!;
    expect(acc).toMatchObject({ createable: false, updateable: false });
    const callType = d.fields.find((f) => f.name === 'CallType')!;
    expect(callType.picklistValues).toContainEqual({
      active: true,
      defaultValue: false,
      label: 'Outbound',
      validFor: null,
      value: 'Outbound',
    });
    expect(d.fields.find((f) => f.name === 'Id')).toMatchObject({ type: 'id', length: 18, soapType: 'tns:ID' });
  });

  it('answers NOT_FOUND for an unknown object', async () => {
    await expect(conn.sobject('Nope__c').describe()).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
  });

  it('reflects field permissions of the integration user', async () => {
    emu.permissions.set('Account.Website', { read: true, edit: false });
    emu.permissions.set('Account.Industry', { read: false, edit: false });
    const d = await conn.sobject('Account').describe();
    expect(d.fields.find((f) => f.name === 'Website')).toMatchObject({ updateable: false, createable: false });
    expect(d.fields.find((f) => f.name === 'Industry')).toBeUndefined();
    await expect(conn.query('SELECT Industry FROM Account')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });
});
