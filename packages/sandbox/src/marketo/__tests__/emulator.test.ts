/**
 * Wire-level checks of the Marketo emulator with plain fetch: what a client sees must be what
 * Marketo documents (links in the test names), or the connector's contract tests prove nothing.
 */
import { generateOrg } from '../../generator';
import { mapSeed, type MapSeed } from '../../mapSeed';
import { decodeToken } from '../data';
import { startMarketoEmulator, type MarketoEmulator } from '../server';

const NOW = new Date('2026-11-24T10:00:00Z');
const DOCS = 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest';
let seed: MapSeed;

beforeAll(() => {
  seed = mapSeed(generateOrg({ accounts: 50, seed: 11, now: NOW }));
});

let emu: MarketoEmulator;
let clock: Date;
afterEach(async () => {
  await emu?.close();
});

async function start(opts: Partial<Parameters<typeof startMarketoEmulator>[0]> = {}): Promise<MarketoEmulator> {
  clock = NOW;
  emu = await startMarketoEmulator({ seed, now: () => clock, ...opts });
  return emu;
}

async function token(e: MarketoEmulator): Promise<{ access_token: string; expires_in: number }> {
  const q = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: e.credentials.clientId,
    client_secret: e.credentials.clientSecret,
  });
  const res = await fetch(`${e.url}/identity/oauth/token?${q}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; expires_in: number };
}

async function get(e: MarketoEmulator, path: string, tok: string | null, params: Record<string, string> = {}) {
  const res = await fetch(`${e.url}${path}?${new URLSearchParams(params)}`, {
    headers: tok ? { authorization: `Bearer ${tok}` } : {},
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe(`identity (${DOCS}/authentication)`, () => {
  test('client credentials give a bearer token; asking again returns the same token with less life left', async () => {
    const e = await start({ tokenTtlSeconds: 3600 });
    const first = await token(e);
    expect(first).toMatchObject({ token_type: 'bearer', expires_in: 3599 });
    expect(first.access_token).toMatch(/^[0-9a-f-]{36}:int$/);
    clock = new Date(NOW.getTime() + 600_000);
    const again = await token(e);
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(2999);
  });

  test('a wrong secret gets HTTP 401', async () => {
    const e = await start();
    const res = await fetch(`${e.url}/identity/oauth/token?grant_type=client_credentials&client_id=x&client_secret=y`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  test(`an unknown token gets 601, an expired one 602, as HTTP 200 success:false (${DOCS}/error-codes)`, async () => {
    const e = await start({ tokenTtlSeconds: 60 });
    const bogus = await get(e, '/rest/v1/activities/types.json', 'nope:int');
    expect(bogus).toMatchObject({ status: 200, body: { success: false, errors: [{ code: '601' }] } });
    const { access_token } = await token(e);
    expect((await get(e, '/rest/v1/activities/types.json', access_token)).body.success).toBe(true);
    clock = new Date(NOW.getTime() + 61_000);
    const expired = await get(e, '/rest/v1/activities/types.json', access_token);
    expect(expired.body).toMatchObject({ success: false, errors: [{ code: '602', message: 'Access token expired' }] });
    const fresh = await token(e);
    expect(fresh.access_token).not.toBe(access_token);
  });

  test('the access_token query parameter no longer authenticates (header only)', async () => {
    const e = await start();
    const { access_token } = await token(e);
    const res = await get(e, '/rest/v1/activities/types.json', null, { access_token });
    expect(res.body.errors[0].code).toBe('601');
    expect(e.calls.entries.every((c) => !('access_token' in c.query) && !('client_secret' in c.query))).toBe(true);
  });
});

describe(`activities (${DOCS}/activities, ${DOCS}/paging-tokens)`, () => {
  test('paging from a date token reaches the end: a token on every page, moreResult false last, short and result-less pages before', async () => {
    const e = await start();
    const { access_token } = await token(e);
    const since = new Date(NOW.getTime() - 200 * 86_400_000).toISOString();
    const pt = await get(e, '/rest/v1/activities/pagingtoken.json', access_token, { sinceDatetime: since });
    expect(pt.body).toMatchObject({ success: true, nextPageToken: expect.stringMatching(/^[A-Z2-7]+=*$/) });
    let tok = pt.body.nextPageToken as string;
    const got: any[] = [];
    let pages = 0;
    let withoutResult = 0;
    let more = true;
    while (more) {
      const page = await get(e, '/rest/v1/activities.json', access_token, {
        nextPageToken: tok,
        activityTypeIds: '2,3',
      });
      expect(page.body.success).toBe(true);
      expect(typeof page.body.nextPageToken).toBe('string');
      if (!('result' in page.body)) withoutResult++;
      else expect(page.body.result.length).toBeLessThanOrEqual(300);
      got.push(...(page.body.result ?? []));
      more = page.body.moreResult;
      tok = page.body.nextPageToken;
      pages++;
    }
    const expected = seed.activities.filter(
      (a) => (a.type === 'form_fill' || a.type === 'content_download') && a.occurredAt >= since,
    ).length;
    expect(got).toHaveLength(expected);
    expect(new Set(got.map((a) => a.activityTypeId))).toEqual(new Set([2, 3]));
    expect(got.every((a) => a.marketoGUID === String(a.id) && /Z$/.test(a.activityDate))).toBe(true);
    expect(pages).toBeGreaterThan(1);
    expect(withoutResult).toBeGreaterThan(0);
    // The last token still works: nothing new, moreResult false.
    const after = await get(e, '/rest/v1/activities.json', access_token, { nextPageToken: tok, activityTypeIds: '1' });
    expect(after.body).toMatchObject({ success: true, moreResult: false });
    expect(after.body.result).toBeUndefined();
  });

  test('activities after the instance clock are not served until it passes them', async () => {
    const e = await start();
    clock = new Date(NOW.getTime() - 30 * 86_400_000);
    const { access_token } = await token(e);
    const pt = await get(e, '/rest/v1/activities/pagingtoken.json', access_token, {
      sinceDatetime: new Date(NOW.getTime() - 60 * 86_400_000).toISOString(),
    });
    let tok = pt.body.nextPageToken as string;
    for (let more = true; more;) {
      const page = await get(e, '/rest/v1/activities.json', access_token, {
        nextPageToken: tok,
        activityTypeIds: '1,2,3,6,10,11',
      });
      for (const a of page.body.result ?? []) expect(Date.parse(a.activityDate)).toBeLessThanOrEqual(clock.getTime());
      more = page.body.moreResult;
      tok = page.body.nextPageToken;
    }
    clock = NOW;
    const fresh = (await token(e)).access_token;
    const later = await get(e, '/rest/v1/activities.json', fresh, {
      nextPageToken: tok,
      activityTypeIds: '1,2,3,6,10,11',
    });
    expect(Date.parse(later.body.result[0].activityDate)).toBeGreaterThan(NOW.getTime() - 30 * 86_400_000);
    expect(decodeToken(later.body.nextPageToken)).not.toBeNull();
  });

  test('more than 10 activityTypeIds get 1003; a missing token 701; a garbled one 1003', async () => {
    const e = await start();
    const { access_token } = await token(e);
    const pt = await get(e, '/rest/v1/activities/pagingtoken.json', access_token, { sinceDatetime: NOW.toISOString() });
    const eleven = await get(e, '/rest/v1/activities.json', access_token, {
      nextPageToken: pt.body.nextPageToken,
      activityTypeIds: '1,2,3,6,7,8,9,10,11,12,13',
    });
    expect(eleven.body.errors[0].code).toBe('1003');
    expect((await get(e, '/rest/v1/activities.json', access_token, { activityTypeIds: '1' })).body.errors[0].code).toBe(
      '701',
    );
    const garbled = await get(e, '/rest/v1/activities.json', access_token, {
      nextPageToken: 'not-a-token',
      activityTypeIds: '1',
    });
    expect(garbled.body.errors[0].code).toBe('1003');
  });

  test('types.json lists the stock types by id and name', async () => {
    const e = await start();
    const { access_token } = await token(e);
    const types = (await get(e, '/rest/v1/activities/types.json', access_token)).body.result as any[];
    const byId = Object.fromEntries(types.map((t) => [t.id, t.name]));
    expect(byId).toMatchObject({
      1: 'Visit Webpage',
      2: 'Fill Out Form',
      3: 'Click Link',
      6: 'Send Email',
      10: 'Open Email',
      11: 'Click Email',
    });
    expect(types[0]).toHaveProperty('primaryAttribute.name');
  });
});

describe(`leads (${DOCS}/leads)`, () => {
  test('filterType=id returns the requested fields with the Salesforce ids; unknown ids are left out', async () => {
    const e = await start();
    const { access_token } = await token(e);
    const contact = seed.people.find((p) => p.kind === 'contact')!;
    const lead = seed.people.find((p) => p.kind === 'lead')!;
    const ids = [
      e.data.leadIdOf({ salesforceId: contact.salesforceId })!,
      e.data.leadIdOf({ salesforceId: lead.salesforceId })!,
    ];
    const res = await get(e, '/rest/v1/leads.json', access_token, {
      filterType: 'id',
      filterValues: [...ids, 999_999].join(','),
      fields: 'id,email,sfdcType,sfdcContactId,sfdcLeadId,sfdcAccountId',
    });
    expect(res.body.result).toEqual([
      {
        id: ids[0],
        email: contact.email,
        sfdcType: 'Contact',
        sfdcContactId: contact.salesforceId,
        sfdcLeadId: null,
        sfdcAccountId: contact.salesforceAccountId,
      },
      {
        id: ids[1],
        email: lead.email,
        sfdcType: 'Lead',
        sfdcContactId: null,
        sfdcLeadId: lead.salesforceId,
        sfdcAccountId: lead.salesforceAccountId,
      },
    ]);
    const byContact = await get(e, '/rest/v1/leads.json', access_token, {
      filterType: 'sfdcContactId',
      filterValues: contact.salesforceId,
    });
    expect(Object.keys(byContact.body.result[0]).sort()).toEqual([
      'createdAt',
      'email',
      'firstName',
      'id',
      'lastName',
      'updatedAt',
    ]);
  });

  test('an unsupported filterType gets 1011, 301 values 1003, an unknown field 1006', async () => {
    const e = await start();
    const { access_token } = await token(e);
    const q = (p: Record<string, string>) => get(e, '/rest/v1/leads.json', access_token, p);
    expect((await q({ filterType: 'firstName', filterValues: 'Ann' })).body.errors[0].code).toBe('1011');
    const many = Array.from({ length: 301 }, (_, i) => String(i + 1)).join(',');
    expect((await q({ filterType: 'id', filterValues: many })).body.errors[0].code).toBe('1003');
    expect((await q({ filterType: 'id', filterValues: '1', fields: 'id,shoeSize' })).body.errors[0].code).toBe('1006');
  });
});

describe(`limits (${DOCS}/marketo-integration-best-practices)`, () => {
  test('the 101st call within 20 s gets 606; 601/602 answers do not count', async () => {
    const e = await start({ rateLimit: { calls: 100, windowMs: 20_000 } });
    const { access_token } = await token(e);
    await get(e, '/rest/v1/activities/types.json', 'bogus:int');
    const codes: (string | null)[] = [];
    for (let i = 0; i < 101; i++) {
      const r = await get(e, '/rest/v1/activities/types.json', access_token);
      codes.push(r.body.success ? null : r.body.errors[0].code);
    }
    expect(codes.slice(0, 100).every((c) => c === null)).toBe(true);
    expect(codes[100]).toBe('606');
  });

  test('the daily quota answers 607 once spent', async () => {
    const e = await start({ dailyQuota: 3 });
    const { access_token } = await token(e);
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await get(e, '/rest/v1/activities/types.json', access_token)).body.errors?.[0].code ?? null);
    expect(codes).toEqual([null, null, null, '607']);
    expect(e.usage()).toBe(3);
  });

  test('an 11th call in flight gets 615', async () => {
    const e = await start({ rateLimit: null });
    const { access_token } = await token(e);
    e.faults.slow(150);
    const all = await Promise.all(
      Array.from({ length: 12 }, () => get(e, '/rest/v1/activities/types.json', access_token)),
    );
    const rejected = all.filter((r) => !r.body.success);
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    expect(rejected.every((r) => r.body.errors[0].code === '615')).toBe(true);
  });

  test('forced faults: 606, 615, 607 as bodies; 503 as an HTML page; a truncated page', async () => {
    const e = await start();
    const { access_token } = await token(e);
    e.faults.rateLimited(1).concurrencyLimited(1);
    const t = () => get(e, '/rest/v1/activities/types.json', access_token);
    expect((await t()).body.errors[0].code).toBe('606');
    expect((await t()).body.errors[0].code).toBe('615');
    expect((await t()).body.success).toBe(true);
    e.faults.dailyQuotaReached();
    expect((await t()).body.errors[0]).toEqual({ code: '607', message: 'Daily quota reached' });
    e.faults.clear().httpError({ status: 503 });
    const page = await fetch(`${e.url}/rest/v1/activities/types.json`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/html/);
    e.faults.malformedPage();
    const pt = await get(e, '/rest/v1/activities/pagingtoken.json', access_token, {
      sinceDatetime: '2026-11-01T00:00:00Z',
    });
    const broken = await fetch(
      `${e.url}/rest/v1/activities.json?nextPageToken=${pt.body.nextPageToken}&activityTypeIds=1`,
      { headers: { authorization: `Bearer ${access_token}` } },
    );
    await expect(broken.json()).rejects.toThrow();
  });
});
