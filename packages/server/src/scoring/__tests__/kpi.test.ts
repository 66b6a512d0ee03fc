import { parseModel } from '../../model/schema';
import { basePoints, globToLike, globToRegExp, kpiForEvent } from '../kpi';

const model = parseModel({
  version: 't',
  kpis: [
    { key: 'web_high_intent', label: 'H', weight: 50, activities: { web_visit: 2 }, urls: ['*/pricing*', '*/demo*'] },
    {
      key: 'webinar',
      label: 'W',
      weight: 0,
      enabled: false,
      activities: { campaign_response: 1 },
      campaignTypes: ['Webinar'],
    },
    {
      key: 'web_other',
      label: 'O',
      weight: 20,
      activities: { web_visit: 1, campaign_response: 1 },
      excludeUrls: ['*/careers*'],
    },
    { key: 'ctr', label: 'C', weight: 0, rate: { numerator: 'web_other', denominator: 'web_other', target: 1 } },
    { key: 'intent', label: 'I', weight: 30, activities: { intent: 4, meeting: 5 } },
  ],
});

describe('globs', () => {
  it.each([
    ['*/pricing*', 'https://acme.com/pricing', true],
    ['*/pricing*', 'https://ACME.com/Pricing/enterprise', true],
    ['*/pricing*', 'https://acme.com/blog/pricing-tips', true],
    ['*/pricing*', 'https://acme.com/about-pricing', false],
    ['*/pricing*', 'https://acme.com/docs/pricing', true],
    ['*.acme.com/?', 'https://www.acme.com/a', true],
    ['*.acme.com/?', 'https://www.acme.com/ab', false],
    ['*.acme.com/?', 'https://wwwxacme.com/a', false],
    ['100%_off', '100%_off', true],
    ['100%_off', '100XXoff', false],
    ['a(b)+c', 'a(b)+c', true],
  ])('%s matches %s: %s', (glob, url, expected) => {
    expect(globToRegExp(glob).test(url)).toBe(expected);
  });

  it.each([
    ['*/pricing*', '%/pricing%'],
    ['*.acme.com/?', '%.acme.com/_'],
    ['100%_off\\x', '100\\%\\_off\\\\x'],
  ])('globToLike(%s) = %s', (glob, like) => {
    expect(globToLike(glob)).toBe(like);
  });
});

describe('kpiForEvent', () => {
  it.each([
    [{ type: 'web_visit', url: 'https://a.com/pricing' }, 'web_high_intent'],
    [{ type: 'web_visit', url: 'https://a.com/about' }, 'web_other'],
    [{ type: 'web_visit', url: null }, 'web_other'],
    [{ type: 'web_visit', url: 'https://a.com/careers/1' }, null],
    [{ type: 'campaign_response', attributes: { campaignType: 'webinar' } }, 'webinar'],
    [{ type: 'campaign_response', attributes: { campaignType: 'Trade Show' } }, 'web_other'],
    [{ type: 'campaign_response' }, 'web_other'],
    [{ type: 'meeting' }, 'intent'],
    [{ type: 'email_open' }, null],
    [{ type: 'toString' }, null],
  ])('%j → %s', (event, key) => {
    expect(kpiForEvent(model, event)?.key ?? null).toBe(key);
  });
});

describe('basePoints', () => {
  const intent = model.kpis[4];
  const high = model.kpis[0];
  it.each([
    [high, { type: 'web_visit' }, 2],
    [high, { type: 'web_visit', quantity: 3 }, 6],
    [intent, { type: 'intent', strength: 50 }, 2],
    [intent, { type: 'intent', strength: null }, 4],
    [intent, { type: 'intent', strength: 25, quantity: 2 }, 2],
    [intent, { type: 'meeting', strength: 10 }, 5],
  ])('%#', (kpi, event, points) => {
    if (!kpi || 'rate' in kpi) throw new Error('fixture');
    expect(basePoints(kpi, event)).toBeCloseTo(points, 12);
  });
});

describe('globs on non-ASCII urls', () => {
  it('treats ? as one character, as Postgres _ does', () => {
    expect(globToRegExp('*/caf?').test('https://x.fr/café')).toBe(true);
    expect(globToRegExp('*/?').test('https://x.com/😀')).toBe(true);
  });
});
