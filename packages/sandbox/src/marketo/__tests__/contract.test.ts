/**
 * Contract tests of Pulse's Marketo connector against the emulator: paging to the end, token
 * expiry mid-run, each throttling answer (606, 615, 607), 5xx, a malformed page, resuming from a
 * checkpoint, stopping at the run's clock, and MAP-only people.
 */
import { generateOrg } from '../../generator';
import {
  MapSourceError,
  type MapCheckpoint,
  type MapPage,
  type MapPullContext,
} from '@pulse/server/src/sources/map/types';
import { MarketoConnector } from '@pulse/server/src/sources/marketo/connector';
import { mapSeed, type MapSeed } from '../../mapSeed';
import { startMarketoEmulator, type MarketoEmulator, type MarketoEmulatorOptions } from '../server';

const NOW = new Date('2026-11-24T10:00:00Z');
const DOCS = 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest';
const DAY = 86_400_000;
let seed: MapSeed;

beforeAll(() => {
  seed = mapSeed(generateOrg({ accounts: 60, seed: 5, now: NOW }));
});

let emu: MarketoEmulator;
afterEach(async () => {
  await emu?.close();
});

async function start(opts: Partial<MarketoEmulatorOptions> = {}): Promise<MarketoEmulator> {
  emu = await startMarketoEmulator({ seed, now: NOW, ...opts });
  return emu;
}

/** A connector for the emulator and a context whose calls and waits the test can read. */
function setup(e: MarketoEmulator, since: MapCheckpoint = { watermark: null, cursor: null }, now = NOW) {
  const connector = new MarketoConnector({
    settings: { baseUrl: e.credentials.baseUrl, clientId: e.credentials.clientId },
    secrets: { clientSecret: e.credentials.clientSecret },
  });
  const waits: number[] = [];
  let calls = 0;
  const ctx: MapPullContext = {
    orgId: 'org-test',
    since,
    now,
    firstPullDays: 200,
    countCall: () => calls++,
    fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1, // each backoff is the top of its jitter window
  };
  return { connector, ctx, waits, calls: () => calls };
}

/** Runs a pull to the end (or until it throws), keeping every page. */
async function pull(
  connector: MarketoConnector,
  ctx: MapPullContext,
  onPage?: (page: MapPage, n: number) => void,
): Promise<{ pages: MapPage[]; error: unknown }> {
  const pages: MapPage[] = [];
  try {
    for await (const p of connector.pull(ctx)) {
      pages.push(p);
      onPage?.(p, pages.length);
    }
    return { pages, error: null };
  } catch (error) {
    return { pages, error };
  }
}

const activityIds = (pages: MapPage[]) => pages.flatMap((p) => p.activities.map((a) => a.id));

test(`a first pull pages to the end: every seed activity once, mapped, with its person (${DOCS}/activities)`, async () => {
  const e = await start();
  const { connector, ctx, calls } = setup(e);
  const { pages, error } = await pull(connector, ctx);
  expect(error).toBeNull();
  const activities = pages.flatMap((p) => p.activities);
  expect(activities).toHaveLength(seed.activities.length);
  expect(new Set(activities.map((a) => a.id)).size).toBe(activities.length);
  const count = (t: string) => activities.filter((a) => a.type === t).length;
  expect(count('email_sent')).toBe(seed.activities.filter((a) => a.type === 'email_send').length);
  for (const t of ['email_open', 'email_click', 'form_fill', 'web_visit', 'content_download'] as const)
    expect(count(t)).toBe(seed.activities.filter((a) => a.type === t).length);

  // People: each once per run, with the Salesforce ids Marketo keeps.
  const people = pages.flatMap((p) => p.people);
  expect(new Set(people.map((p) => p.id)).size).toBe(people.length);
  const byId = new Map(people.map((p) => [p.id, p]));
  for (const a of activities) expect(byId.has(a.personId)).toBe(true);
  const contact = seed.people.find(
    (p) => p.kind === 'contact' && seed.activities.some((a) => a.salesforceId === p.salesforceId),
  )!;
  const person = people.find((p) => p.crmId === contact.salesforceId)!;
  expect(person).toMatchObject({
    email: contact.email,
    name: `${contact.firstName} ${contact.lastName}`,
    title: contact.title,
    crmAccountId: contact.salesforceAccountId,
  });

  // A click keeps its URL and email; sends and clicks of one email share its name.
  const seedClick = seed.activities.find((a) => a.type === 'email_click')!;
  const click = activities.find(
    (a) =>
      a.type === 'email_click' &&
      a.occurredAt.getTime() === Date.parse(seedClick.occurredAt) &&
      a.url === seedClick.url,
  )!;
  expect(click.emailName).toBe(`${seedClick.campaignName}.${seedClick.emailName}`);
  expect(click.campaignName).toBe(seedClick.campaignName);
  const visit = seed.activities.find((a) => a.type === 'web_visit')!;
  expect(activities.some((a) => a.type === 'web_visit' && a.url === visit.url)).toBe(true);
  const download = seed.activities.find((a) => a.type === 'content_download')!;
  expect(activities.some((a) => a.type === 'content_download' && a.assetName === download.assetName)).toBe(true);

  // The end: the last checkpoint carries Marketo's final token and the newest activity time.
  const last = pages[pages.length - 1]!.checkpoint;
  expect(last.cursor).toEqual(expect.any(String));
  expect(last.watermark?.toISOString()).toBe(
    new Date(Math.max(...activities.map((a) => a.occurredAt.getTime()))).toISOString(),
  );
  // identity + types + paging token + one call per page + ≤300-lead lookups.
  const leadCalls = e.calls.filter('/leads.json').length;
  expect(calls()).toBe(3 + pages.length + leadCalls);
  expect(e.calls.filter('/leads.json').every((c) => c.query.filterValues!.split(',').length <= 300)).toBe(true);
  expect(e.calls.filter('/activities.json').every((c) => c.query.activityTypeIds === '1,2,3,6,10,11')).toBe(true);
});

test('a second pull resumes from the stored token: three calls, nothing new; a new activity then arrives alone', async () => {
  const e = await start();
  const first = setup(e);
  const { pages } = await pull(first.connector, first.ctx);
  const checkpoint = pages[pages.length - 1]!.checkpoint;

  const second = setup(e, checkpoint);
  const again = await pull(second.connector, second.ctx);
  expect(again.error).toBeNull();
  expect(activityIds(again.pages)).toEqual([]);
  expect(second.calls()).toBe(3); // identity, types, one activities page

  const leadId = e.data.leadIdOf({ salesforceId: seed.people[0]!.salesforceId })!;
  e.data.addActivities([
    {
      leadId,
      activityDate: new Date(NOW.getTime() - 60_000).toISOString(),
      activityTypeId: 1,
      primaryAttributeValueId: 7,
      primaryAttributeValue: 'www.example.com/pricing',
      attributes: [{ name: 'Webpage URL', value: '/pricing' }],
    },
  ]);
  const third = setup(e, again.pages[again.pages.length - 1]!.checkpoint);
  const fresh = await pull(third.connector, third.ctx);
  const got = fresh.pages.flatMap((p) => p.activities);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ type: 'web_visit', url: 'https://www.example.com/pricing', personId: String(leadId) });
  expect(fresh.pages.flatMap((p) => p.people).map((p) => p.id)).toEqual([String(leadId)]);
});

test(`an access token that expires mid-run is replaced and the call replayed (602, ${DOCS}/authentication)`, async () => {
  const e = await start();
  const { connector, ctx } = setup(e);
  const { pages, error } = await pull(connector, ctx, (_p, n) => {
    if (n === 2) e.faults.expireTokens();
  });
  expect(error).toBeNull();
  expect(activityIds(pages)).toHaveLength(seed.activities.length);
  const codes = e.calls.entries.map((c) => (c.path.startsWith('/identity') ? 'identity' : c.code));
  const i = codes.indexOf('602');
  expect(i).toBeGreaterThan(0);
  expect(codes[i + 1]).toBe('identity');
  expect(e.calls.filter('/identity').length).toBe(2);
});

test('a token that outlives the clock is refreshed before use (TTL), without a 602', async () => {
  let clock = NOW;
  const e = await start({ now: () => clock, tokenTtlSeconds: 120 });
  let ms = NOW.getTime();
  const connector = new MarketoConnector(
    {
      settings: { baseUrl: e.url, clientId: e.credentials.clientId },
      secrets: { clientSecret: e.credentials.clientSecret },
    },
    { clock: () => ms },
  );
  const { ctx } = setup(e);
  const { error } = await pull(connector, ctx, () => {
    ms += 60_000; // each page takes a minute of the instance's time
    clock = new Date(ms);
  });
  expect(error).toBeNull();
  expect(e.calls.filter('/identity').length).toBeGreaterThan(1);
  expect(e.calls.entries.some((c) => c.code === '602')).toBe(false);
});

test(`606 (rate) and 615 (concurrency) are waited out and retried (${DOCS}/error-codes)`, async () => {
  const e = await start();
  const { connector, ctx, waits } = setup(e);
  const { error, pages } = await pull(connector, ctx, (_p, n) => {
    if (n === 1) e.faults.rateLimited(2);
    if (n === 3) e.faults.concurrencyLimited(1);
  });
  expect(error).toBeNull();
  expect(activityIds(pages)).toHaveLength(seed.activities.length);
  expect(waits).toEqual([5_000, 10_000, 1_000]);
  expect(e.calls.entries.filter((c) => c.code === '606')).toHaveLength(2);
  expect(e.calls.entries.filter((c) => c.code === '615')).toHaveLength(1);
});

test('606 that never clears fails the run as a rate error after the retries', async () => {
  const e = await start();
  const { connector, ctx, waits } = setup(e);
  e.faults.rateLimited(50);
  const { error } = await pull(connector, ctx);
  expect(error).toBeInstanceOf(MapSourceError);
  expect(error).toMatchObject({ kind: 'rate', code: '606' });
  expect(waits).toEqual([5_000, 10_000, 20_000, 20_000, 20_000]);
});

test('607 (daily quota) stops the pull as a quota error; the last checkpoint resumes it next day', async () => {
  const e = await start();
  const { connector, ctx } = setup(e);
  const { pages, error } = await pull(connector, ctx, (_p, n) => {
    if (n === 3) e.faults.dailyQuotaReached();
  });
  expect(error).toBeInstanceOf(MapSourceError);
  expect(error).toMatchObject({ kind: 'quota', code: '607' });
  expect((error as Error).message).toMatch(/daily API quota/);
  expect(pages).toHaveLength(3);

  e.faults.clear();
  const next = setup(e, pages[2]!.checkpoint);
  const rest = await pull(next.connector, next.ctx);
  expect(rest.error).toBeNull();
  const all = new Set([...activityIds(pages), ...activityIds(rest.pages)]);
  expect(all.size).toBe(seed.activities.length);
});

test('HTTP 503 pages and transient 611 are retried with backoff', async () => {
  const e = await start();
  const { connector, ctx, waits } = setup(e);
  e.faults.httpError({ status: 503, count: 2 });
  const { error, pages } = await pull(connector, ctx, (_p, n) => {
    if (n === 2) e.faults.errorCode('611', 'System error', 1, /activities\.json/);
  });
  expect(error).toBeNull();
  expect(activityIds(pages)).toHaveLength(seed.activities.length);
  expect(waits).toEqual([1_000, 2_000, 1_000]);
});

test('a wrong client secret fails as an auth error naming where to find the credentials', async () => {
  const e = await start();
  const connector = new MarketoConnector({
    settings: { baseUrl: e.url, clientId: e.credentials.clientId },
    secrets: { clientSecret: 'wrong' },
  });
  const { error } = await pull(connector, setup(e).ctx);
  expect(error).toMatchObject({ kind: 'auth' });
  expect((error as Error).message).toMatch(/LaunchPoint/);
});

test.each(['truncated', 'shape'] as const)(
  'a malformed page (%s) fails with an error naming the page',
  async (kind) => {
    const e = await start();
    const { connector, ctx } = setup(e);
    const { pages, error } = await pull(connector, ctx, (_p, n) => {
      if (n === 2) e.faults.malformedPage({ kind });
    });
    expect(pages).toHaveLength(2);
    expect(error).toBeInstanceOf(MapSourceError);
    expect(error).toMatchObject({ kind: 'malformed' });
    expect((error as Error).message).toContain(`activities page 3 (nextPageToken ${pages[1]!.checkpoint.cursor})`);
  },
);

test('the pull stops at the run clock; the next run re-reads the page that reached past it and continues', async () => {
  const e = await start(); // the instance is at NOW
  const cut = new Date(NOW.getTime() - 20 * DAY);
  const first = setup(e, { watermark: null, cursor: null }, cut);
  const a = await pull(first.connector, first.ctx);
  expect(a.error).toBeNull();
  const early = a.pages.flatMap((p) => p.activities);
  expect(early.every((x) => x.occurredAt <= cut)).toBe(true);
  expect(early).toHaveLength(seed.activities.filter((x) => Date.parse(x.occurredAt) <= cut.getTime()).length);
  const last = a.pages[a.pages.length - 1]!.checkpoint;
  expect(last.watermark!.getTime()).toBeLessThanOrEqual(cut.getTime());

  const second = setup(e, last, NOW);
  const b = await pull(second.connector, second.ctx);
  const all = new Set([...early.map((x) => x.id), ...activityIds(b.pages)]);
  expect(all.size).toBe(seed.activities.length);
});

test('a stored token Marketo refuses falls back to the watermark', async () => {
  const e = await start();
  const watermark = new Date(NOW.getTime() - 10 * DAY);
  const { connector, ctx } = setup(e, { watermark, cursor: 'GARBLED' });
  const { pages, error } = await pull(connector, ctx);
  expect(error).toBeNull();
  const got = pages.flatMap((p) => p.activities);
  const since = watermark.getTime() - 3_600_000;
  expect(got).toHaveLength(seed.activities.filter((x) => Date.parse(x.occurredAt) >= since).length);
  expect(e.calls.filter('/pagingtoken.json')[0]!.query.sinceDatetime).toBe(
    new Date(since).toISOString().replace('.000', ''),
  );
});

test('MAP-only people (no Salesforce ids) come through with their email and company, crmId null', async () => {
  const e = await start();
  const at = new Date(NOW.getTime() - 2 * DAY).toISOString();
  const orphanDomain = seed.activities.find((a) => a.domain)!.domain;
  const corp = e.data.addLead({
    email: `new.person@${orphanDomain}`,
    firstName: 'New',
    lastName: 'Person',
    title: 'VP Marketing',
    company: 'Somewhere',
  });
  const gmail = e.data.addLead({ email: 'someone.else@gmail.com', firstName: 'Some', lastName: 'One' });
  e.data.addActivities(
    [corp, gmail].map((l) => ({
      leadId: l.id,
      activityDate: at,
      activityTypeId: 2,
      primaryAttributeValueId: 11,
      primaryAttributeValue: 'Demo Request',
      attributes: [{ name: 'Referrer URL', value: 'https://www.example.com/demo' }],
    })),
  );
  const { connector, ctx } = setup(e, { watermark: new Date(NOW.getTime() - 3 * DAY), cursor: null });
  const { pages } = await pull(connector, ctx);
  const people = pages.flatMap((p) => p.people);
  expect(people.find((p) => p.id === String(corp.id))).toEqual({
    id: String(corp.id),
    email: `new.person@${orphanDomain}`,
    name: 'New Person',
    title: 'VP Marketing',
    department: null,
    company: 'Somewhere',
    crmId: null,
    crmAccountId: null,
  });
  expect(people.find((p) => p.id === String(gmail.id))).toMatchObject({ email: 'someone.else@gmail.com', crmId: null });
  const fills = pages.flatMap((p) => p.activities).filter((a) => a.assetName === 'Demo Request');
  expect(fills.map((f) => f.url)).toEqual(['https://www.example.com/demo', 'https://www.example.com/demo']);
});

test('activities of a lead Marketo no longer has (merged or deleted) are skipped, the rest kept', async () => {
  const e = await start();
  const victim = e.data.activities.find((a) => a.activityTypeId === 1)!.leadId;
  const expected = e.data.activities.filter(
    (a) => [1, 2, 3, 6, 10, 11].includes(a.activityTypeId) && a.leadId !== victim,
  ).length;
  e.data.leads.delete(victim);
  const { connector, ctx } = setup(e);
  const { pages, error } = await pull(connector, ctx);
  expect(error).toBeNull();
  expect(activityIds(pages)).toHaveLength(expected);
  expect(pages.flatMap((p) => p.people).some((p) => p.id === String(victim))).toBe(false);
});
