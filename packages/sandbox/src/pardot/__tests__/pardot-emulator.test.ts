/**
 * Contract tests: the Pardot connector (real client, real Salesforce OAuth against the
 * Salesforce emulator) against the Pardot v5 emulator. Each test names the v5 doc behind it:
 * v5 = https://developer.salesforce.com/docs/marketing/pardot/guide/version5overview.html,
 * errors = https://developer.salesforce.com/docs/marketing/pardot/guide/error-codes.html,
 * auth = https://developer.salesforce.com/docs/marketing/pardot/guide/authentication.html.
 */
import { generateOrg } from '../../generator';
import { PulseError, ValidationError } from '@pulse/server/src/errors';
import type { MapCheckpoint, MapPage, MapPullContext } from '@pulse/server/src/sources/map/types';
import { MapSourceError } from '@pulse/server/src/sources/map/types';
import { OVERLAP_MS, pardot } from '@pulse/server/src/sources/pardot/connector';
import { startEmulator, type Emulator } from '../../salesforce/server';
import { mapSeed, type MapSeed } from '../../mapSeed';
import { startPardotEmulator, type PardotEmulator } from '../server';

const now = new Date('2026-11-24T10:00:00.000Z');
const DAY = 86_400_000;
let sf: Emulator;
let pd: PardotEmulator;
let seed: MapSeed;
let acceptTokens = true;

/** MAP-only people: no CRM id, one with a company domain, one with gmail. */
function withMapOnlyPeople(s: MapSeed): MapSeed {
  const extra = [
    { email: 'dana.reyes@ironcladsavings.example', company: 'Ironclad Savings Bank' },
    { email: 'sam.otter@gmail.com', company: null },
  ];
  const people = [
    ...s.people,
    ...extra.map((e, i) => ({
      salesforceId: '',
      kind: 'lead' as const,
      email: e.email,
      firstName: ['Dana', 'Sam'][i]!,
      lastName: ['Reyes', 'Otter'][i]!,
      title: null,
      department: null,
      company: e.company,
      salesforceAccountId: null,
      createdAt: '2026-11-01T00:00:00.000Z',
    })),
  ];
  const activities = [
    ...s.activities,
    ...extra.map((e, i) => ({
      sourceId: `maponly-${i}`,
      type: 'web_visit' as const,
      occurredAt: `2026-11-2${i}T12:00:00.000Z`,
      email: e.email,
      domain: e.email.split('@')[1]!,
      salesforceId: '',
      url: 'https://www.example.com/pricing',
      campaignName: null,
      emailName: null,
      assetName: null,
    })),
  ].sort((x, y) => (x.occurredAt < y.occurredAt ? -1 : x.occurredAt > y.occurredAt ? 1 : 0));
  return { people, activities };
}

function connector(settings: Record<string, string> = {}) {
  return pardot.create(
    {
      settings: { businessUnitId: pd.credentials.businessUnitId, baseUrl: pd.credentials.baseUrl, ...settings },
      secrets: {},
    },
    {
      salesforce: {
        kind: 'client_credentials',
        loginUrl: sf.loginUrl,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
      },
    },
  );
}

interface Pull {
  pages: MapPage[];
  calls: number;
  sleeps: number[];
}

function context(since: MapCheckpoint, calls: { n: number }, sleeps: number[]): MapPullContext {
  return {
    orgId: 'org-pd',
    since,
    now,
    firstPullDays: 200,
    countCall: () => void calls.n++,
    fetch,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 1, // each backoff is the top of its jitter window
  };
}

async function pullAll(since: MapCheckpoint = { watermark: null, cursor: null }, c = connector()): Promise<Pull> {
  const calls = { n: 0 };
  const sleeps: number[] = [];
  const pages: MapPage[] = [];
  for await (const p of c.pull(context(since, calls, sleeps))) pages.push(p);
  return { pages, calls: calls.n, sleeps };
}

async function pullError(c = connector()): Promise<{ error: MapSourceError; pages: MapPage[]; sleeps: number[] }> {
  const calls = { n: 0 };
  const sleeps: number[] = [];
  const pages: MapPage[] = [];
  try {
    for await (const p of c.pull(context({ watermark: null, cursor: null }, calls, sleeps))) pages.push(p);
  } catch (e) {
    expect(e).toBeInstanceOf(MapSourceError);
    return { error: e as MapSourceError, pages, sleeps };
  }
  throw new Error('pull did not fail');
}

/**
 * Pulls from scratch into `pages`, setting off `fault` once the first page has arrived: a fault in the
 * middle of a pull. Resolves with the pages, or rejects with the pull's error (`pages` holds what came before).
 */
async function pullFaultingAfterFirstPage(fault: () => void, pages: MapPage[] = []): Promise<MapPage[]> {
  for await (const p of connector().pull(context({ watermark: null, cursor: null }, { n: 0 }, []))) {
    pages.push(p);
    if (pages.length === 1) fault();
  }
  return pages;
}

const activityIds = (pages: MapPage[]) => new Set(pages.flatMap((p) => p.activities.map((a) => a.id)));
const windowCount = (s: MapSeed, from: Date) =>
  s.activities.filter((a) => Date.parse(a.occurredAt) >= from.getTime() && Date.parse(a.occurredAt) <= now.getTime())
    .length;

let clean: Pull;

beforeAll(async () => {
  seed = withMapOnlyPeople(mapSeed(generateOrg({ accounts: 60, seed: 7, now })));
  sf = await startEmulator({ forceAppDir: null, now: () => now });
  pd = await startPardotEmulator({
    seed,
    now,
    validateToken: (t) => acceptTokens && sf.context.auth.session(t) !== null,
  });
  clean = await pullAll();
});
afterAll(async () => {
  await pd.close();
  await sf.close();
});
beforeEach(() => {
  pd.faults.clear();
  pd.calls.clear();
  acceptTokens = true;
});

describe('visitor activities with nextPageToken paging (v5: query, paging)', () => {
  it('pulls every activity in the window once, in pages of at most 1000, and stops when nextPageUrl is null', () => {
    const ids = activityIds(clean.pages);
    const total = clean.pages.reduce((n, p) => n + p.activities.length, 0);
    expect(total).toBe(ids.size);
    expect(ids.size).toBe(windowCount(seed, new Date(now.getTime() - 200 * DAY)));
    expect(clean.pages.length).toBe(Math.ceil(ids.size / 1000));
    for (const p of clean.pages) expect(p.activities.length).toBeLessThanOrEqual(1000);
  });

  it('sends createdAt filters with an offset (+ as %2B) up to the run clock and only fields with the page token', async () => {
    await pullAll({ watermark: new Date('2026-11-01T00:00:00.000Z'), cursor: null });
    const acts = pd.calls.filter((c) => c.path === '/api/v5/objects/visitor-activities');
    expect(acts[0]!.params).toMatchObject({
      createdAtAfterOrEqualTo: new Date(Date.parse('2026-11-01T00:00:00.000Z') - OVERLAP_MS)
        .toISOString()
        .replace('Z', '+00:00'),
      createdAtBeforeOrEqualTo: '2026-11-24T10:00:00.000+00:00',
      limit: '1000',
    });
    for (const c of acts.slice(1)) expect(Object.keys(c.params).sort()).toEqual(['fields', 'nextPageToken']);
    expect(acts.every((c) => c.status === 200)).toBe(true);
  });

  it('checkpoints after each page never go back and end at the newest activity', () => {
    const marks = clean.pages.map((p) => p.checkpoint.watermark!.getTime());
    for (let i = 1; i < marks.length; i++) expect(marks[i]).toBeGreaterThanOrEqual(marks[i - 1]!);
    const newest = Math.max(...clean.pages.flatMap((p) => p.activities.map((a) => a.occurredAt.getTime())));
    expect(marks.at(-1)).toBe(newest);
    expect(clean.pages.every((p) => p.checkpoint.cursor === null)).toBe(true);
  });

  it('a second pull from the checkpoint asks for the overlap only: a few calls, nothing older than the overlap', async () => {
    const last = clean.pages.at(-1)!.checkpoint;
    const again = await pullAll(last);
    const floor = last.watermark!.getTime() - OVERLAP_MS;
    const acts = again.pages.flatMap((p) => p.activities);
    expect(acts.every((a) => a.occurredAt.getTime() >= floor)).toBe(true);
    expect(acts.length).toBe(windowCount(seed, new Date(floor)));
    expect(again.calls).toBeLessThanOrEqual(3);
    expect(again.pages.at(-1)!.checkpoint.watermark).toEqual(last.watermark);
  });

  it('restarts from the watermark when a page token expires after 4 hours (code 210)', async () => {
    const pages = await pullFaultingAfterFirstPage(() => pd.faults.expirePageTokens());
    expect(pd.calls.entries.some((x) => x.code === 210)).toBe(true);
    expect(activityIds(pages)).toEqual(activityIds(clean.pages));
  });

  it('page tokens age out after 4 hours by the clock (code 210)', async () => {
    let clock = now.getTime();
    const aging = await startPardotEmulator({ seed, now, clock: () => new Date(clock), validateToken: () => true });
    try {
      const headers = { authorization: 'Bearer x', 'pardot-business-unit-id': aging.credentials.businessUnitId };
      const first = (await (
        await fetch(`${aging.url}/api/v5/objects/visitor-activities?fields=id&limit=10`, { headers })
      ).json()) as { nextPageUrl: string };
      clock += 4 * 3_600_000 - 1000;
      const fresh = (await (await fetch(first.nextPageUrl, { headers })).json()) as { nextPageUrl: string };
      clock += 4 * 3_600_000 + 1000;
      const stale = await fetch(fresh.nextPageUrl, { headers });
      expect(stale.status).toBe(400);
      expect(await stale.json()).toMatchObject({ code: 210 });
    } finally {
      await aging.close();
    }
  });

  it('asks for nothing after the run clock and never checkpoints past it', async () => {
    const runClock = new Date('2026-11-10T00:00:00.000Z');
    const calls = { n: 0 };
    const pages: MapPage[] = [];
    for await (const p of connector().pull({ ...context({ watermark: null, cursor: null }, calls, []), now: runClock }))
      pages.push(p);
    const acts = pages.flatMap((p) => p.activities);
    expect(acts.length).toBeGreaterThan(0);
    expect(acts.every((a) => a.occurredAt <= runClock)).toBe(true);
    expect(pages.at(-1)!.checkpoint.watermark!.getTime()).toBeLessThanOrEqual(runClock.getTime());
    expect(acts.length).toBe(
      seed.activities.filter(
        (a) =>
          Date.parse(a.occurredAt) >= runClock.getTime() - 200 * DAY && Date.parse(a.occurredAt) <= runClock.getTime(),
      ).length,
    );
  });

  it('goes on with a new query when a token chain hits its record cap (Pardot-Warning: 203)', async () => {
    const capped = await startPardotEmulator({
      seed,
      now,
      chainCap: 700,
      validateToken: (t) => sf.context.auth.session(t) !== null,
    });
    try {
      const r = await pullAll(
        { watermark: null, cursor: null },
        pardot.create(
          { settings: { businessUnitId: capped.credentials.businessUnitId, baseUrl: capped.url }, secrets: {} },
          {
            salesforce: {
              kind: 'client_credentials',
              loginUrl: sf.loginUrl,
              clientId: sf.clientId,
              clientSecret: sf.clientSecret,
            },
          },
        ),
      );
      expect(activityIds(r.pages)).toEqual(activityIds(clean.pages));
      expect(r.pages.every((p) => p.activities.length <= 700)).toBe(true);
    } finally {
      await capped.close();
    }
  });
});

describe('prospects with their CRM ids (prospect-v5)', () => {
  const people = () => new Map(clean.pages.flatMap((p) => p.people.map((x) => [x.id, x])));

  it('every activity has its prospect, with Salesforce contact/lead and account ids as synced', () => {
    const byId = people();
    for (const a of clean.pages.flatMap((p) => p.activities)) expect(byId.has(a.personId)).toBe(true);
    const checked = seed.people.filter((s) => byId.has(String(pd.prospectId(s.email))));
    expect(checked.length).toBeGreaterThan(seed.people.length / 2);
    expect(checked.some((s) => s.kind === 'lead') && checked.some((s) => s.kind === 'contact')).toBe(true);
    for (const s of checked)
      expect(byId.get(String(pd.prospectId(s.email)))).toMatchObject({
        email: s.email,
        crmId: s.salesforceId || null,
        crmAccountId: s.salesforceAccountId,
      });
  });

  it('a prospect gone to the recycle bin still owns its activities, as a bare person with no CRM id', async () => {
    const bin = await startPardotEmulator({
      seed,
      now,
      validateToken: (t) => sf.context.auth.session(t) !== null,
    });
    try {
      const id = bin.prospectId('sam.otter@gmail.com')!;
      bin.deleteProspect(id);
      const r = await pullAll(
        { watermark: new Date('2026-11-20T00:00:00.000Z'), cursor: null },
        pardot.create(
          { settings: { businessUnitId: bin.credentials.businessUnitId, baseUrl: bin.url }, secrets: {} },
          {
            salesforce: {
              kind: 'client_credentials',
              loginUrl: sf.loginUrl,
              clientId: sf.clientId,
              clientSecret: sf.clientSecret,
            },
          },
        ),
      );
      const person = r.pages.flatMap((p) => p.people).find((p) => p.id === String(id));
      expect(person).toEqual({
        id: String(id),
        email: null,
        name: `Prospect ${id}`,
        title: null,
        company: null,
        crmId: null,
        crmAccountId: null,
      });
      expect(r.pages.flatMap((p) => p.activities).some((a) => a.personId === String(id))).toBe(true);
    } finally {
      await bin.close();
    }
  });

  it('MAP-only prospects come with no CRM id', () => {
    const byId = people();
    const gmail = byId.get(String(pd.prospectId('sam.otter@gmail.com')))!;
    expect(gmail).toMatchObject({ name: 'Sam Otter', crmId: null, crmAccountId: null });
    expect(byId.get(String(pd.prospectId('dana.reyes@ironcladsavings.example')))!.crmId).toBeNull();
  });

  it('looks prospects and page views up by id range, a few calls per page, each prospect once per pull', () => {
    const all = clean.pages.flatMap((p) => p.people.map((x) => x.id));
    expect(new Set(all).size).toBe(all.length);
    expect(clean.calls).toBeLessThanOrEqual(clean.pages.length * 4);
  });

  it('page views carry their URL from visitor-page-views (visitor-page-view-v5)', () => {
    const from = now.getTime() - 200 * DAY;
    const seedUrls = seed.activities
      .filter((a) => a.type === 'web_visit' && a.url && Date.parse(a.occurredAt) >= from)
      .map((a) => a.url)
      .sort();
    const urls = clean.pages
      .flatMap((p) => p.activities)
      .filter((a) => a.type === 'web_visit')
      .map((a) => a.url)
      .sort();
    expect(seedUrls.length).toBeGreaterThan(0);
    expect(urls).toEqual(seedUrls);
  });
});

describe('Salesforce OAuth token and business unit header (auth)', () => {
  it('an expired session answers 184; the connector signs in to Salesforce again once and carries on', async () => {
    const pages = await pullFaultingAfterFirstPage(() => sf.faults.expireSessions());
    expect(pd.calls.filter((x) => x.status === 401).map((x) => x.code)).toEqual([184]);
    expect(activityIds(pages)).toEqual(activityIds(clean.pages));
  });

  it('a token Pardot still refuses after the refresh fails the pull as auth (code 184)', async () => {
    acceptTokens = false;
    const { error } = await pullError();
    expect(error).toMatchObject({ kind: 'auth', code: '184' });
    expect(error.message).toMatch(/pardot_api/);
    expect(pd.calls.entries.map((x) => x.code)).toEqual([184, 184]);
  });

  it('dropped connections to the Salesforce token endpoint are tried again by the sign-in', async () => {
    let drops = 2;
    const flaky: typeof fetch = (input, init) => {
      if (String(input as string).includes('/services/oauth2/token') && drops-- > 0)
        return Promise.reject(new TypeError('fetch failed'));
      return fetch(input, init);
    };
    const sleeps: number[] = [];
    const pages: MapPage[] = [];
    const ctx = { ...context({ watermark: null, cursor: null }, { n: 0 }, sleeps), fetch: flaky };
    for await (const p of connector().pull(ctx)) pages.push(p);
    expect(drops).toBe(-1);
    expect(activityIds(pages)).toEqual(activityIds(clean.pages));
  });

  it('a Salesforce sign-in that is refused fails the pull as auth without calling Pardot', async () => {
    const c = pardot.create(
      { settings: { businessUnitId: pd.credentials.businessUnitId, baseUrl: pd.url }, secrets: {} },
      {
        salesforce: { kind: 'client_credentials', loginUrl: sf.loginUrl, clientId: sf.clientId, clientSecret: 'wrong' },
      },
    );
    const { error, sleeps } = await pullError(c);
    expect(error).toMatchObject({ kind: 'auth', code: 'SF_AUTH' });
    expect(sleeps).toEqual([]);
    expect(pd.calls).toHaveLength(0);
  });

  it('a request without the Pardot-Business-Unit-Id header answers 400 code 181', async () => {
    const res = await fetch(`${pd.url}/api/v5/objects/prospects?fields=id`, {
      headers: { authorization: `Bearer ${sf.issueToken()}` },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 181 });
  });

  it('a request without a token answers 401 before anything else', async () => {
    const res = await fetch(`${pd.url}/api/v5/objects/prospects?fields=id`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 49, message: 'Access Denied' });
  });

  it('another business unit answers 201 and the pull fails naming businessUnitId', async () => {
    const { error } = await pullError(connector({ businessUnitId: '0Uv000000000999CAA' }));
    expect(error).toMatchObject({ kind: 'auth', code: '201' });
    expect(error.message).toMatch(/businessUnitId/);
  });

  it('a malformed business unit header answers 182', async () => {
    const res = await fetch(`${pd.url}/api/v5/objects/prospects?fields=id`, {
      headers: { authorization: `Bearer ${sf.issueToken()}`, 'pardot-business-unit-id': 'nope' },
    });
    expect(await res.json()).toMatchObject({ code: 182 });
  });
});

describe('limits and server errors (errors: 66, 122, 202; 5xx)', () => {
  it('concurrency (66) is retried with growing back-off', async () => {
    pd.faults.concurrency(2);
    const r = await pullAll();
    expect(r.sleeps).toEqual([1000, 2000]);
    expect(pd.calls.filter((x) => x.status === 429).map((x) => x.code)).toEqual([66, 66]);
    expect(activityIds(r.pages)).toEqual(activityIds(clean.pages));
  });

  it('more than five requests at once really answer 66', async () => {
    const slow = await startPardotEmulator({ seed, now, latencyMs: 100, validateToken: () => true });
    try {
      const headers = { authorization: 'Bearer x', 'pardot-business-unit-id': slow.credentials.businessUnitId };
      const url = `${slow.url}/api/v5/objects/prospects?fields=id&limit=1`;
      const codes = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const res = await fetch(url, { headers });
          return res.status === 200 ? 200 : ((await res.json()) as { code: number }).code;
        }),
      );
      expect(codes.filter((c) => c === 200)).toHaveLength(5);
      expect(codes.filter((c) => c === 66)).toHaveLength(3);
    } finally {
      await slow.close();
    }
  });

  it('the per-minute limit (202) waits a minute and carries on', async () => {
    pd.faults.perMinute(1);
    const r = await pullAll();
    expect(r.sleeps).toEqual([60_000]);
    expect(activityIds(r.pages)).toEqual(activityIds(clean.pages));
  });

  it('503s are retried with back-off and counted as calls', async () => {
    pd.faults.serverErrors(2);
    const r = await pullAll();
    expect(r.sleeps).toEqual([2000, 4000]);
    expect(r.calls).toBe(clean.calls + 2);
  });

  it('concurrency that does not clear fails the pull as rate after five attempts', async () => {
    pd.faults.concurrency(50);
    const { error, sleeps } = await pullError();
    expect(error).toMatchObject({ kind: 'rate', code: '66' });
    expect(sleeps).toHaveLength(4);
  });

  it('the daily limit (122) ends the pull as quota at once, without retries', async () => {
    pd.faults.dailyLimit();
    const { error, sleeps } = await pullError();
    expect(error).toMatchObject({ kind: 'quota', code: '122' });
    expect(sleeps).toEqual([]);
    expect(pd.calls.entries.map((x) => [x.status, x.code])).toEqual([[429, 122]]);
  });

  it('the daily allowance counts calls: the call past it answers 122', async () => {
    const small = await startPardotEmulator({ seed, now, dailyLimit: 2, validateToken: () => true });
    try {
      const headers = { authorization: 'Bearer x', 'pardot-business-unit-id': small.credentials.businessUnitId };
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await fetch(`${small.url}/api/v5/objects/prospects?fields=id&limit=1`, { headers })).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(small.calls.entries.at(-1)!.code).toBe(122);
    } finally {
      await small.close();
    }
  });
});

describe('malformed answers', () => {
  it('a page cut off mid-JSON fails the pull as malformed after the pages before it', async () => {
    const pages: MapPage[] = [];
    await expect(pullFaultingAfterFirstPage(() => pd.faults.malformedPage(), pages)).rejects.toMatchObject({
      kind: 'malformed',
      code: 'MALFORMED',
    });
    expect(pages).toHaveLength(1);
    expect(pages[0]!.checkpoint).toEqual(clean.pages[0]!.checkpoint);
  });
});

describe('v5 query rules (v5: fields, limit, datetimes)', () => {
  const get = (qs: string) =>
    fetch(`${pd.url}/api/v5/objects/visitor-activities?${qs}`, {
      headers: { authorization: `Bearer ${sf.issueToken()}`, 'pardot-business-unit-id': pd.credentials.businessUnitId },
    });

  it('fields is required', async () => {
    const res = await get('limit=10');
    expect(res.status).toBe(400);
  });

  it('limit above 1000 is refused', async () => {
    expect((await get('fields=id&limit=1001')).status).toBe(400);
  });

  it('an unencoded + in a datetime filter is refused; %2B works', async () => {
    expect((await get('fields=id&createdAtAfterOrEqualTo=2026-11-20T00:00:00+00:00')).status).toBe(400);
    expect((await get('fields=id&createdAtAfterOrEqualTo=2026-11-20T00:00:00%2B00:00')).status).toBe(200);
  });

  it('a page token with anything but fields is refused; values and nulls at the end otherwise', async () => {
    const first = (await (await get('fields=id,createdAt&limit=1000')).json()) as {
      values: Array<{ id: number; createdAt: string }>;
      nextPageToken: string;
    };
    expect(first.values).toHaveLength(1000);
    expect(first.values[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00$/);
    expect((await get(`fields=id&limit=5&nextPageToken=${first.nextPageToken}`)).status).toBe(400);
    const last = (await (await get('fields=id&createdAtAfterOrEqualTo=2026-11-24T09:00:00%2B00:00')).json()) as {
      nextPageToken: unknown;
      nextPageUrl: unknown;
    };
    expect(last).toMatchObject({ nextPageToken: null, nextPageUrl: null });
  });
});

describe('configuration', () => {
  it('needs the org’s Salesforce sign-in and says how to set it', () => {
    expect(() =>
      pardot.create({ settings: { businessUnitId: '0Uv000000000001CAA' }, secrets: {} }, { salesforce: null }),
    ).toThrow(PulseError);
    expect(() =>
      pardot.create({ settings: { businessUnitId: '0Uv000000000001CAA' }, secrets: {} }, { salesforce: null }),
    ).toThrow(/SF_CLIENT_ID/);
  });

  it('validates the business unit id and base URL, defaulting the host', () => {
    expect(pardot.validate({ settings: { businessUnitId: '0Uv000000000001CAA' }, secrets: {} }).settings).toEqual({
      businessUnitId: '0Uv000000000001CAA',
      baseUrl: 'https://pi.pardot.com',
    });
    expect(() =>
      pardot.validate({
        settings: { businessUnitId: '00D000000000001', baseUrl: 'http://pi.pardot.com' },
        secrets: {},
      }),
    ).toThrow(ValidationError);
    const issues = (() => {
      try {
        pardot.validate({ settings: { baseUrl: 'ftp://x' }, secrets: {} });
        return [];
      } catch (e) {
        return (e as ValidationError).issues.map((i) => i.path).sort();
      }
    })();
    expect(issues).toEqual(['baseUrl', 'businessUnitId']);
  });

  it('reads PARDOT_BUSINESS_UNIT_ID and PARDOT_BASE_URL', () => {
    expect(pardot.fromEnv({})).toBeNull();
    expect(
      pardot.fromEnv({ PARDOT_BUSINESS_UNIT_ID: '0Uv000000000001CAA', PARDOT_BASE_URL: 'https://pi.demo.pardot.com' }),
    ).toEqual({
      settings: { businessUnitId: '0Uv000000000001CAA', baseUrl: 'https://pi.demo.pardot.com' },
      secrets: {},
    });
  });
});
