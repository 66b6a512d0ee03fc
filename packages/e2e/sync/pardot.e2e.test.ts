/**
 * End to end with Pardot: a generated org in the Salesforce emulator, its MAP side in the Pardot
 * emulator (signed in with the tokens Salesforce OAuth issues), the Salesforce pull, the Pardot
 * pull through the shared MAP sync, then scoring. The surging account moves with MAP data, MAP
 * activity lands on the right accounts, the scanner's clicks are kept but excluded, a second
 * pull is incremental, and a pull that crashes between pages resumes to the same store.
 */
import type { Connection } from 'jsforce';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg } from '@pulse/sandbox/src/generator/types';
import { syncMapSource } from '@pulse/server/src/sources/map/sync';
import type { MapConnector } from '@pulse/server/src/sources/map/types';
import { pardot } from '@pulse/server/src/sources/pardot/connector';
import type { Db } from '@pulse/server/src/store/db';
import { startPardotEmulator, type PardotEmulator } from '@pulse/sandbox/src/pardot/server';
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

const ORG = 'pd-e2e';
const now = new Date('2026-11-24T10:00:00.000Z');
const asOf = '2026-11-24';
let gen: GeneratedOrg;
let seed: MapSeed;
let sf: Emulator;
let pd: PardotEmulator;
let db: Db;
let conn: Connection;
let before: Map<string, number>;
let firstPull: Awaited<ReturnType<typeof syncMapSource>>;

const connector = (): MapConnector =>
  pardot.create(
    { settings: { businessUnitId: pd.credentials.businessUnitId, baseUrl: pd.url }, secrets: {} },
    {
      salesforce: {
        kind: 'client_credentials',
        loginUrl: sf.loginUrl,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
      },
    },
  );

const noSleep = () => Promise.resolve();

/** MAP-only prospects (no CRM id): one at the bot account's domain, one on gmail. */
function withMapOnly(s: MapSeed, domain: string): MapSeed {
  const extra = [`kim.nash@${domain}`, 'lou.park@gmail.com'];
  return {
    people: [
      ...s.people,
      ...extra.map((email) => ({
        salesforceId: '',
        kind: 'lead' as const,
        email,
        firstName: email.split('.')[0]!,
        lastName: 'MapOnly',
        title: 'Director of Security',
        department: null,
        company: null,
        salesforceAccountId: null,
        createdAt: '2026-10-01T00:00:00.000Z',
      })),
    ],
    activities: [
      ...s.activities,
      ...extra.map((email, i) => ({
        sourceId: `maponly-${i}`,
        type: 'form_fill' as const,
        occurredAt: `2026-11-2${i}T15:00:00.000Z`,
        email,
        domain: email.split('@')[1]!,
        salesforceId: '',
        url: null,
        campaignName: null,
        emailName: null,
        assetName: 'Demo request',
      })),
    ].sort((x, y) => (x.occurredAt < y.occurredAt ? -1 : x.occurredAt > y.occurredAt ? 1 : 0)),
  };
}

const syncSf = (orgId: string) => pullSalesforce(db, orgId, conn);

const pardotContents = (orgId: string) => mapContents(db, orgId, 'pardot');

beforeAll(async () => {
  gen = generateOrg({ accounts: 120, seed: 11, now });
  seed = withMapOnly(mapSeed(gen), gen.stories.bot.domain);
  sf = await startEmulator({ org: gen as unknown as EmulatorOptions['org'], forceAppDir: null, now: () => now });
  pd = await startPardotEmulator({ seed, now, validateToken: (t) => sf.context.auth.session(t) !== null });
  db = await createTestDb();
  conn = await connectTo(sf);
  before = await scoresBeforeMap(db, ORG, conn, asOf);
  firstPull = await syncMapSource({ db, orgId: ORG, connector: connector(), now, sleep: noSleep });
});
afterAll(async () => {
  await pd.close();
  await sf.close();
  await dropTestDb(db);
});

const count = (sql: string, params: unknown[] = [ORG]) => countRows(db, sql, params);

describe('Pardot → Pulse', () => {
  it('stores every visitor activity of the window, each prospect matched, and reports calls', async () => {
    const inWindow = seed.activities.filter((a) => Date.parse(a.occurredAt) >= now.getTime() - 180 * 86_400_000);
    expect(firstPull.status).toBe('succeeded');
    expect(firstPull.counts.activities).toBe(inWindow.length);
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'pardot'`)).toBe(
      inWindow.length,
    );
    expect(firstPull.counts.matchedByCrmId).toBeGreaterThan(0);
    expect(firstPull.counts.matchedByDomain).toBeGreaterThanOrEqual(1);
    expect(firstPull.counts.unmatched).toBeGreaterThanOrEqual(1);
    // A page of activities plus a prospect and a page-view lookup or two per page, nothing per record.
    expect(firstPull.apiCalls.total).toBeLessThanOrEqual(Math.ceil(inWindow.length / 1000) * 5);
  });

  it('puts each contact’s MAP activity on that contact and its Salesforce account', async () => {
    await expectContactsOnTheirAccounts(db, ORG, 'pardot', seed.people);
  });

  it('MAP-only prospects: the company-domain one counts for its account, the gmail one for none', async () => {
    const rows = await db.query<{ email: string; account_id: string | null }>(
      `SELECT p.email, e.account_id FROM events e JOIN people p ON p.org_id = e.org_id AND p.id = e.source_person_id
       WHERE e.org_id = $1 AND e.source = 'pardot' AND p.email IN ($2, $3)`,
      [ORG, `kim.nash@${gen.stories.bot.domain}`, 'lou.park@gmail.com'],
    );
    const byEmail = new Map(rows.rows.map((r) => [r.email, r.account_id]));
    expect(byEmail.get(`kim.nash@${gen.stories.bot.domain}`)?.slice(0, 15)).toBe(
      gen.stories.bot.accountId.slice(0, 15),
    );
    expect(byEmail.has('lou.park@gmail.com')).toBe(true);
    expect(byEmail.get('lou.park@gmail.com')).toBeNull();
  });

  it('the scanner’s opens and clicks are stored, attributed to Ironclad Savings Bank, and excluded as bot', async () => {
    await expectScannerSetAside(db, ORG, 'pardot', gen.stories.bot, firstPull);
  });

  it('the surging account’s score rises with its MAP activity', async () => {
    await expectSurgingRises(db, ORG, asOf, gen.stories.surging.accountId, before, 0);
  });

  it('a second pull is incremental: a couple of calls and nothing new stored', async () => {
    const rows = await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'pardot'`);
    const snapshot = await pardotContents(ORG);
    pd.calls.length = 0;
    const again = await syncMapSource({ db, orgId: ORG, connector: connector(), now, sleep: noSleep });
    expect(again.status).toBe('succeeded');
    expect(again.apiCalls.total).toBeLessThanOrEqual(3);
    expect(again.counts.activities).toBeLessThan(20);
    expect(pd.calls.every((c) => c.status === 200)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = 'pardot'`)).toBe(rows);
    expect(await pardotContents(ORG)).toBe(snapshot);
  });

  it('a pull that crashes after its first page resumes from the checkpoint to the same store', async () => {
    const CRASH = 'pd-crash';
    await syncSf(CRASH);
    const { resumed } = await crashAndResume({ db, orgId: CRASH, connector, now, crashAfterPage: 0 });
    expect(resumed.counts.activities).toBeLessThan(firstPull.counts.activities);
    expect(await pardotContents(CRASH)).toBe(await pardotContents(ORG));
  });
});
