/**
 * The three MAP vendors as adapters for one end-to-end suite (map.e2e.test.ts): how each one's
 * emulator starts for a generated org (with two MAP-only people: one at the planted bot account's
 * domain, one on gmail), how Pulse connects to it, and what its API calls must look like. What a
 * vendor does differently is here; what every vendor must do is in the suite.
 */
import type { GeneratedOrg, MapPersonActivity } from '@pulse/sandbox/src/generator/types';
import { startHubspotEmulator } from '@pulse/sandbox/src/hubspot/server';
import { startMarketoEmulator } from '@pulse/sandbox/src/marketo/server';
import { startPardotEmulator } from '@pulse/sandbox/src/pardot/server';
import { mapSeed, type MapSeed, type SeedPerson } from '@pulse/sandbox/src/mapSeed';
import type { Emulator } from '@pulse/sandbox/src/salesforce/server';
import { hubspot } from '@pulse/server/src/sources/hubspot/connector';
import type { MapSyncResult } from '@pulse/server/src/sources/map/sync';
import type { MapConnector, MapSourceName } from '@pulse/server/src/sources/map/types';
import { marketo } from '@pulse/server/src/sources/marketo/connector';
import { pardot } from '@pulse/server/src/sources/pardot/connector';

/** A vendor's emulator, started for one suite. */
export interface VendorRun {
  /** The activities the emulator serves (the generated org's MAP side plus the MAP-only people's). */
  activities: readonly MapPersonActivity[];
  /** The people the emulator knows, with their Salesforce ids where they have one. */
  people: readonly SeedPerson[];
  /** The MAP-only people's emails: at the bot account's domain, and on gmail. */
  mapOnly: { corp: string; gmail: string };
  connector(): MapConnector;
  /** Forgets the emulator's call log. */
  clearCalls(): void;
  /** Checks the calls of the first, full pull of `expected` activities. */
  expectFirstPullCalls(pull: MapSyncResult, expected: number): void;
  /** Checks the calls of a second pull with nothing new. */
  expectIncrementalCalls(again: MapSyncResult): void;
  /** Spends and restores the daily API quota (vendors with a daily quota fault). */
  quota?: { spend(): void; restore(): void };
  close(): Promise<void>;
}

/** One MAP vendor for the suite. */
export interface MapVendor {
  name: string;
  source: MapSourceName;
  /** Prefix of the suite's org ids. */
  org: string;
  /** The generator's seed for this vendor's org. */
  seed: number;
  /** How many points the surging account must gain from MAP activity at least. */
  surgingRise: number;
  /** After how many pages the crash test's pull dies. */
  crashAfterPage: number;
  /** Whether the resumed pull stores exactly what the crashed one had not (no overlap re-read). */
  exactResume: boolean;
  /** Whether its emulator can spend the daily quota (the run then ends partial and the next finishes it). */
  dailyQuota: boolean;
  start(gen: GeneratedOrg, sf: Emulator, now: Date): Promise<VendorRun>;
}

const byTime = (x: MapPersonActivity, y: MapPersonActivity) =>
  x.occurredAt < y.occurredAt ? -1 : x.occurredAt > y.occurredAt ? 1 : 0;

/** A MAP-only person (no Salesforce id), as the seeds hold people. */
function mapOnlyPerson(email: string, firstName: string, lastName: string, company: string | null): SeedPerson {
  return {
    salesforceId: '',
    kind: 'lead',
    email,
    firstName,
    lastName,
    title: 'Director of Security',
    department: null,
    company,
    salesforceAccountId: null,
    createdAt: '2026-10-01T00:00:00.000Z',
  };
}

/** One activity of a MAP-only person on day 2026-11-2i. */
function mapOnlyActivity(
  p: SeedPerson,
  sourceId: string,
  type: 'form_fill' | 'web_visit',
  occurredAt: string,
  url: string | null,
  assetName: string | null,
): MapPersonActivity {
  return {
    sourceId,
    type,
    occurredAt,
    email: p.email,
    domain: p.email.split('@')[1]!,
    salesforceId: '',
    url,
    campaignName: null,
    emailName: null,
    assetName,
  };
}

export const MARKETO: MapVendor = {
  name: 'Marketo',
  source: 'marketo',
  org: 'mk',
  seed: 23,
  surgingRise: 5,
  crashAfterPage: 2,
  exactResume: true,
  dailyQuota: true,
  async start(gen, _sf, now) {
    const seed = mapSeed(gen);
    const mk = await startMarketoEmulator({ seed, now });
    const mapOnly = { corp: `kim.nash@${gen.stories.bot.domain}`, gmail: 'lou.park@gmail.com' };
    const extra: MapPersonActivity[] = [];
    for (const [i, email] of [mapOnly.corp, mapOnly.gmail].entries()) {
      // Added through the emulator's own lead API, as a form fill on a demo page.
      const lead = mk.data.addLead({
        email,
        firstName: email.split('.')[0]!,
        lastName: 'MapOnly',
        title: 'Director of Security',
      });
      const occurredAt = `2026-11-2${i}T15:00:00Z`;
      mk.data.addActivities([
        {
          leadId: lead.id,
          activityDate: occurredAt,
          activityTypeId: 2,
          primaryAttributeValueId: 77,
          primaryAttributeValue: 'Demo Request',
          attributes: [{ name: 'Referrer URL', value: 'https://www.example.com/demo' }],
        },
      ]);
      extra.push(
        mapOnlyActivity(mapOnlyPerson(email, '', '', null), `maponly-${i}`, 'form_fill', occurredAt, null, null),
      );
    }
    return {
      activities: [...seed.activities, ...extra].sort(byTime),
      people: seed.people,
      mapOnly,
      connector: () =>
        marketo.create(
          {
            settings: { baseUrl: mk.credentials.baseUrl, clientId: mk.credentials.clientId },
            secrets: { clientSecret: mk.credentials.clientSecret },
          },
          { salesforce: null },
        ),
      clearCalls: () => mk.calls.clear(),
      expectFirstPullCalls(pull) {
        // Every HTTP request counted: identity, types, paging token, one per page, lead lookups.
        expect(pull.apiCalls.total).toBe(mk.calls.entries.length);
        expect(pull.apiCalls.total).toBeLessThanOrEqual(3 + 2 * pull.counts.pages);
      },
      expectIncrementalCalls(again) {
        expect(again.apiCalls.total).toBe(3); // identity, activity types, one activities page from the stored token
        expect(again.counts.activities).toBe(0);
        expect(mk.calls.entries.map((c) => c.path)).toEqual([
          '/identity/oauth/token',
          '/rest/v1/activities/types.json',
          '/rest/v1/activities.json',
        ]);
      },
      quota: { spend: () => mk.faults.dailyQuotaReached(), restore: () => mk.faults.clear() },
      close: () => mk.close(),
    };
  },
};

export const HUBSPOT: MapVendor = {
  name: 'HubSpot',
  source: 'hubspot',
  org: 'hs',
  seed: 11,
  surgingRise: 0,
  crashAfterPage: 1,
  exactResume: false,
  dailyQuota: false,
  async start(gen, _sf, now) {
    const bot = gen.stories.bot;
    const mapOnly = { corp: `dana.reyes@${bot.domain}`, gmail: 'sam.okafor@gmail.com' };
    const people = [
      mapOnlyPerson(mapOnly.corp, 'Dana', 'Reyes', bot.accountName),
      mapOnlyPerson(mapOnly.gmail, 'Sam', 'Okafor', null),
    ];
    // HubSpot-only contacts (never synced to Salesforce) fill a form and visit the pricing page.
    const acts = people.flatMap((p, i) => [
      mapOnlyActivity(
        p,
        `hs-only-${i}-form`,
        'form_fill',
        `2026-11-2${i}T15:00:00.000Z`,
        'https://www.pulse-seller.example/contact',
        'Demo Request',
      ),
      mapOnlyActivity(
        p,
        `hs-only-${i}-visit`,
        'web_visit',
        `2026-11-2${i}T14:55:00.000Z`,
        'https://www.pulse-seller.example/pricing',
        null,
      ),
    ]);
    const base = mapSeed(gen);
    const seed: MapSeed = {
      people: [...base.people, ...people],
      activities: [...base.activities, ...acts].sort(byTime),
    };
    // No burst limit: waits are not slept here (the contract tests cover 429s).
    const hs = await startHubspotEmulator({ seed, now, tenSecondlyLimit: 1_000_000 });
    return {
      activities: seed.activities,
      people: seed.people,
      mapOnly,
      connector: () => {
        const { clientId, clientSecret, refreshToken } = hs.credentials;
        return hubspot.create(
          { settings: { baseUrl: hs.url }, secrets: { clientId, clientSecret, refreshToken } },
          { salesforce: null },
        );
      },
      clearCalls: () => hs.calls.clear(),
      expectFirstPullCalls(pull, expected) {
        // Pages of 1,000 email events / 50 submissions / 100 page views, people 100 per batch read:
        // a few hundred calls at most, never one per record.
        expect(pull.apiCalls.total).toBeLessThan(expected / 10);
        expect(hs.calls.filter('/oauth/v1/token')).toHaveLength(1);
      },
      expectIncrementalCalls(again) {
        // One page per stream (the forms API has no time filter: one page per form), plus lookups of
        // the people and email of the few activities in the overlap before the resume point.
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
      },
      close: () => hs.close(),
    };
  },
};

export const PARDOT: MapVendor = {
  name: 'Pardot',
  source: 'pardot',
  org: 'pd',
  seed: 11,
  surgingRise: 0,
  crashAfterPage: 0,
  exactResume: false,
  dailyQuota: false,
  async start(gen, sf, now) {
    const mapOnly = { corp: `kim.nash@${gen.stories.bot.domain}`, gmail: 'lou.park@gmail.com' };
    const people = [mapOnly.corp, mapOnly.gmail].map((email) =>
      mapOnlyPerson(email, email.split('.')[0]!, 'MapOnly', null),
    );
    const acts = people.map((p, i) =>
      mapOnlyActivity(p, `maponly-${i}`, 'form_fill', `2026-11-2${i}T15:00:00.000Z`, null, 'Demo request'),
    );
    const base = mapSeed(gen);
    const seed: MapSeed = {
      people: [...base.people, ...people],
      activities: [...base.activities, ...acts].sort(byTime),
    };
    // Pardot signs in with the tokens Salesforce OAuth issues.
    const pd = await startPardotEmulator({ seed, now, validateToken: (t) => sf.context.auth.session(t) !== null });
    return {
      activities: seed.activities,
      people: seed.people,
      mapOnly,
      connector: () =>
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
        ),
      clearCalls: () => {
        pd.calls.clear();
      },
      expectFirstPullCalls(pull, expected) {
        // A page of activities plus a prospect and a page-view lookup or two per page, nothing per record.
        expect(pull.apiCalls.total).toBeLessThanOrEqual(Math.ceil(expected / 1000) * 5);
      },
      expectIncrementalCalls(again) {
        expect(again.apiCalls.total).toBeLessThanOrEqual(3);
        expect(again.counts.activities).toBeLessThan(20);
        expect(pd.calls.entries.every((c) => c.status === 200)).toBe(true);
      },
      close: () => pd.close(),
    };
  },
};
