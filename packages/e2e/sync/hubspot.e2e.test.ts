/**
 * End to end with HubSpot: a generated org in the Salesforce emulator, its MAP side in the HubSpot
 * emulator (OAuth refresh-token sign-in), the Salesforce pull, the HubSpot pull through the shared
 * MAP sync, then scoring. The surging account moves with MAP data, MAP activity lands on the right
 * accounts, the scanner's opens and clicks are kept but excluded, a second pull is incremental,
 * and a pull that crashes between pages resumes to the same store.
 */
import type { Connection } from 'jsforce';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg, MapPersonActivity } from '@pulse/sandbox/src/generator/types';
import { hubspot } from '@pulse/server/src/sources/hubspot/connector';
import { syncMapSource } from '@pulse/server/src/sources/map/sync';
import type { MapConnector } from '@pulse/server/src/sources/map/types';
import type { Db } from '@pulse/server/src/store/db';
import { startHubspotEmulator, type HubspotEmulator } from '@pulse/sandbox/src/hubspot/server';
import { mapSeed, type MapSeed, type SeedPerson } from '@pulse/sandbox/src/mapSeed';
import { startEmulator, type Emulator, type EmulatorOptions } from '@pulse/sandbox/src/salesforce/server';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import {
  connectTo,
  countRows,
  crashAndResume,
  expectContactsOnTheirAccounts,
  expectScannerSetAside,
  expectSurgingRises,
  mapContents,
  pullSalesforce,
  scoresBeforeMap,
} from './mapE2e';

const ORG = 'hs-e2e';
const now = new Date('2026-11-24T10:00:00.000Z');
const asOf = '2026-11-24';
const WINDOW_MS = 180 * 86_400_000;
let gen: GeneratedOrg;
let seed: MapSeed;
let sf: Emulator;
let hs: HubspotEmulator;
let db: Db;
let conn: Connection;
let before: Map<string, number>;
let firstPull: Awaited<ReturnType<typeof syncMapSource>>;

const connector = (): MapConnector => {
  const { clientId, clientSecret, refreshToken } = hs.credentials;
  return hubspot.create(
    { settings: { baseUrl: hs.url }, secrets: { clientId, clientSecret, refreshToken } },
    { salesforce: null },
  );
};
const noSleep = () => Promise.resolve();

/** HubSpot-only contacts (never synced to Salesforce): one at the bot account's domain, one on gmail. */
function withHubspotOnly(s: MapSeed, domain: string, company: string): MapSeed {
  const extra: SeedPerson[] = [`dana.reyes@${domain}`, 'sam.okafor@gmail.com'].map((email, i) => ({
    salesforceId: '',
    kind: 'lead',
    email,
    firstName: i === 0 ? 'Dana' : 'Sam',
    lastName: i === 0 ? 'Reyes' : 'Okafor',
    title: 'Director of Security',
    department: null,
    company: i === 0 ? company : null,
    salesforceAccountId: null,
    createdAt: '2026-10-01T00:00:00.000Z',
  }));
  const acts: MapPersonActivity[] = extra.flatMap((p, i) => [
    {
      sourceId: `hs-only-${i}-form`,
      type: 'form_fill' as const,
      occurredAt: `2026-11-2${i}T15:00:00.000Z`,
      email: p.email,
      domain: p.email.split('@')[1]!,
      salesforceId: '',
      url: 'https://www.pulse-seller.example/contact',
      campaignName: null,
      emailName: null,
      assetName: 'Demo Request',
    },
    {
      sourceId: `hs-only-${i}-visit`,
      type: 'web_visit' as const,
      occurredAt: `2026-11-2${i}T14:55:00.000Z`,
      email: p.email,
      domain: p.email.split('@')[1]!,
      salesforceId: '',
      url: 'https://www.pulse-seller.example/pricing',
      campaignName: null,
      emailName: null,
      assetName: null,
    },
  ]);
  return {
    people: [...s.people, ...extra],
    activities: [...s.activities, ...acts].sort((x, y) =>
      x.occurredAt < y.occurredAt ? -1 : x.occurredAt > y.occurredAt ? 1 : 0,
    ),
  };
}

const syncSf = (orgId: string) => pullSalesforce(db, orgId, conn);

const hubspotContents = (orgId: string) => mapContents(db, orgId, 'hubspot');

beforeAll(async () => {
  gen = generateOrg({ accounts: 120, seed: 11, now });
  seed = withHubspotOnly(mapSeed(gen), gen.stories.bot.domain, gen.stories.bot.accountName);
  sf = await startEmulator({ org: gen as unknown as EmulatorOptions['org'], forceAppDir: null, now: () => now });
  // No burst limit: waits are not slept here (the contract tests cover 429s).
  hs = await startHubspotEmulator({ seed, now, tenSecondlyLimit: 1_000_000 });
  db = await createTestDb();
  conn = await connectTo(sf);
  before = await scoresBeforeMap(db, ORG, conn, asOf);
  firstPull = await syncMapSource({ db, orgId: ORG, connector: connector(), now, sleep: noSleep });
});
afterAll(async () => {
  await hs.close();
  await sf.close();
  await dropTestDb(db);
});

const count = (sql: string, params: unknown[] = [ORG]) => countRows(db, sql, params);

/** The seed's activities HubSpot serves and Pulse pulls: sends, opens, clicks, submissions, page views. */
const pulledFromSeed = (): MapPersonActivity[] =>
  seed.activities.filter((a) => Date.parse(a.occurredAt) >= now.getTime() - WINDOW_MS);

describe('HubSpot → Pulse', () => {
  it('stores every email event, submission and page view of the window, and reports calls', async () => {
    const expected = pulledFromSeed().length;
    expect(firstPull.status).toBe('succeeded');
    expect(firstPull.counts.activities).toBe(expected);
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'hubspot'`)).toBe(expected);
    expect(firstPull.counts.matchedByCrmId).toBeGreaterThan(0);
    expect(firstPull.counts.matchedByDomain).toBeGreaterThanOrEqual(1);
    expect(firstPull.counts.unmatched).toBeGreaterThanOrEqual(1);
    // Pages of 1,000 email events / 50 submissions / 100 page views, people 100 per batch read:
    // a few hundred calls at most, never one per record.
    expect(firstPull.apiCalls.total).toBeLessThan(expected / 10);
    expect(hs.calls.filter('/oauth/v1/token')).toHaveLength(1);
  });

  it('stores each kind of activity under its Pulse type', async () => {
    const rows = await db.query<{ type: string; n: string | number }>(
      `SELECT type, count(*) AS n FROM events WHERE org_id = $1 AND source = 'hubspot' GROUP BY type`,
      [ORG],
    );
    const stored = Object.fromEntries(rows.rows.map((r) => [r.type, Number(r.n)]));
    const expected: Record<string, number> = {};
    for (const a of pulledFromSeed()) {
      const t = a.type === 'email_send' ? 'email_sent' : a.type;
      expected[t] = (expected[t] ?? 0) + 1;
    }
    expect(stored).toEqual(expected);
  });

  it('puts each contact’s HubSpot activity on that contact and its Salesforce account', async () => {
    await expectContactsOnTheirAccounts(db, ORG, 'hubspot', seed.people);
  });

  it('HubSpot-only contacts: the company-domain one counts for its account, the gmail one for none', async () => {
    const bot = gen.stories.bot;
    const rows = await db.query<{ email: string; account_id: string | null }>(
      `SELECT p.email, e.account_id FROM events e JOIN people p ON p.org_id = e.org_id AND p.id = e.source_person_id
       WHERE e.org_id = $1 AND e.source = 'hubspot' AND p.email IN ($2, $3)`,
      [ORG, `dana.reyes@${bot.domain}`, 'sam.okafor@gmail.com'],
    );
    expect(rows.rows).toHaveLength(4);
    for (const r of rows.rows)
      if (r.email === 'sam.okafor@gmail.com') expect(r.account_id).toBeNull();
      else expect(r.account_id?.slice(0, 15)).toBe(bot.accountId.slice(0, 15));
  });

  it('the scanner’s opens and clicks are stored, attributed to Ironclad Savings Bank, and excluded as bot', async () => {
    await expectScannerSetAside(db, ORG, 'hubspot', gen.stories.bot, firstPull);
  });

  it('the surging account’s score rises with its HubSpot activity', async () => {
    await expectSurgingRises(db, ORG, asOf, gen.stories.surging.accountId, before, 0);
  });

  it('a second pull is incremental: one call per stream (and form), nothing new stored', async () => {
    const rows = await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'hubspot'`);
    const snapshot = await hubspotContents(ORG);
    hs.calls.clear();
    const again = await syncMapSource({ db, orgId: ORG, connector: connector(), now, sleep: noSleep });
    expect(again.status).toBe('succeeded');
    // One page per stream (the forms API has no time filter: one page per form), plus lookups of
    // the people and email of the few activities in the overlap before the watermark.
    const paths = hs.calls.entries.map((c) => c.path);
    const n = (part: string) => paths.filter((p) => p.includes(part)).length;
    expect(n('/email/public/v1/events')).toBe(1);
    expect(n('/events/v3/events')).toBe(1);
    expect(n('/form-integrations/v1/submissions/forms/')).toBe(hs.portal.forms.length);
    expect(n('/batch/read')).toBeLessThanOrEqual(4);
    expect(again.apiCalls.total).toBe(paths.length);
    expect(again.apiCalls.total).toBeLessThanOrEqual(4 + hs.portal.forms.length + 4 + 2);
    expect(again.counts.activities).toBeLessThan(20);
    expect(hs.calls.entries.every((c) => c.status === 200)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'hubspot'`)).toBe(rows);
    expect(await hubspotContents(ORG)).toBe(snapshot);
  });

  it('a pull that crashes between pages resumes from the checkpoint to the same store', async () => {
    const CRASH = 'hs-crash';
    await syncSf(CRASH);
    const { resumed } = await crashAndResume({ db, orgId: CRASH, connector, now, crashAfterPage: 1 });
    expect(resumed.counts.activities).toBeLessThan(firstPull.counts.activities);
    expect(await hubspotContents(CRASH)).toBe(await hubspotContents(ORG));
  });
});
