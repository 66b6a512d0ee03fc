import type { AccountChange, ActionDelivery, DeliveryContext } from '../src/actions/destination';

/** A surging account's change, as the core hands it to a destination (override any field). */
export function sampleChange(over: Partial<AccountChange> = {}): AccountChange {
  return {
    orgId: 'acme',
    accountId: '001000000000001AAA',
    accountName: 'Globex & Sons <EU>',
    ownerId: '005000000000001AAA',
    ownerName: 'Dana Scully',
    ownerEmail: 'dana@acme.example',
    day: '2026-12-04',
    previousDay: '2026-12-03',
    score: 72,
    previousScore: 48,
    band: 'High',
    previousBand: 'Medium',
    trend: 'Surging',
    previousTrend: 'Steady',
    mqa: true,
    previousMqa: false,
    topPeople: [
      { personId: '003A', name: 'Fox Mulder', title: 'VP Engineering', points: 21.5, share: 0.3 },
      { personId: '003B', name: 'Walter Skinner', title: 'CTO', points: 14, share: 0.19 },
      { personId: '003C', name: null, title: null, points: 6, share: 0.08 },
    ],
    changeDrivers: [
      { key: 'web_visits', change: 12 },
      { key: 'meetings', change: 9 },
      { key: 'email_clicks', change: -2 },
    ],
    ...over,
  };
}

/** One outbox item for `sampleChange()` (override any field). */
export function sampleDelivery(over: Partial<ActionDelivery> = {}): ActionDelivery {
  return {
    deliveryId: 'd-7f3c2a',
    key: 'surging-high:001000000000001AAA:entered High:2026-12-04',
    ruleId: 'surging-high',
    trigger: 'entered High',
    change: sampleChange(),
    attempt: 1,
    ...over,
  };
}

/** A delivery context for destinations that use none of it (Slack, webhooks): using its store or Salesforce fails the test. */
export function sampleContext(over: Partial<DeliveryContext> = {}): DeliveryContext {
  return {
    orgId: 'acme',
    get db(): never {
      throw new Error('this destination was not expected to use the store');
    },
    salesforce: () => Promise.reject(new Error('this destination was not expected to call Salesforce')),
    // The wall clock, as in production: a receiver checks the signed timestamp against its own.
    now: () => new Date(),
    sleep: async () => undefined,
    ...over,
  };
}
