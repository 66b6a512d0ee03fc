/**
 * End to end with Marketo: a generated org in the Salesforce emulator, its MAP side in the
 * Marketo emulator, the Salesforce pull, the Marketo pull through the shared MAP sync, then
 * scoring. The surging account moves with MAP data, MAP activity lands on the right accounts,
 * the scanner's opens and clicks are kept but excluded, a second pull is incremental, and a pull
 * that crashes between pages resumes to the same store.
 */
import type { Connection } from 'jsforce';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg } from '@pulse/sandbox/src/generator/types';
import { syncMapSource, type MapSyncResult } from '@pulse/server/src/sources/map/sync';
import type { MapConnector } from '@pulse/server/src/sources/map/types';
import { marketo } from '@pulse/server/src/sources/marketo/connector';
import type { Db } from '@pulse/server/src/store/db';
import { startMarketoEmulator, type MarketoEmulator } from '@pulse/sandbox/src/marketo/server';
import { mapSeed, type MapSeed } from '@pulse/sandbox/src/mapSeed';
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

const ORG = 'mk-e2e';
const now = new Date('2026-11-24T10:00:00.000Z');
const asOf = '2026-11-24';
let gen: GeneratedOrg;
let seed: MapSeed;
let sf: Emulator;
let mk: MarketoEmulator;
let db: Db;
let conn: Connection;
let before: Map<string, number>;
let firstPull: MapSyncResult;
const mapOnly = { corp: '', gmail: 'lou.park@gmail.com' };

const connector = (): MapConnector =>
  marketo.create(
    {
      settings: { baseUrl: mk.credentials.baseUrl, clientId: mk.credentials.clientId },
      secrets: { clientSecret: mk.credentials.clientSecret },
    },
    { salesforce: null },
  );
const noSleep = () => Promise.resolve();
const id15 = (id: string | null | undefined) => id?.slice(0, 15);

const syncSf = (orgId: string) => pullSalesforce(db, orgId, conn);

const marketoContents = (orgId: string) => mapContents(db, orgId, 'marketo');

const count = (sql: string, params: unknown[] = [ORG]) => countRows(db, sql, params);

beforeAll(async () => {
  gen = generateOrg({ accounts: 120, seed: 23, now });
  seed = mapSeed(gen);
  sf = await startEmulator({ org: gen as unknown as EmulatorOptions['org'], forceAppDir: null, now: () => now });
  mk = await startMarketoEmulator({ seed, now });
  // MAP-only people (no Salesforce ids): one at the bot account's domain, one on gmail.
  mapOnly.corp = `kim.nash@${gen.stories.bot.domain}`;
  for (const [i, email] of [mapOnly.corp, mapOnly.gmail].entries()) {
    const lead = mk.data.addLead({
      email,
      firstName: email.split('.')[0]!,
      lastName: 'MapOnly',
      title: 'Director of Security',
    });
    mk.data.addActivities([
      {
        leadId: lead.id,
        activityDate: `2026-11-2${i}T15:00:00Z`,
        activityTypeId: 2,
        primaryAttributeValueId: 77,
        primaryAttributeValue: 'Demo Request',
        attributes: [{ name: 'Referrer URL', value: 'https://www.example.com/demo' }],
      },
    ]);
  }
  db = await createTestDb();
  conn = await connectTo(sf);
  before = await scoresBeforeMap(db, ORG, conn, asOf);
  firstPull = await syncMapSource({ db, orgId: ORG, connector: connector(), now, sleep: noSleep });
}, 180_000);

afterAll(async () => {
  await mk?.close();
  await sf?.close();
  if (db) await dropTestDb(db);
});

describe('Marketo → Pulse', () => {
  it('stores every activity of the window, counts matches and reports API calls', async () => {
    const inWindow =
      seed.activities.filter((a) => Date.parse(a.occurredAt) >= now.getTime() - 180 * 86_400_000).length + 2;
    expect(firstPull.status).toBe('succeeded');
    expect(firstPull.counts.activities).toBe(inWindow);
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'marketo'`)).toBe(inWindow);
    expect(firstPull.counts.matchedByCrmId).toBeGreaterThan(0);
    expect(firstPull.counts.matchedByDomain).toBeGreaterThanOrEqual(1);
    expect(firstPull.counts.unmatched).toBeGreaterThanOrEqual(1);
    // Every HTTP request counted: identity, types, paging token, one per page, lead lookups.
    expect(firstPull.apiCalls.total).toBe(mk.calls.entries.length);
    expect(firstPull.apiCalls.total).toBeLessThanOrEqual(3 + 2 * firstPull.counts.pages);
  });

  it('puts each contact’s Marketo activity on that contact and its Salesforce account', async () => {
    await expectContactsOnTheirAccounts(db, ORG, 'marketo', seed.people);
  });

  it('MAP-only people: the company-domain one counts for its account, the gmail one for none', async () => {
    const rows = await db.query<{ email: string; account_id: string | null }>(
      `SELECT p.email, e.account_id FROM events e JOIN people p ON p.org_id = e.org_id AND p.id = e.source_person_id
       WHERE e.org_id = $1 AND e.source = 'marketo' AND p.email IN ($2, $3)`,
      [ORG, mapOnly.corp, mapOnly.gmail],
    );
    const byEmail = new Map(rows.rows.map((r) => [r.email, r.account_id]));
    expect(id15(byEmail.get(mapOnly.corp))).toBe(id15(gen.stories.bot.accountId));
    expect(byEmail.has(mapOnly.gmail)).toBe(true);
    expect(byEmail.get(mapOnly.gmail)).toBeNull();
  });

  it('the scanner’s opens and clicks are stored, attributed to Ironclad Savings Bank, and excluded as bot', async () => {
    await expectScannerSetAside(db, ORG, 'marketo', gen.stories.bot, firstPull);
  });

  it('the surging account’s score rises with its Marketo activity', async () => {
    await expectSurgingRises(db, ORG, asOf, gen.stories.surging.accountId, before, 5);
  });

  it('a second pull is incremental: three calls and nothing new stored', async () => {
    const snapshot = await marketoContents(ORG);
    mk.calls.clear();
    const again = await syncMapSource({ db, orgId: ORG, connector: connector(), now, sleep: noSleep });
    expect(again.status).toBe('succeeded');
    expect(again.apiCalls.total).toBe(3); // identity, activity types, one activities page from the stored token
    expect(again.counts.activities).toBe(0);
    expect(mk.calls.entries.map((c) => c.path)).toEqual([
      '/identity/oauth/token',
      '/rest/v1/activities/types.json',
      '/rest/v1/activities.json',
    ]);
    expect(await marketoContents(ORG)).toBe(snapshot);
  });

  it('a pull that crashes after its third page resumes from the checkpoint to the same store', async () => {
    const CRASH = 'mk-crash';
    await syncSf(CRASH);
    const { crashed, resumed } = await crashAndResume({ db, orgId: CRASH, connector, now, crashAfterPage: 2 });
    expect(resumed.counts.activities).toBe(firstPull.counts.activities - crashed.counts.activities);
    expect(await marketoContents(CRASH)).toBe(await marketoContents(ORG));
  });

  it('a spent daily quota ends the run partial; the next run finishes it', async () => {
    const QUOTA = 'mk-quota';
    await syncSf(QUOTA);
    let pages = 0;
    const partial = await syncMapSource({
      db,
      orgId: QUOTA,
      connector: connector(),
      now,
      sleep: noSleep,
      afterPage: () => {
        if (++pages === 2) mk.faults.dailyQuotaReached();
      },
    });
    expect(partial).toMatchObject({ status: 'partial', reason: 'quota' });
    expect(partial.error).toMatch(/607|quota/);
    mk.faults.clear();
    const rest = await syncMapSource({ db, orgId: QUOTA, connector: connector(), now, sleep: noSleep });
    expect(rest.status).toBe('succeeded');
    expect(await marketoContents(QUOTA)).toBe(await marketoContents(ORG));
  });
});
