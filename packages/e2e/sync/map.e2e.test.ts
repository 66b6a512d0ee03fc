/**
 * End to end with each MAP vendor: a generated org in the Salesforce emulator, its MAP side in the
 * vendor's emulator, the Salesforce pull, the vendor's pull through the shared MAP sync, then
 * scoring. The surging account moves with MAP data, MAP activity lands on the right accounts,
 * MAP-only people count for the account their domain names (never a free-mail one), the
 * scanner's opens and clicks are kept but excluded, a second pull is incremental, and a pull that
 * crashes between pages resumes to the same store. What differs per vendor is in mapVendors.ts.
 */
import type { Connection } from 'jsforce';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg } from '@pulse/sandbox/src/generator/types';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { syncMapSource, type MapSyncResult } from '@pulse/server/src/sources/map/sync';
import type { Db } from '@pulse/server/src/store/db';
import { closeScene, openScene } from '../support/scene';
import {
  countRows,
  crashAndResume,
  expectContactsOnTheirAccounts,
  expectScannerSetAside,
  expectSurgingRises,
  mapContents,
  pullSalesforce,
  scoresBeforeMap,
} from './mapE2e';
import { HUBSPOT, MARKETO, PARDOT, type MapVendor, type VendorRun } from './mapVendors';

const now = new Date('2026-11-24T10:00:00.000Z');
const asOf = '2026-11-24';
const WINDOW_MS = 180 * 86_400_000;
const noSleep = () => Promise.resolve();

describe.each([MARKETO, HUBSPOT, PARDOT])('$name → Pulse', (vendor: MapVendor) => {
  const ORG = `${vendor.org}-e2e`;
  let gen: GeneratedOrg;
  let sf: Emulator;
  let run: VendorRun;
  let db: Db;
  let conn: Connection;
  let before: Map<string, number>;
  let firstPull: MapSyncResult;

  const pull = (orgId: string) => syncMapSource({ db, orgId, connector: run.connector(), now, sleep: noSleep });
  const contents = (orgId: string) => mapContents(db, orgId, vendor.source);
  const stored = (orgId = ORG) =>
    countRows(db, `SELECT count(*) AS n FROM events WHERE org_id = $1 AND source = $2`, [orgId, vendor.source]);
  const inWindow = () => run.activities.filter((a) => Date.parse(a.occurredAt) >= now.getTime() - WINDOW_MS);

  beforeAll(async () => {
    gen = generateOrg({ accounts: 120, seed: vendor.seed, now });
    ({ emu: sf, db, conn } = await openScene({ org: gen, now: () => now }));
    run = await vendor.start(gen, sf, now);
    before = await scoresBeforeMap(db, ORG, conn, asOf);
    firstPull = await pull(ORG);
  }, 180_000);

  afterAll(async () => {
    await run?.close();
    await closeScene({ emu: sf, db });
  });

  it('stores every activity of the window, counts matches and reports API calls', async () => {
    const expected = inWindow().length;
    expect(firstPull.status).toBe('succeeded');
    expect(firstPull.counts.activities).toBe(expected);
    expect(await stored()).toBe(expected);
    expect(firstPull.counts.matchedByCrmId).toBeGreaterThan(0);
    expect(firstPull.counts.matchedByDomain).toBeGreaterThanOrEqual(1);
    expect(firstPull.counts.unmatched).toBeGreaterThanOrEqual(1);
    run.expectFirstPullCalls(firstPull, expected);
  });

  it('stores each kind of activity under its Pulse type', async () => {
    const rows = await db.query<{ type: string; n: string | number }>(
      `SELECT type, count(*) AS n FROM events WHERE org_id = $1 AND source = $2 GROUP BY type`,
      [ORG, vendor.source],
    );
    const byType = Object.fromEntries(rows.rows.map((r) => [r.type, Number(r.n)]));
    const expected: Record<string, number> = {};
    for (const a of inWindow()) {
      const t = a.type === 'email_send' ? 'email_sent' : a.type;
      expected[t] = (expected[t] ?? 0) + 1;
    }
    expect(byType).toEqual(expected);
  });

  it(`puts each contact’s MAP activity on that contact and its Salesforce account`, async () => {
    await expectContactsOnTheirAccounts(db, ORG, vendor.source, run.people);
  });

  it('MAP-only people: the company-domain one counts for its account, the gmail one for none', async () => {
    const { corp, gmail } = run.mapOnly;
    const rows = await db.query<{ email: string; account_id: string | null }>(
      `SELECT p.email, e.account_id FROM events e JOIN people p ON p.org_id = e.org_id AND p.id = e.source_person_id
       WHERE e.org_id = $1 AND e.source = $2 AND p.email IN ($3, $4)`,
      [ORG, vendor.source, corp, gmail],
    );
    const served = inWindow().filter((a) => a.email === corp || a.email === gmail).length;
    expect(rows.rows).toHaveLength(served);
    expect(new Set(rows.rows.map((r) => r.email))).toEqual(new Set([corp, gmail]));
    for (const r of rows.rows)
      expect([r.email, r.account_id?.slice(0, 15) ?? null]).toEqual([
        r.email,
        r.email === gmail ? null : gen.stories.bot.accountId.slice(0, 15),
      ]);
  });

  it('the scanner’s opens and clicks are stored, attributed to Ironclad Savings Bank, and excluded as bot', async () => {
    await expectScannerSetAside(db, ORG, vendor.source, gen.stories.bot, firstPull);
  });

  it('the surging account’s score rises with its MAP activity', async () => {
    await expectSurgingRises(db, ORG, asOf, gen.stories.surging.accountId, before, vendor.surgingRise);
  });

  it('a second pull is incremental: a few calls and nothing new stored', async () => {
    const rows = await stored();
    const snapshot = await contents(ORG);
    run.clearCalls();
    const again = await pull(ORG);
    expect(again.status).toBe('succeeded');
    run.expectIncrementalCalls(again);
    expect(await stored()).toBe(rows);
    expect(await contents(ORG)).toBe(snapshot);
  });

  it(`a pull that crashes after page ${vendor.crashAfterPage + 1} resumes from where it stopped to the same store`, async () => {
    const CRASH = `${vendor.org}-crash`;
    await pullSalesforce(db, CRASH, conn);
    const { crashed, resumed } = await crashAndResume({
      db,
      orgId: CRASH,
      connector: run.connector,
      now,
      crashAfterPage: vendor.crashAfterPage,
    });
    if (vendor.exactResume)
      expect(resumed.counts.activities).toBe(firstPull.counts.activities - crashed.counts.activities);
    else expect(resumed.counts.activities).toBeLessThan(firstPull.counts.activities);
    expect(await contents(CRASH)).toBe(await contents(ORG));
  });

  // Registered only for vendors whose emulator has a daily quota to spend (Marketo's 607).
  if (vendor.dailyQuota)
    it('a spent daily quota ends the run partial; the next run finishes it', async () => {
      const QUOTA = `${vendor.org}-quota`;
      await pullSalesforce(db, QUOTA, conn);
      let pages = 0;
      const partial = await syncMapSource({
        db,
        orgId: QUOTA,
        connector: run.connector(),
        now,
        sleep: noSleep,
        afterPage: () => {
          if (++pages === 2) run.quota!.spend();
        },
      });
      expect(partial).toMatchObject({ status: 'partial', reason: 'quota' });
      expect(partial.error).toMatch(/607|quota/);
      run.quota!.restore();
      expect((await pull(QUOTA)).status).toBe('succeeded');
      expect(await contents(QUOTA)).toBe(await contents(ORG));
    });
});
