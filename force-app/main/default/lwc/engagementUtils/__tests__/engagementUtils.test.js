import {
  elapsed,
  formatChange,
  formatLabel,
  formatShare,
  isStale,
  normalizeScore,
  parseContributors,
  parseHistory,
  parsePersonas,
  personObject,
  resolvePeople,
  recordPageOfClick,
  sparklinePoints,
  trendChip,
} from 'c/engagementUtils';
import { reduceErrors } from 'c/ldsUtils';

describe('engagementUtils', () => {
  it('parses history, skipping blanks and garbage and clamping to 0–100', () => {
    expect(parseHistory('1, 2,,x,3.5,120,-4')).toEqual([1, 2, 3.5, 100, 0]);
    expect(parseHistory('')).toEqual([]);
    expect(parseHistory(null)).toEqual([]);
  });

  it('splits missing personas on semicolons', () => {
    expect(parsePersonas('Economic Buyer; Legal;; ')).toEqual(['Economic Buyer', 'Legal']);
    expect(parsePersonas(null)).toEqual([]);
  });

  it('reads version 2 (ids only) and version 1 contributors, and flags anything else as malformed', () => {
    const v2 = parseContributors(
      JSON.stringify({
        v: 2,
        people: [{ id: '003000000000001AAA', points: 1, share: 0.5 }, null],
        kpis: [],
        drivers: [],
      }),
    );
    expect(v2.malformed).toBe(false);
    expect(v2.people).toEqual([{ key: '003000000000001AAA', id: '003000000000001AAA', points: 1, share: 0.5 }]);
    const v1 = parseContributors(
      JSON.stringify({
        v: 1,
        people: [{ id: 'a', name: 'A', title: 'T', points: 1, share: 0.5 }, 'x'],
        kpis: [],
        drivers: [],
      }),
    );
    expect(v1.malformed).toBe(false);
    // Names stored by version 1 are not used: the card resolves people as the reader.
    expect(v1.people).toEqual([{ key: 'a', id: 'a', points: 1, share: 0.5 }]);
    expect(parseContributors('{"v":3}').malformed).toBe(true);
    expect(parseContributors('{not json').malformed).toBe(true);
    expect(parseContributors('[]').malformed).toBe(true);
    expect(parseContributors(null)).toEqual({ people: [], kpis: [], drivers: [], malformed: false });
  });

  it('tells contacts from leads by id and names only the people the reader may see', () => {
    expect(personObject('003000000000001AAA')).toBe('Contact');
    expect(personObject('00Q000000000001')).toBe('Lead');
    expect(personObject('001000000000001AAA')).toBeNull();
    expect(personObject('')).toBeNull();
    const people = [
      { key: 'a', id: '003000000000001AAA', points: 3, share: 0.5 },
      { key: 'b', id: '', points: 2, share: 0.3 },
      { key: 'c', id: '00Q000000000002AAA', points: 1, share: 0.2 },
    ];
    const results = [
      // 15-character ids from the card match the 18-character ids LDS returns.
      {
        statusCode: 200,
        result: { id: '003000000000001AAA', fields: { Name: { value: 'Dana' }, Title: { value: null } } },
      },
      { statusCode: 404, result: [{ errorCode: 'NOT_FOUND' }] },
    ];
    expect(resolvePeople(people, results)).toEqual({
      shown: [{ key: 'a', id: '003000000000001AAA', points: 3, share: 0.5, name: 'Dana', title: '' }],
      hidden: 2,
    });
    expect(resolvePeople(people, undefined)).toEqual({ shown: [], hidden: 3 });
  });

  it('reads KPIs and drivers by key, the label falling back to the key', () => {
    const parsed = parseContributors(
      JSON.stringify({
        v: 1,
        people: [],
        kpis: [{ key: 'pricing', points: '3', share: 0.25 }, { label: 'Webinar' }, { x: 1 }, null],
        drivers: [
          { key: 'demo', label: 'Demo requests', change: -4 },
          { key: '', label: '' },
          { key: 'x', change: 'abc' },
        ],
      }),
    );
    expect(parsed.kpis).toEqual([
      { key: 'pricing', label: 'pricing', points: 3, share: 0.25 },
      { key: 'kpi-1', label: 'Webinar', points: 0, share: 0 },
    ]);
    expect(parsed.drivers).toEqual([
      { key: 'demo', label: 'Demo requests', change: -4 },
      { key: 'x', label: 'x', change: 0 },
    ]);
  });

  it('formats signed changes with arrows and a real minus sign', () => {
    expect(formatChange(27)).toBe('+27');
    expect(formatChange(-12)).toBe('\u221212');
    expect(formatChange(0)).toBe('0');
    expect(trendChip('Surging', 27).text).toBe('\u2191 +27');
    expect(trendChip('Cooling', -12).text).toBe('\u2193 \u221212');
    expect(trendChip('Neutral', null).text).toBe('\u2192 0');
    expect(trendChip('Bogus', 1).className).toContain('trend-neutral');
  });

  it('formats shares as percents and fills label placeholders', () => {
    expect(formatShare(0.344)).toBe('34%');
    expect(formatShare(34)).toBe('34%');
    expect(formatLabel('{0} of {1}', 'a', 2)).toBe('a of 2');
    expect(formatLabel('{0} and {1}', 'a')).toBe('a and {1}');
  });

  it('normalizes scores and computes staleness and elapsed time from an injected now', () => {
    expect(normalizeScore(null)).toBeNull();
    expect(normalizeScore('abc')).toBeNull();
    expect(normalizeScore(104.2)).toBe(100);
    const now = Date.parse('2026-11-20T09:00:00Z');
    expect(isStale('2026-11-18T08:59:00Z', now)).toBe(true);
    expect(isStale('2026-11-18T09:01:00Z', now)).toBe(false);
    expect(isStale(null, now)).toBe(false);
    expect(elapsed('2026-11-20T06:00:00Z', now)).toEqual({ unit: 'hours', amount: 3 });
    expect(elapsed('2026-11-20T08:58:30Z', now)).toEqual({ unit: 'minutes', amount: 1 });
    expect(elapsed('2026-11-17T09:00:00Z', now)).toEqual({ unit: 'days', amount: 3 });
    expect(elapsed('2026-11-20T09:00:00Z', now)).toEqual({ unit: 'now', amount: 0 });
  });

  it('draws the sparkline from the left edge to the right edge, high scores near the top', () => {
    const points = sparklinePoints([0, 100], 100, 50, 0).split(' ');
    expect(points).toEqual(['0.0,50.0', '100.0,0.0']);
    expect(sparklinePoints([], 100, 50)).toBe('');
    // A 2-point wobble is drawn inside a 20-point window, not stretched to the full height.
    const ys = sparklinePoints([50, 52], 100, 50, 0)
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(Math.abs(ys[0] - ys[1])).toBeCloseTo(5, 5);
  });

  it('reduces LDS, GraphQL and JavaScript errors to messages', () => {
    expect(reduceErrors({ body: [{ message: 'a' }, { message: 'b' }] })).toEqual(['a', 'b']);
    expect(reduceErrors({ body: { message: 'c' } })).toEqual(['c']);
    expect(reduceErrors([{ message: 'd' }, new Error('e')])).toEqual(['d', 'e']);
    expect(reduceErrors(undefined)).toEqual([]);
  });
});

describe('recordPageOfClick', () => {
  const click = (id) => ({ currentTarget: { dataset: { id } }, preventDefault: jest.fn() });

  it('takes over a record link click and names its record page', () => {
    const event = click('001000000000001AAA');
    expect(recordPageOfClick(event, 'Account')).toEqual({
      type: 'standard__recordPage',
      attributes: { recordId: '001000000000001AAA', objectApiName: 'Account', actionName: 'view' },
    });
    expect(event.preventDefault).toHaveBeenCalled();
    expect(recordPageOfClick(click('003000000000001AAA')).attributes).toEqual({
      recordId: '003000000000001AAA',
      actionName: 'view',
    });
  });

  it('leaves a link without a record alone', () => {
    const event = click(undefined);
    expect(recordPageOfClick(event, 'Account')).toBeNull();
    expect(event.preventDefault).not.toHaveBeenCalled();
  });
});
