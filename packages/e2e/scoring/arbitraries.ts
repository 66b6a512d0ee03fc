/**
 * The scoring property tests' random models and data (fast-check arbitraries): a few accounts, people and
 * events around AS_OF with KPI conditions, decays, multipliers and rate KPIs drawn at random. Shared by the
 * engine property test and the `pulse score` fast-path test.
 */
import fc from 'fast-check';
import { parseModel, type Model } from '@pulse/server/src/model/schema';

export const AS_OF = '2026-03-10';
export const TYPES = ['web_visit', 'email_open', 'meeting', 'intent', 'campaign_response'] as const;
const URLS = [null, 'https://acme.com/pricing', 'https://acme.com/Demo/x', 'https://acme.com/blog', 'https://a.io/p_1'];
const GLOBS = ['*/pricing*', '*demo*', 'https://a.io/p?1', '*blog'];
const SENIORITY = ['cxo', 'vp', 'manager', 'individual'] as const;
const DEPARTMENT = ['marketing', 'it', 'finance'] as const;
const TITLES = [null, 'Chief Marketing Officer', 'Intern', 'IT Manager', 'Student Analyst'];
const INDUSTRIES = [null, 'Software', 'Retail'];

const decayArb = fc.oneof(
  fc.record({ kind: fc.constant('linear'), lifespanDays: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('linear'), lifespanDays: fc.double({ min: 0.5, max: 40, noNaN: true }) }),
  fc.record({ kind: fc.constant('step'), days: fc.integer({ min: 1, max: 50 }) }),
  fc.constant({ kind: 'step' }),
  fc.record({ kind: fc.constant('halfLife'), days: fc.double({ min: 0.5, max: 30, noNaN: true }) }),
  fc.constant({
    kind: 'piecewise',
    points: [
      [0, 1],
      [10, 0.5],
      [25, 0],
    ],
  }),
  fc.constant({
    kind: 'piecewise',
    points: [
      [0, 0.8],
      [7.5, 0.6],
      [12, 0.3],
    ],
  }),
  fc.constant({ kind: 'none' }),
);

/** A KPI condition in about one KPI of four, so most events still land somewhere. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

const kpiArb = fc.record({
  activities: fc.dictionary(fc.constantFrom(...TYPES), fc.constantFrom(0, 1, 2.5, 5), { minKeys: 2, maxKeys: 4 }),
  urls: rarely(fc.subarray(GLOBS, { minLength: 1, maxLength: 2 })),
  excludeUrls: rarely(fc.subarray(GLOBS, { minLength: 1, maxLength: 1 })),
  campaignTypes: rarely(fc.constantFrom(['webinar'], ['Trade Show', 'WEBINAR'])),
  decay: decayArb,
  reference: fc.oneof(fc.constantFrom(1, 4, 10), fc.constant('auto' as const)),
  enabled: fc.boolean(),
});

const ruleArb = fc.record({
  when: fc.oneof(
    fc.record({ seniority: fc.subarray([...SENIORITY], { minLength: 1 }) }),
    fc.record({ department: fc.subarray([...DEPARTMENT], { minLength: 1 }), seniority: fc.constant(['vp', 'cxo']) }),
    fc.record({ titleMatches: fc.constantFrom('intern|student', 'chief') }),
    fc.record({ accountIndustry: fc.constant(['software']) }),
    fc.record({ accountMinEmployees: fc.constant(100), department: fc.constant(['it']) }),
  ),
  factor: fc.constantFrom(0, 0.5, 1.2, 2),
});

export const modelArb = fc
  .record({
    kpis: fc.array(kpiArb, { minLength: 1, maxLength: 4 }),
    rate: fc.boolean(),
    multipliers: fc.array(ruleArb, { maxLength: 3 }),
    windowDays: fc.constantFrom(7, 14, 40, 90),
    trendDays: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ kpis, rate, multipliers, windowDays, trendDays }): Model => {
    const list: Record<string, unknown>[] = kpis.map((k, i) => ({
      key: `k${i}`,
      label: `KPI ${i}`,
      weight: 0,
      ...Object.fromEntries(Object.entries(k).filter(([, v]) => v !== undefined)),
    }));
    list[0]!.enabled = true;
    if (rate && list.length >= 2) {
      list.push({
        key: 'rate',
        label: 'Rate',
        weight: 0,
        rate: { numerator: 'k0', denominator: 'k1', minDenominator: 2, target: 0.5 },
      });
    }
    const enabled = list.filter((k) => k.enabled !== false);
    enabled.forEach((k, i) => (k.weight = i === 0 ? 100 - 10 * (enabled.length - 1) : 10));
    return parseModel({
      version: 'prop',
      windowDays,
      kpis: list,
      multipliers,
      trend: { days: trendDays, cooling: -10, heating: 10, surging: 25 },
      committee: {
        engagedPoints: 1,
        personas: [
          { key: 'mkt', label: 'Marketing', when: { department: ['marketing'] }, required: true },
          { key: 'it', label: 'IT', when: { department: ['it'] }, required: true },
        ],
      },
      mqa: { minScore: 30, minEngagedPeople: 1, minCoveragePct: 50 },
    });
  });

export interface Account {
  id: string;
  industry: string | null;
  employees: number | null;
}
export interface Person {
  id: string;
  account_id: string;
  seniority: string;
  department: string;
  title: string | null;
}
export interface Event {
  id: string;
  type: string;
  occurredAt: Date;
  personId: string | null;
  accountId: string;
  url: string | null;
  quantity: number;
  strength: number | null;
  campaignType: string | null;
  excluded: string | null;
}

export const dataArb = fc
  .record({
    accounts: fc.array(
      fc.record({ industry: fc.constantFrom(...INDUSTRIES), employees: fc.constantFrom(null, 50, 500) }),
      { minLength: 1, maxLength: 4 },
    ),
    people: fc.array(
      fc.record({
        account: fc.nat(),
        seniority: fc.constantFrom(...SENIORITY),
        department: fc.constantFrom(...DEPARTMENT),
        title: fc.constantFrom(...TITLES),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    events: fc.array(
      fc.record({
        type: fc.constantFrom(...TYPES),
        // Mostly recent (so short windows see events), some old, a few in the future.
        minutes: fc.oneof(fc.integer({ min: -12 * 1440, max: 1440 }), fc.integer({ min: -100 * 1440, max: 2 * 1440 })),
        person: fc.option(fc.nat(), { nil: null }),
        account: fc.nat(),
        url: fc.constantFrom(...URLS),
        quantity: fc.constantFrom(1, 2, 3),
        strength: fc.constantFrom(null, 0, 40, 100),
        campaignType: fc.constantFrom(null, 'Webinar', 'trade show'),
        excluded: fc.constantFrom(null, null, null, 'bot'),
      }),
      { minLength: 10, maxLength: 40 },
    ),
  })
  .map(({ accounts, people, events }) => {
    const accs: Account[] = accounts.map((a, i) => ({ id: `a${i}`, ...a }));
    const ppl: Person[] = people.map((p, i) => ({
      id: `p${i}`,
      account_id: accs[p.account % accs.length]!.id,
      seniority: p.seniority,
      department: p.department,
      title: p.title,
    }));
    const base = Date.parse(`${AS_OF}T12:00:00Z`);
    const evs: Event[] = events.map((e, i) => {
      // A person's events belong to their account (the engine evaluates multipliers against it).
      const person = e.person !== null && ppl.length > 0 ? ppl[e.person % ppl.length]! : null;
      return {
        id: `e${i}`,
        type: e.type,
        occurredAt: new Date(base + e.minutes * 60_000),
        personId: person ? person.id : null,
        accountId: person ? person.account_id : accs[e.account % accs.length]!.id,
        url: e.url,
        quantity: e.quantity,
        strength: e.strength,
        campaignType: e.campaignType,
        excluded: e.excluded,
      };
    });
    return { accounts: accs, people: ppl, events: evs };
  });

/** A random org: accounts, people and events. */
export type Data = { accounts: Account[]; people: Person[]; events: Event[] };
