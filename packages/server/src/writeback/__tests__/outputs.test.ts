import { accountOutputs, contributorsJson, historyText, joinWithin, summaryLine, TEXT_LIMITS } from '../outputs';
import type { AccountScore } from '../../scoring/finish';
import { ACCOUNT_FIELDS } from '../../contract/fields';

const score: AccountScore = {
  accountId: '001000000000001AAA',
  score: 72,
  scoreExact: 71.6,
  band: 'High',
  trend: 'Surging',
  change30d: 31,
  peopleEngaged: 4,
  coveragePct: 66.666,
  missingPersonas: ['Finance', 'Security'],
  mqa: true,
  kpis: {},
  topPeople: [
    { personId: '003000000000001AAA', points: 31.54, share: 0.40123 },
    { personId: 'map-42', points: 20, share: 0.25 },
    { personId: '003000000000003AAA', points: 5, share: 0.0625 },
  ],
  topKpis: [
    { key: 'meetings', points: 12, share: 0.4 },
    { key: 'pricing_page', points: 8, share: 0.25 },
  ],
  changeDrivers: [
    { key: 'pricing_page', change: 12.04 },
    { key: 'meetings', change: -3 },
  ],
  lastActivity: '2026-11-20',
};
const people = new Map([
  ['003000000000001AAA', { name: 'Dana Ruiz', title: 'VP Marketing' }],
  ['map-42', { name: 'Lee Park', title: 'Marketing Ops' }],
  ['003000000000003AAA', { name: 'Sam Roe', title: 'VP Marketing' }],
]);
const kpiLabels = { meetings: 'Meetings', pricing_page: 'Pricing pages' };
const ctx = {
  kpiLabels,
  people,
  history: [null, 10, 20.4, null, 72],
  mqaSince: '2026-11-01',
  modelVersion: 'v3',
  scoredAt: new Date('2026-11-24T06:00:00Z'),
};

describe('accountOutputs', () => {
  it('gives every contract output a value formatted for its field type', () => {
    const out = accountOutputs(score, ctx);
    expect(Object.keys(out).sort()).toEqual(ACCOUNT_FIELDS.map((f) => f.output).sort());
    expect(out).toMatchObject({
      score: 72,
      band: 'High',
      trend: 'Surging',
      scoreChange30d: 31,
      mqa: true,
      mqaDate: '2026-11-01',
      peopleEngaged: 4,
      committeeCoverage: 67,
      missingPersonas: 'Finance; Security',
      history: ',10,20,,72',
      lastActivity: '2026-11-20',
      scoredAt: '2026-11-24T06:00:00.000Z',
      modelVersion: 'v3',
    });
  });

  it('blanks the score outputs of an account without a score but keeps its history', () => {
    const out = accountOutputs(null, ctx);
    expect(out.score).toBeNull();
    expect(out.trend).toBeNull();
    expect(out.topContributors).toBeNull();
    expect(out.mqa).toBe(false);
    expect(out.history).toBe(',10,20,,72');
  });

  it('leaves the MQA date empty when the account is not an MQA', () => {
    expect(accountOutputs({ ...score, mqa: false }, ctx).mqaDate).toBeNull();
  });
});

describe('summaryLine', () => {
  it('gives the people count, distinct titles and top KPI shares', () => {
    expect(summaryLine(score, ctx)).toBe('4 people · VP Marketing, Marketing Ops · Meetings 40%, Pricing pages 25%');
  });
  it('stays within the field length with very long titles', () => {
    const long = new Map([...people].map(([k, v]) => [k, { ...v, title: `${k} ${'x'.repeat(300)}` }]));
    const line = summaryLine(score, { kpiLabels, people: long })!;
    expect(line.length).toBeLessThanOrEqual(TEXT_LIMITS.summary);
    expect(line.endsWith('…')).toBe(true);
  });
  it('says "1 person" for one', () => {
    expect(summaryLine({ ...score, peopleEngaged: 1, topPeople: [], topKpis: [] }, ctx)).toBe('1 person');
  });
  it('never puts a name on the Account: a person without a title is only counted', () => {
    const untitled = new Map([...people].map(([k, v]) => [k, { ...v, title: null }]));
    expect(summaryLine(score, { kpiLabels, people: untitled })).toBe('4 people · Meetings 40%, Pricing pages 25%');
  });
});

describe('contributorsJson', () => {
  it('produces the documented v2 shape: Salesforce ids, points and shares only, no names or titles', () => {
    const json = contributorsJson(score, ctx);
    expect(JSON.parse(json)).toEqual({
      v: 2,
      people: [
        { id: '003000000000001AAA', points: 31.5, share: 0.401 },
        { id: '', points: 20, share: 0.25 },
        { id: '003000000000003AAA', points: 5, share: 0.063 },
      ],
      kpis: [
        { key: 'meetings', label: 'Meetings', points: 12, share: 0.4 },
        { key: 'pricing_page', label: 'Pricing pages', points: 8, share: 0.25 },
      ],
      drivers: [
        { key: 'pricing_page', label: 'Pricing pages', change: 12 },
        { key: 'meetings', label: 'Meetings', change: -3 },
      ],
    });
    // Sharing decides who reads a Contact or Lead; nothing of the person is copied onto the Account.
    for (const info of people.values()) {
      expect(json).not.toContain(info.name);
      expect(json).not.toContain(info.title);
    }
  });
  it('takes the Salesforce id the person info carries, and never a non-Salesforce id', () => {
    const withIds = new Map([
      ['003000000000001AAA', { name: 'Dana Ruiz', title: 'VP Marketing' }],
      ['map-42', { name: 'Lee Park', title: null, salesforceId: '00Q000000000042AAA' }],
      ['003000000000003AAA', { name: 'Sam Roe', title: null, salesforceId: 'not-an-id' }],
    ]);
    const doc = JSON.parse(contributorsJson(score, { kpiLabels, people: withIds })) as { people: { id: string }[] };
    expect(doc.people.map((p) => p.id)).toEqual(['003000000000001AAA', '00Q000000000042AAA', '']);
  });
  it('stays within the field length with ten people and ten long KPI labels', () => {
    const many = {
      ...score,
      topPeople: Array.from({ length: 12 }, (_, i) => ({
        personId: `003000000000${String(i).padStart(3, '0')}AAA`,
        points: 1000.123 + i,
        share: 0.0833333,
      })),
      topKpis: Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, points: 1, share: 0.1 })),
    };
    const labels = Object.fromEntries(many.topKpis.map((k) => [k.key, 'L'.repeat(500)]));
    const json = contributorsJson(many, { kpiLabels: labels, people });
    const doc = JSON.parse(json) as { people: unknown[]; kpis: { label: string }[] };
    expect(doc.people).toHaveLength(10);
    expect(doc.kpis).toHaveLength(10);
    expect([...doc.kpis[0]!.label].length).toBe(80);
    expect(json.length).toBeLessThanOrEqual(TEXT_LIMITS.topContributors);
  });
});

describe('historyText and joinWithin', () => {
  it('keeps only the last 90 days, oldest first', () => {
    const days = Array.from({ length: 120 }, (_, i) => i);
    const text = historyText(days)!;
    expect(text.split(',')).toHaveLength(90);
    expect(text.startsWith('30,31,')).toBe(true);
    expect(text.endsWith(',119')).toBe(true);
  });
  it('is null for a history without any score', () => {
    expect(historyText([null, null])).toBeNull();
  });
  it('joins whole items within the limit', () => {
    expect(joinWithin(['aaaa', 'bbbb', 'cccc'], '; ', 10)).toBe('aaaa; bbbb');
    expect(joinWithin([], '; ', 10)).toBeNull();
  });
});
