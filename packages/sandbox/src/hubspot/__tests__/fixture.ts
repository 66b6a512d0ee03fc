/** A small hand-built MAP seed and pull helpers for the HubSpot contract tests. */
import type { MapPersonActivity } from '../../generator/types';
import type { MapConnector, MapPage, MapPullContext } from '@pulse/server/src/sources/map/types';
import type { MapSeed, SeedPerson } from '../../mapSeed';

export const NOW = new Date('2026-11-24T10:00:00.000Z');
const DAY = 86_400_000;
export const ACCOUNT = '001000000000001AAA';

const person = (n: number, over: Partial<SeedPerson>): SeedPerson => ({
  salesforceId: `003000000000${String(n).padStart(3, '0')}AAA`,
  kind: 'contact',
  email: `person${n}@northwind.example`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  title: 'VP Marketing',
  department: 'Marketing',
  company: 'Northwind',
  salesforceAccountId: ACCOUNT,
  createdAt: new Date(NOW.getTime() - 200 * DAY).toISOString(),
  ...over,
});

/**
 * Four synced contacts at one account, a synced lead without an account, and two HubSpot-only
 * people (no Salesforce id): one with a company email domain, one with gmail. Activity spreads
 * over 40 days before NOW (none in the last two hours): 520 emails sent (every one delivered and
 * opened, every fifth clicked) so email events span two pages of 1,000 (plus a send, open and
 * submission of a recipient with no contact: deleted since); 60 "Demo Request" and 3
 * gated-content submissions (two pages of 50 on one form); 150 page views (two pages of 100).
 */
export function contractSeed(): MapSeed {
  const people: SeedPerson[] = [
    person(1, {}),
    person(2, {}),
    person(3, {}),
    person(4, {}),
    person(5, {
      kind: 'lead',
      salesforceId: '00Q000000000005AAA',
      email: 'lead5@contoso.example',
      company: 'Contoso',
      salesforceAccountId: null,
    }),
    person(6, { salesforceId: '', email: 'maponly@fabrikam.example', company: 'Fabrikam', salesforceAccountId: null }),
    person(7, { salesforceId: '', email: 'someone@gmail.com', company: null, salesforceAccountId: null }),
  ];
  const activities: MapPersonActivity[] = [];
  let n = 0;
  const add = (p: SeedPerson, type: MapPersonActivity['type'], at: number, extra: Partial<MapPersonActivity> = {}) =>
    activities.push({
      sourceId: `t-${n++}`,
      type,
      occurredAt: new Date(at).toISOString(),
      email: p.email,
      domain: p.email.split('@')[1]!,
      salesforceId: p.salesforceId,
      url: null,
      campaignName: null,
      emailName: null,
      assetName: null,
      ...extra,
    });
  const start = NOW.getTime() - 40 * DAY;
  const step = (40 * DAY - 3 * 3_600_000) / 520;
  for (let i = 0; i < 520; i++) {
    const p = people[i % people.length]!;
    const at = start + i * step;
    const emailName = `Newsletter ${i % 4}`;
    add(p, 'email_send', at, { emailName, campaignName: 'Newsletters' });
    add(p, 'email_open', at + 60_000, { emailName, campaignName: 'Newsletters' });
    if (i % 5 === 0)
      add(p, 'email_click', at + 120_000, {
        emailName,
        campaignName: 'Newsletters',
        url: 'https://www.seller.example/pricing',
      });
  }
  for (let i = 0; i < 60; i++)
    add(people[i % 4]!, 'form_fill', NOW.getTime() - 29 * DAY + (i * (28 * DAY)) / 60 + 5_000, {
      assetName: 'Demo Request',
      url: 'https://www.seller.example/contact',
    });
  for (let i = 0; i < 3; i++)
    add(people[5]!, 'content_download', start + (i + 1) * 10 * DAY, {
      assetName: 'Security Whitepaper',
      url: 'https://www.seller.example/resources/download',
    });
  for (let i = 0; i < 150; i++)
    add(people[i % 6]!, 'web_visit', start + (i * (39 * DAY)) / 150 + 7_000, {
      url: `https://www.seller.example/page-${i % 7}`,
    });
  // A recipient whose contact was deleted from HubSpot since: its events remain.
  const gone = person(9, { email: 'gone@northwind.example' });
  add(gone, 'email_send', NOW.getTime() - 3 * DAY, { emailName: 'Newsletter 1' });
  add(gone, 'email_open', NOW.getTime() - 3 * DAY + 90_000, { emailName: 'Newsletter 1' });
  add(gone, 'form_fill', NOW.getTime() - 2 * DAY, { assetName: 'Demo Request' });
  activities.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  return { people, activities };
}

/** A pull context with counted calls and recorded (not slept) waits. */
export function pullContext(over: Partial<MapPullContext> = {}): {
  ctx: MapPullContext;
  sleeps: number[];
  calls: () => number;
} {
  const sleeps: number[] = [];
  let calls = 0;
  const ctx: MapPullContext = {
    orgId: 'org-hubspot',
    since: { watermark: null, cursor: null },
    now: NOW,
    firstPullDays: 30,
    countCall: () => {
      calls++;
    },
    fetch: (...args) => fetch(...args),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1, // each backoff is the top of its jitter window
    ...over,
  };
  return { ctx, sleeps, calls: () => calls };
}

/** Every page of a pull (pages yielded before an error are kept in `pages`, the error in `error`). */
export async function collect(
  connector: MapConnector,
  ctx: MapPullContext,
): Promise<{ pages: MapPage[]; error: unknown }> {
  const pages: MapPage[] = [];
  try {
    for await (const p of connector.pull(ctx)) pages.push(p);
    return { pages, error: null };
  } catch (error) {
    return { pages, error };
  }
}
