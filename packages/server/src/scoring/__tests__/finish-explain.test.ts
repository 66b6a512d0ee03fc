import { parseModel } from '../../model/schema';
import { HIGH_INTENT_PAGES, MARKETING_EXEC, MEETINGS } from '../../../testing/workedExample';
import { explainEvent } from '../explain';
import { finishAccount, type FinishInput } from '../finish';

const model = parseModel({
  version: 'worked-1',
  kpis: [
    MEETINGS,
    { ...HIGH_INTENT_PAGES, key: 'web', label: 'Pricing pages', urls: ['*/pricing*'] },
    { key: 'ads', label: 'Ad clicks', weight: 0, enabled: false, activities: { ad_click: 1 } },
  ],
  multipliers: [
    { when: { seniority: ['vp', 'cxo'] }, factor: 1.5, label: 'executive' },
    { when: { titleMatches: 'student|intern' }, factor: 0, label: 'student or intern' },
  ],
  committee: {
    engagedPoints: 1,
    personas: [
      { ...MARKETING_EXEC, key: 'exec' },
      { key: 'ops', label: 'Marketing operations', when: { titleMatches: 'ops|operations' }, required: true },
      { key: 'cfo', label: 'Finance approver', when: { department: ['finance'] }, required: false },
    ],
  },
  mqa: { minScore: 50, minEngagedPeople: 2, minCoveragePct: 50 },
});
const references = { web: 2 };

const input: FinishInput = {
  accountId: 'acc1',
  kpis: { meetings: { points: 10, count: 2 }, web: { points: 1, count: 3 } },
  people: [
    { personId: 'p3', points: 0.5, kpiPoints: { web: 0.5 }, seniority: 'individual', department: 'sales', title: 'AE' },
    { personId: 'p1', points: 9, kpiPoints: { meetings: 9 }, seniority: 'cxo', department: 'marketing', title: 'CMO' },
    {
      personId: 'p2',
      points: 1.5,
      kpiPoints: { meetings: 1, web: 0.5 },
      seniority: 'manager',
      department: 'marketing',
      title: 'Marketing Ops Manager',
    },
  ],
  lastActivity: '2026-11-21',
};

// Hand-computed: S(meetings) = 100(1 − e^−1) = 63.21205588; S(web) = 100(1 − e^−0.5) = 39.34693403.
// score = 0.6 × 63.21205588 + 0.4 × 39.34693403 = 37.92723353 + 15.73877361 = 53.66600714 → 54.
describe('finishAccount (worked example)', () => {
  const r = finishAccount(model, references, input, {
    score: 40,
    subscores: { meetings: 50, web: 100 * (1 - Math.exp(-0.5)) },
  });

  it('weights saturated sub-scores into the score and band', () => {
    expect(r?.kpis['meetings']?.subscore).toBeCloseTo(63.21205588, 6);
    expect(r?.kpis['web']?.subscore).toBeCloseTo(39.34693403, 6);
    expect(r?.kpis['ads']).toBeUndefined();
    expect(r?.scoreExact).toBeCloseTo(53.66600714, 6);
    expect(r?.score).toBe(54);
    expect(r?.band).toBe('High');
  });

  it('trends against the past rounded score and names the change drivers', () => {
    expect(r?.trend).toBe('Heating');
    expect(r?.change30d).toBe(14);
    expect(r?.changeDrivers).toHaveLength(1);
    expect(r?.changeDrivers[0]?.key).toBe('meetings');
    expect(r?.changeDrivers[0]?.change).toBeCloseTo(7.92723353, 6); // 0.6 × (63.21205588 − 50)
  });

  it('covers the committee and qualifies the account', () => {
    expect(r?.peopleEngaged).toBe(2);
    expect(r?.coveragePct).toBe(100);
    expect(r?.missingPersonas).toEqual([]);
    expect(r?.mqa).toBe(true);
  });

  it('ranks top people by points with shares of the account total (11)', () => {
    expect(r?.topPeople.map((p) => p.personId)).toEqual(['p1', 'p2', 'p3']);
    expect(r?.topPeople[0]?.share).toBeCloseTo(9 / 11, 9);
    expect(r?.topPeople[2]?.share).toBeCloseTo(0.5 / 11, 9);
  });

  it('ranks top KPIs by share of the score', () => {
    expect(r?.topKpis.map((k) => k.key)).toEqual(['meetings', 'web']);
    expect(r?.topKpis[0]?.share).toBeCloseTo(37.92723353 / 53.66600714, 6);
    expect(r?.topKpis[0]?.points).toBe(10);
  });

  it('is New with no past score, and not MQA without coverage or enough people', () => {
    const lone = finishAccount(model, references, { ...input, people: [input.people[1]!] });
    expect(lone?.trend).toBe('New');
    expect(lone?.change30d).toBeNull();
    expect(lone?.changeDrivers).toEqual([]);
    expect(lone?.coveragePct).toBe(50);
    expect(lone?.missingPersonas).toEqual(['Marketing operations']);
    expect(lone?.mqa).toBe(false);
  });

  it('rounds an exact past score before taking the change', () => {
    // 54 − round(43.5) = 54 − 44 = 10 → Heating; unrounded it would be 10.5, rounded later 11.
    const r2 = finishAccount(model, references, input, { score: 43.5, subscores: {} });
    expect(r2?.change30d).toBe(10);
    expect(r2?.trend).toBe('Heating');
    expect(finishAccount(model, references, input, { score: 44.6, subscores: {} })?.trend).toBe('Neutral');
  });

  it('has no score without a counted event in an enabled KPI', () => {
    expect(finishAccount(model, references, { ...input, kpis: { ads: { points: 5, count: 5 } } })).toBeNull();
    expect(finishAccount(model, references, { ...input, kpis: {} })).toBeNull();
  });
});

describe('finishAccount with a rate KPI', () => {
  const rated = parseModel({
    version: 'r',
    kpis: [
      { key: 'clicks', label: 'C', weight: 50, activities: { ad_click: 1 }, reference: 5 },
      { key: 'imps', label: 'I', weight: 0, activities: { ad_impression: 0 }, reference: 1 },
      {
        key: 'ctr',
        label: 'CTR',
        weight: 50,
        rate: { numerator: 'clicks', denominator: 'imps', minDenominator: 100, target: 0.02 },
      },
    ],
  });
  it('scores the rate from event counts against the target', () => {
    // clicks: P = 5 → S = 63.21205588; ctr = 1/200 = 0.005 → S = 25. score = 31.60602794 + 12.5 = 44.10602794.
    const r = finishAccount(
      rated,
      {},
      {
        accountId: 'a',
        kpis: { clicks: { points: 5, count: 1 }, imps: { points: 0, count: 200 } },
        people: [],
        lastActivity: null,
      },
    );
    expect(r?.kpis['ctr']).toEqual({ points: 0.005, subscore: 25 });
    expect(r?.scoreExact).toBeCloseTo(44.10602794, 6);
    expect(r?.score).toBe(44);
    expect(r?.band).toBe('Medium');
  });
});

describe('explainEvent (receipt)', () => {
  const asOf = '2026-11-24';
  const vp = { seniority: 'vp', department: 'marketing', title: 'VP Marketing' };
  const intern = { seniority: 'individual', department: 'marketing', title: 'Marketing Intern' };
  const account = { industry: null, employees: null };
  const ev = (id: string, type: string, at: string, extra: object = {}) => ({
    id,
    type,
    occurredAt: new Date(at),
    ...extra,
  });

  it('gives base points, multipliers, decay and the contribution (linear 90, 3 days: 5 × 1.5 × 29/30 = 7.25)', () => {
    const line = explainEvent(model, references, ev('e1', 'meeting', '2026-11-21T15:00:00Z'), vp, account, asOf);
    expect(line).toMatchObject({
      eventId: 'e1',
      kpi: 'meetings',
      basePoints: 5,
      multipliers: [{ rule: 1, label: 'executive', factor: 1.5 }],
      factor: 1.5,
      ageDays: 3,
      excluded: null,
    });
    expect(line.decay).toBeCloseTo(29 / 30, 12);
    expect(line.contribution).toBeCloseTo(7.25, 12);
  });

  it('shows a ×0 person as excluded, contributing nothing', () => {
    const line = explainEvent(
      model,
      references,
      ev('e2', 'web_visit', '2026-10-25T00:00:00Z', { url: 'https://x.com/pricing' }),
      intern,
      account,
      asOf,
    );
    expect(line.kpi).toBe('web');
    expect(line.decay).toBeCloseTo(0.75, 12);
    expect(line.factor).toBe(0);
    expect(line.contribution).toBe(0);
    expect(line.excluded).toBe('excluded by multiplier rule #2 (student or intern)');
  });

  it.each([
    [ev('e3', 'meeting', '2026-11-25T09:00:00Z'), 'future event'],
    [ev('e4', 'meeting', '2026-08-26T09:00:00Z'), 'outside window'],
    [ev('e5', 'email_open', '2026-11-20T09:00:00Z'), 'no KPI counts type email_open'],
    [ev('e6', 'web_visit', '2026-11-20T09:00:00Z', { url: 'https://x.com/blog' }), 'no KPI counts type web_visit'],
    [ev('e7', 'ad_click', '2026-11-20T09:00:00Z'), 'KPI ads is disabled'],
    [ev('e8', 'meeting', '2026-11-20T09:00:00Z', { excludedReason: 'bot' }), 'excluded: bot'],
  ])('%#: %s', (event, reason) => {
    const line = explainEvent(model, references, event, vp, account, asOf);
    expect(line.excluded).toBe(reason);
    expect(line.contribution).toBe(0);
  });

  it('counts a company-level event with no person rule applied', () => {
    const line = explainEvent(model, references, ev('e9', 'meeting', '2026-11-24T09:00:00Z'), null, account, asOf);
    expect(line.multipliers).toEqual([]);
    expect(line.contribution).toBe(5);
  });
});
