/**
 * The HubSpot connector against the HubSpot emulator: paging to the end of each stream, token
 * expiry and refresh, each 429 policy, 5xx, a malformed page, resuming from a checkpoint.
 * Usage and 429 bodies: https://developers.hubspot.com/docs/api/usage-details
 * Errors: https://developers.hubspot.com/docs/api-reference/error-handling
 * OAuth refresh: https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/refresh-oauth-token
 * Email events: https://developers.hubspot.com/docs/api-reference/legacy/email-analytics-v1/guide
 * Form submissions: https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v1/get-form-integrations-v1-submissions-forms-form_guid
 * Events API: https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics
 */
import { hubspot } from '@pulse/server/src/sources/hubspot/connector';
import { MapSourceError, type MapActivity, type MapConnector, type MapPage } from '@pulse/server/src/sources/map/types';
import type { MapSeed } from '../../mapSeed';
import type { HubspotCall } from '../faults';
import { startHubspotEmulator, type HubspotEmulator } from '../server';
import { ACCOUNT, collect, contractSeed, NOW, pullContext } from './fixture';

let emu: HubspotEmulator;
let seed: MapSeed;
let privateApp: MapConnector;
let oauth: MapConnector;

beforeAll(async () => {
  seed = contractSeed();
  // No real burst limit here: the tests force each 429 themselves, and waits are not slept.
  emu = await startHubspotEmulator({ seed, now: NOW, tenSecondlyLimit: 1_000_000 });
  privateApp = hubspot.create(
    { settings: { baseUrl: emu.url }, secrets: { accessToken: emu.credentials.accessToken } },
    { salesforce: null },
  );
  const { clientId, clientSecret, refreshToken } = emu.credentials;
  oauth = hubspot.create(
    { settings: { baseUrl: emu.url }, secrets: { clientId, clientSecret, refreshToken } },
    { salesforce: null },
  );
});
afterAll(() => emu.close());
afterEach(() => {
  emu.faults.clear();
  emu.calls.clear();
});

const activities = (pages: MapPage[]): MapActivity[] => pages.flatMap((p) => p.activities);
const cutoff = NOW.getTime() - 30 * 86_400_000;
/** What a 30-day first pull must bring, per Pulse type. */
const expectedCounts = (): Record<string, number> => {
  const map: Record<string, string> = { email_send: 'email_sent' };
  const out: Record<string, number> = {};
  for (const a of seed.activities) {
    if (Date.parse(a.occurredAt) < cutoff) continue;
    const t = map[a.type] ?? a.type;
    out[t] = (out[t] ?? 0) + 1;
  }
  return out;
};
const countByType = (acts: MapActivity[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const a of acts) out[a.type] = (out[a.type] ?? 0) + 1;
  return out;
};
const ids = (acts: MapActivity[]): string[] => [...new Set(acts.map((a) => a.id))].sort();

describe('first pull (private app token)', () => {
  let pages: MapPage[];
  let calls: HubspotCall[];
  beforeAll(async () => {
    emu.calls.clear();
    const { ctx } = pullContext();
    const r = await collect(privateApp, ctx);
    expect(r.error).toBeNull();
    pages = r.pages;
    calls = [...emu.calls.entries];
  });
  const callsTo = (part: string) => calls.filter((c) => c.path.includes(part));

  it('brings every activity of the last firstPullDays, mapped to Pulse types, each once', () => {
    const acts = activities(pages);
    expect(countByType(acts)).toEqual(expectedCounts());
    expect(ids(acts)).toHaveLength(acts.length);
    expect(acts.every((a) => a.occurredAt.getTime() >= cutoff && a.occurredAt <= NOW)).toBe(true);
    const click = acts.find((a) => a.type === 'email_click')!;
    expect(click.url).toBe('https://www.seller.example/pricing');
    expect(click.emailName).toMatch(/^Newsletter \d$/);
    expect(
      acts.filter((a) => a.type === 'content_download').every((a) => a.assetName === 'Download: Security Whitepaper'),
    ).toBe(true);
  });

  it('hands over each person before or with their first activity, with the Salesforce ids HubSpot keeps', () => {
    const seen = new Map<string, MapPage['people'][number]>();
    for (const p of pages) {
      for (const person of p.people) seen.set(person.id, person);
      for (const a of p.activities) expect(seen.has(a.personId)).toBe(true);
    }
    const byEmail = new Map([...seen.values()].map((p) => [p.email, p]));
    expect(byEmail.get('person1@northwind.example')).toMatchObject({
      crmId: '003000000000001AAA',
      crmAccountId: ACCOUNT,
      name: 'First1 Last1',
      title: 'VP Marketing',
      company: 'Northwind',
    });
    expect(byEmail.get('lead5@contoso.example')).toMatchObject({ crmId: '00Q000000000005AAA', crmAccountId: null });
    expect(byEmail.get('maponly@fabrikam.example')).toMatchObject({
      crmId: null,
      crmAccountId: null,
      company: 'Fabrikam',
    });
    expect(byEmail.get('someone@gmail.com')).toMatchObject({ crmId: null, crmAccountId: null });
    // No contact any more: kept, known by email only, so the sync can still match it.
    expect(byEmail.get('gone@northwind.example')).toEqual({
      id: 'email:gone@northwind.example',
      email: 'gone@northwind.example',
      name: 'gone@northwind.example',
      title: null,
      company: null,
      crmId: null,
      crmAccountId: null,
    });
  });

  it('follows each cursor to the end: hasMore false, then paging absent', () => {
    const ev = callsTo('/email/public/v1/events');
    // 1,000-event pages; the second page is the last.
    expect(ev.length).toBe(2);
    expect(ev[1]!.query.offset).toBeTruthy();
    const subs = callsTo('/form-integrations/v1/submissions/forms/');
    // The Demo Request form holds 60 submissions: two pages of 50.
    expect(subs.length).toBe(emu.portal.forms.length + 1);
    expect(subs.every((c) => c.query.limit === '50')).toBe(true);
    const web = callsTo('/events/v3/events');
    expect(web.length).toBe(Math.ceil(expectedCounts().web_visit! / 100));
    expect(web[0]!.query).toMatchObject({ objectType: 'contact', eventType: 'e_visited_page' });
  });

  it('ends with the watermark at now and no cursor; pages before carry a cursor and the old watermark', () => {
    const last = pages[pages.length - 1]!;
    expect(last.checkpoint).toEqual({ watermark: NOW, cursor: null });
    for (const p of pages.slice(0, -1)) {
      expect(p.checkpoint.watermark).toBeNull();
      expect(typeof p.checkpoint.cursor).toBe('string');
    }
  });
});

describe('incremental pull', () => {
  it('a second pull from the checkpoint asks for the overlap only and finds nothing new', async () => {
    const first = await collect(privateApp, pullContext().ctx);
    const since = first.pages[first.pages.length - 1]!.checkpoint;
    const later = new Date(NOW.getTime() + 3_600_000);
    const { ctx, calls } = pullContext({ since, now: later });
    const r = await collect(privateApp, ctx);
    expect(r.error).toBeNull();
    expect(activities(r.pages)).toEqual([]);
    // One call per stream (email events, forms list + one page per form, page views).
    expect(calls()).toBeLessThanOrEqual(2 + emu.portal.forms.length + 1);
    expect(emu.calls.filter('/email/public/v1/events').at(-1)!.query.startTimestamp).toBe(
      String(NOW.getTime() - 3_600_000),
    );
    expect(r.pages.at(-1)!.checkpoint).toEqual({ watermark: later, cursor: null });
  });

  it('brings what happened since the last pull (and the overlap before it), nothing older', async () => {
    let clock = new Date(NOW.getTime() - 5 * 86_400_000);
    const moving = await startHubspotEmulator({ seed, now: () => clock, tenSecondlyLimit: 1_000_000 });
    try {
      const c = hubspot.create(
        {
          settings: { baseUrl: moving.url, overlapMinutes: '120' },
          secrets: { accessToken: moving.credentials.accessToken },
        },
        { salesforce: null },
      );
      // 25 days back from 5 days ago: the same start as the 30-day pulls from NOW.
      const first = await collect(c, pullContext({ now: clock, firstPullDays: 25 }).ctx);
      const t1 = clock.getTime();
      expect(first.error).toBeNull();
      expect(activities(first.pages).every((a) => a.occurredAt.getTime() <= t1)).toBe(true);
      clock = NOW;
      const second = await collect(c, pullContext({ now: NOW, since: first.pages.at(-1)!.checkpoint }).ctx);
      expect(second.error).toBeNull();
      const got = activities(second.pages);
      expect(got.every((a) => a.occurredAt.getTime() >= t1 - 2 * 3_600_000)).toBe(true);
      const newer = seed.activities.filter((a) => Date.parse(a.occurredAt) > t1).length;
      expect(got.filter((a) => a.occurredAt.getTime() > t1)).toHaveLength(newer);
      expect(newer).toBeGreaterThan(0);
      expect(ids([...activities(first.pages), ...got])).toEqual(
        ids(activities((await collect(privateApp, pullContext().ctx)).pages)),
      );
    } finally {
      await moving.close();
    }
  });

  it('resumes after a crash at any page and, together with the pages before it, brings the same activities', async () => {
    const full = await collect(privateApp, pullContext().ctx);
    const all = ids(activities(full.pages));
    for (const k of [0, 1, 3, full.pages.length - 3]) {
      const before = full.pages.slice(0, k + 1);
      const { ctx } = pullContext({ since: before[k]!.checkpoint });
      const rest = await collect(privateApp, ctx);
      expect(rest.error).toBeNull();
      expect(ids([...activities(before), ...activities(rest.pages)])).toEqual(all);
    }
  });
});

describe('OAuth', () => {
  it('refreshes a token first, and again when HubSpot answers 401 EXPIRED_AUTHENTICATION mid-pull', async () => {
    let n = 0;
    const { ctx } = pullContext({
      fetch: (input, init) => {
        if (++n === 4) emu.faults.expireTokens();
        return fetch(input, init);
      },
    });
    const r = await collect(oauth, ctx);
    expect(r.error).toBeNull();
    expect(countByType(activities(r.pages))).toEqual(expectedCounts());
    expect(emu.calls.filter('/oauth/v1/token', 'POST').map((c) => c.status)).toEqual([200, 200]);
    const expired = emu.calls.entries.filter((c) => c.status === 401);
    expect(expired).toHaveLength(1);
  });

  it("answers an expired token with 401 EXPIRED_AUTHENTICATION in HubSpot's error body", async () => {
    const { clientId, clientSecret, refreshToken } = emu.credentials;
    const tok = await fetch(`${emu.url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
      }),
    });
    const body = (await tok.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toMatchObject({ expires_in: 1800, token_type: 'bearer' });
    emu.faults.expireTokens();
    const res = await fetch(`${emu.url}/crm/v3/objects/contacts?limit=1`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      status: 'error',
      category: 'EXPIRED_AUTHENTICATION',
      correlationId: expect.any(String),
    });
  });

  it('a refused refresh token fails the pull as an auth error that names the keys', async () => {
    const { clientId, clientSecret } = emu.credentials;
    const bad = hubspot.create(
      { settings: { baseUrl: emu.url }, secrets: { clientId, clientSecret, refreshToken: 'revoked' } },
      { salesforce: null },
    );
    const r = await collect(bad, pullContext().ctx);
    expect(r.error).toBeInstanceOf(MapSourceError);
    expect(r.error).toMatchObject({ kind: 'auth', code: 'BAD_REFRESH_TOKEN' });
    expect((r.error as Error).message).toMatch(/refreshToken/);
  });

  it('a wrong private app token fails as an auth error after one call', async () => {
    const bad = hubspot.create(
      { settings: { baseUrl: emu.url }, secrets: { accessToken: 'pat-na1-wrong' } },
      { salesforce: null },
    );
    const { ctx, calls } = pullContext();
    const r = await collect(bad, ctx);
    expect(r.error).toMatchObject({ kind: 'auth', code: 'INVALID_AUTHENTICATION' });
    expect((r.error as Error).message).toMatch(/HUBSPOT_ACCESS_TOKEN/);
    expect(calls()).toBe(1);
  });
});

describe('rate limits (429 by policyName)', () => {
  it('SECONDLY: waits about a second and retries', async () => {
    emu.faults.rateLimit('SECONDLY', 1, '/crm/v3/objects/contacts/batch/read');
    const { ctx, sleeps } = pullContext();
    const r = await collect(privateApp, ctx);
    expect(r.error).toBeNull();
    expect(sleeps).toEqual([1000]);
    expect(countByType(activities(r.pages))).toEqual(expectedCounts());
  });

  it('TEN_SECONDLY_ROLLING: waits out the ten-second window, twice if asked twice', async () => {
    emu.faults.rateLimit('TEN_SECONDLY_ROLLING', 2, '/email/public/v1/events');
    const { ctx, sleeps } = pullContext();
    const r = await collect(privateApp, ctx);
    expect(r.error).toBeNull();
    expect(sleeps).toEqual([10_000, 10_000]);
  });

  it('TEN_SECONDLY_ROLLING that never clears fails as a rate error after five attempts', async () => {
    emu.faults.rateLimit('TEN_SECONDLY_ROLLING', 99, '/email/public/v1/events');
    const { ctx, sleeps } = pullContext();
    const r = await collect(privateApp, ctx);
    expect(r.error).toMatchObject({ kind: 'rate', code: 'TEN_SECONDLY_ROLLING' });
    expect(sleeps).toHaveLength(4);
  });

  it('DAILY: stops at once as a quota error; the next run resumes from the last page and completes', async () => {
    const full = ids(activities((await collect(privateApp, pullContext().ctx)).pages));
    emu.calls.clear();
    emu.faults.rateLimit('DAILY', 1, '/form-integrations/');
    const { ctx, sleeps } = pullContext();
    const first = await collect(privateApp, ctx);
    expect(first.error).toMatchObject({ kind: 'quota', code: 'DAILY' });
    expect(sleeps).toEqual([]);
    expect(first.pages.length).toBeGreaterThan(0);
    const resume = await collect(privateApp, pullContext({ since: first.pages.at(-1)!.checkpoint }).ctx);
    expect(resume.error).toBeNull();
    expect(ids([...activities(first.pages), ...activities(resume.pages)])).toEqual(full);
    // The email stream was not read again.
    expect(emu.calls.filter('/email/public/v1/events')).toHaveLength(2);
  });

  it('paces itself by the rate-limit headers: a pull larger than the burst allowance never meets a 429', async () => {
    let virtual = 0;
    const paced = await startHubspotEmulator({ seed, now: NOW, tenSecondlyLimit: 10, rateClock: () => virtual });
    try {
      const c = hubspot.create(
        { settings: { baseUrl: paced.url }, secrets: { accessToken: paced.credentials.accessToken } },
        { salesforce: null },
      );
      const sleeps: number[] = [];
      const { ctx, calls } = pullContext({
        sleep: async (ms) => {
          sleeps.push(ms);
          virtual += ms;
        },
      });
      const r = await collect(c, ctx);
      expect(r.error).toBeNull();
      expect(countByType(activities(r.pages))).toEqual(expectedCounts());
      expect(paced.calls.entries.filter((e) => e.status === 429)).toEqual([]);
      expect(sleeps.length).toBe(Math.floor(calls() / 10));
      expect(sleeps.every((ms) => ms === 10_000)).toBe(true);
    } finally {
      await paced.close();
    }
  });

  it('the emulator counts a real rolling ten-second window and sends the rate-limit headers', async () => {
    const small = await startHubspotEmulator({ seed, now: NOW, tenSecondlyLimit: 3, dailyLimit: 1000 });
    try {
      const get = () =>
        fetch(`${small.url}/crm/v3/objects/companies?limit=1`, {
          headers: { authorization: `Bearer ${small.credentials.accessToken}` },
        });
      const ok = await get();
      expect(ok.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(ok.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
      expect(ok.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(ok.headers.get('x-hubspot-ratelimit-daily')).toBe('1000');
      expect(ok.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('999');
      await get();
      await get();
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({
        status: 'error',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
        correlationId: expect.any(String),
      });
    } finally {
      await small.close();
    }
  });
});

describe('server errors and malformed pages', () => {
  it('retries 502s with growing waits', async () => {
    emu.faults.serverError(2, 502, '/marketing/v3/forms');
    const { ctx, sleeps } = pullContext();
    const r = await collect(privateApp, ctx);
    expect(r.error).toBeNull();
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('a truncated page fails the pull as malformed; the last checkpoint resumes it', async () => {
    const full = ids(activities((await collect(privateApp, pullContext().ctx)).pages));
    emu.calls.clear();
    let served = 0;
    const { ctx } = pullContext({
      fetch: (input, init) => {
        if (String(input).includes('/events/v3/events') && ++served === 2) emu.faults.malformed(1, '/events/v3/events');
        return fetch(input, init);
      },
    });
    const r = await collect(privateApp, ctx);
    expect(r.error).toBeInstanceOf(MapSourceError);
    expect(r.error).toMatchObject({ kind: 'malformed' });
    expect((r.error as Error).message).toMatch(/\/events\/v3\/events/);
    const resume = await collect(privateApp, pullContext({ since: r.pages.at(-1)!.checkpoint }).ctx);
    expect(resume.error).toBeNull();
    expect(ids([...activities(r.pages), ...activities(resume.pages)])).toEqual(full);
  });

  it('a portal without the Events API (403) still pulls email and forms, without page views', async () => {
    emu.faults.noWebAnalytics = true;
    const r = await collect(privateApp, pullContext().ctx);
    expect(r.error).toBeNull();
    const { web_visit: _web, ...rest } = expectedCounts();
    expect(countByType(activities(r.pages))).toEqual(rest);
  });
});

describe('emulator wire format', () => {
  const auth = () => ({ authorization: `Bearer ${emu.credentials.accessToken}` });

  it('lists contacts with paging.next.after until the last page, which has no paging', async () => {
    let after: string | undefined;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(
        `${emu.url}/crm/v3/objects/contacts?limit=3&properties=email,salesforcecontactid${after ? `&after=${after}` : ''}`,
        {
          headers: auth(),
        },
      );
      const body = (await res.json()) as {
        results: Array<{ properties: Record<string, unknown> }>;
        paging?: { next: { after: string } };
      };
      total += body.results.length;
      expect(Object.keys(body.results[0]!.properties).sort()).toEqual(['email', 'hs_object_id', 'salesforcecontactid']);
      if (!body.paging) break;
      after = body.paging.next.after;
    }
    expect(total).toBe(seed.people.length);
  });

  it('batch read by email answers 207 with OBJECT_NOT_FOUND for unknown inputs', async () => {
    const res = await fetch(`${emu.url}/crm/v3/objects/contacts/batch/read`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({
        idProperty: 'email',
        properties: ['email'],
        inputs: [{ id: 'person1@northwind.example' }, { id: 'nobody@x.example' }],
      }),
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      results: unknown[];
      errors: Array<{ category: string; context: { ids: string[] } }>;
    };
    expect(body.results).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['nobody@x.example'] } });
  });

  it("OAuth token endpoint: unknown client, secret or refresh token → 400 with HubSpot's status names", async () => {
    const { clientId, clientSecret, refreshToken } = emu.credentials;
    const ask = async (body: Record<string, string>) => {
      const res = await fetch(`${emu.url}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });
      return { status: res.status, body: (await res.json()) as { status?: string } };
    };
    const good = {
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    };
    expect((await ask({ ...good, client_id: 'x' })).body.status).toBe('BAD_CLIENT_ID');
    expect((await ask({ ...good, client_secret: 'x' })).body.status).toBe('BAD_CLIENT_SECRET');
    expect(await ask({ ...good, refresh_token: 'x' })).toMatchObject({
      status: 400,
      body: { status: 'BAD_REFRESH_TOKEN' },
    });
  });

  it('email events: inclusive epoch-ms bounds, offset paging to hasMore false', async () => {
    const sends = emu.portal.emailEvents.filter((e) => e.type === 'SENT');
    const [a, b] = [sends[10]!.created, sends[40]!.created];
    const inRange = emu.portal.emailEvents.filter((e) => e.created >= a && e.created <= b);
    let offset: string | undefined;
    const got: Array<{ created: number }> = [];
    for (let i = 0; i < 20; i++) {
      const q = new URLSearchParams({
        startTimestamp: String(a),
        endTimestamp: String(b),
        limit: '7',
        ...(offset ? { offset } : {}),
      });
      const body = (await (await fetch(`${emu.url}/email/public/v1/events?${q}`, { headers: auth() })).json()) as {
        hasMore: boolean;
        offset: string;
        events: Array<{ created: number }>;
      };
      got.push(...body.events);
      if (!body.hasMore) break;
      offset = body.offset;
    }
    expect(got).toHaveLength(inRange.length);
    expect(got[0]!.created).toBe(a);
    expect(got.at(-1)!.created).toBeLessThanOrEqual(b);
  });

  it('an unknown form is 404 OBJECT_NOT_FOUND in the v3 error body', async () => {
    const res = await fetch(`${emu.url}/form-integrations/v1/submissions/forms/00000000-0000-0000-0000-000000000000`, {
      headers: auth(),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: expect.any(String),
      correlationId: expect.any(String),
    });
  });

  it('serves form submissions newest first', async () => {
    const form = emu.portal.forms.find((f) => f.name === 'Demo Request')!;
    const res = await fetch(`${emu.url}/form-integrations/v1/submissions/forms/${form.id}?limit=50`, {
      headers: auth(),
    });
    const body = (await res.json()) as { results: Array<{ submittedAt: number }>; paging?: unknown };
    const times = body.results.map((s) => s.submittedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(body.paging).toBeDefined();
  });
});
