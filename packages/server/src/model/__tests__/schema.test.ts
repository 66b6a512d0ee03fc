import { ValidationError } from '../../errors';
import { DEFAULT_MODEL, DEFAULT_MODEL_DOCUMENT } from '../defaults';
import { parseModel, type ModelInput } from '../schema';
import { HIGH_INTENT_PAGES, MARKETING_EXEC, MEETINGS, workedExample } from '../../../testing/workedExample';

// The worked example with a disabled-by-weight rate KPI, bands, trend and one persona: every section once.
const issueExample: ModelInput = {
  ...workedExample(),
  kpis: [
    MEETINGS,
    HIGH_INTENT_PAGES,
    {
      key: 'ad_ctr',
      label: 'Ad click-through rate',
      weight: 0,
      rate: { numerator: 'ad_clicks', denominator: 'ad_impressions', minDenominator: 100, target: 0.02 },
    },
  ],
  bands: { medium: 25, high: 50, veryHigh: 75 },
  trend: { days: 30, cooling: -10, heating: 10, surging: 25 },
  committee: { engagedPoints: 1, personas: [MARKETING_EXEC] },
};

function issuesOf(doc: unknown): { path: string; message: string }[] {
  try {
    parseModel(doc, 'test.json');
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected the model to be rejected');
}

function clone(): Record<string, any> {
  return JSON.parse(JSON.stringify(issueExample));
}

describe('parseModel', () => {
  it('accepts the defaults with weights totalling 100', () => {
    const enabled = DEFAULT_MODEL.kpis.filter((k) => k.enabled);
    expect(enabled.reduce((s, k) => s + k.weight, 0)).toBe(100);
    expect(parseModel(DEFAULT_MODEL_DOCUMENT).version).toBe('default-2');
  });

  it('rejects the issue example because the rate KPI names missing KPIs', () => {
    const issues = issuesOf(issueExample);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'kpis[2].rate.numerator', message: 'names KPI "ad_clicks", which does not exist' },
        { path: 'kpis[2].rate.denominator', message: 'names KPI "ad_impressions", which does not exist' },
      ]),
    );
    expect(issues).toHaveLength(2);
  });

  it('accepts the issue example once the rate KPI is dropped, filling defaults', () => {
    const doc = clone();
    doc.kpis.pop();
    const m = parseModel(doc);
    expect(m.kpis).toHaveLength(2);
    expect(m.kpis[0]?.enabled).toBe(true);
    expect(m.references).toBeUndefined();
  });

  it('lists every problem by path', () => {
    const doc = clone();
    doc.kpis[0].weight = 50; // total 90
    doc.kpis[0].colour = 'red'; // unknown key
    doc.kpis[1].decay.points = [
      [0, 1],
      [180, 0],
      [60, 0.5],
    ]; // unsorted
    doc.kpis[1].urls = ['*/pricing*', '']; // bad glob
    doc.kpis[1].activities['Web Visit'] = 1; // bad type name
    doc.multipliers[1].factor = -1;
    doc.multipliers[2].when.titleMatches = '(unclosed';
    doc.kpis.push({ ...doc.kpis[0], colour: undefined, weight: 0 });
    doc.extra = true;
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'kpis[0].colour',
        'kpis[1].decay.points[2][0]',
        'kpis[1].urls[1]',
        'kpis[1].activities.Web Visit',
        'multipliers[1].factor',
        'multipliers[2].when.titleMatches',
        'extra',
      ]),
    );
  });

  it('checks weights and duplicates once each KPI is valid', () => {
    const doc = clone();
    doc.kpis.pop();
    doc.kpis[0].weight = 50;
    doc.kpis.push({ ...doc.kpis[0], weight: 0 });
    const issues = issuesOf(doc);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'kpis', message: 'weights of enabled KPIs total 90, must total 100' },
        { path: 'kpis[2].key', message: 'duplicate KPI key "meetings"' },
      ]),
    );
  });

  it('ignores disabled KPIs in the weight total', () => {
    const doc = clone();
    doc.kpis.pop();
    doc.kpis.push({ ...doc.kpis[0], key: 'spare', weight: 30, enabled: false });
    expect(parseModel(doc).kpis[2]?.enabled).toBe(false);
  });

  it('rejects a rate KPI over another rate KPI and an unknown persona', () => {
    const doc = clone();
    doc.kpis[2] = {
      key: 'r2',
      label: 'r2',
      weight: 0,
      rate: { numerator: 'r1', denominator: 'meetings', target: 1 },
    };
    doc.kpis.push({
      key: 'r1',
      label: 'r1',
      weight: 0,
      rate: { numerator: 'meetings', denominator: 'meetings', target: 1 },
    });
    doc.multipliers.push({ when: { persona: ['cfo'] }, factor: 2 });
    const issues = issuesOf(doc);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'kpis[2].rate.numerator', message: 'names "r1", a rate KPI; must be a count KPI' },
        { path: 'multipliers[3].when.persona[0]', message: 'unknown persona "cfo"' },
      ]),
    );
  });

  it('requires piecewise decay to start at age 0', () => {
    const doc = clone();
    doc.kpis.pop();
    doc.kpis[1].decay.points = [
      [5, 1],
      [10, 0],
    ];
    expect(issuesOf(doc)).toEqual([
      { path: 'kpis[1].decay.points[0][0]', message: 'the first point must be at age 0' },
    ]);
  });

  it('names the file in the error message', () => {
    expect(() => parseModel({}, 'acme.json')).toThrow(/model acme\.json is invalid/);
  });
});

describe('parseModel with a malformed section', () => {
  it('still runs the model-wide checks', () => {
    const doc = clone();
    doc.kpis.pop();
    doc.kpis[0].weight = 50;
    doc.bands = 'high';
    doc.version = 5;
    doc.multipliers.push({ when: { persona: ['nobody'] }, factor: 2 });
    expect(issuesOf(doc)).toEqual([
      { path: 'version', message: 'Expected string, received number' },
      { path: 'bands', message: 'Expected object, received string' },
      { path: 'kpis', message: 'weights of enabled KPIs total 90, must total 100' },
      { path: 'multipliers[3].when.persona[0]', message: 'unknown persona "nobody"' },
    ]);
  });

  it('does not invent unknown personas when the committee itself is malformed', () => {
    const doc = clone();
    doc.kpis.pop();
    doc.committee = { personas: 'all' };
    doc.multipliers.push({ when: { persona: ['marketing_exec'] }, factor: 2 });
    expect(issuesOf(doc).map((i) => i.path)).toEqual(['committee.personas']);
  });
});
