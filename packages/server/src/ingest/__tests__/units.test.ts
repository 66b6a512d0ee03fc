import { presentedKey } from '../../http/auth';
import { rowToItem } from '../importCsv';
import { parseTimestamp } from '../schemas';
import { checkEventItem } from '../events';

const NOW = new Date('2026-11-24T12:00:00Z');

test.each([
  ['2026-11-20', '2026-11-20T00:00:00.000Z'],
  ['2026-11-20T14:03:00Z', '2026-11-20T14:03:00.000Z'],
  ['2026-11-20T14:03:00.123+02:00', '2026-11-20T12:03:00.123Z'],
  ['2026-11-20T14:03+0530', '2026-11-20T08:33:00.000Z'],
])('parseTimestamp(%s) is %s', (input, iso) => {
  expect(parseTimestamp(input)?.toISOString()).toBe(iso);
});

test.each([
  '2026-02-30',
  '2026-02-30T10:00:00Z',
  '2026-04-31T10:00:00+02:00',
  '2026-11-20T14:03:00',
  '20/11/2026',
  '2026-11-20 14:03:00Z',
  '',
  'yesterday',
])('parseTimestamp refuses %p (no zone, not a real day, not ISO)', (input) => {
  expect(parseTimestamp(input)).toBeNull();
});

test('an intent surges at 60, not below', () => {
  const at = (strength: number) =>
    checkEventItem(
      { id: 'i', type: 'intent', occurredAt: '2026-11-20', domain: 'a.com', topic: 't', strength },
      0,
      NOW,
    );
  const surge = (strength: number) => {
    const c = at(strength);
    return c.ok ? c.draft.attributes.surge : 'rejected';
  };
  expect([surge(59.9), surge(60), surge(100), surge(-1)]).toEqual([false, true, true, 'rejected']);
});

test('an event a day ahead of the clock passes (clock skew); more does not', () => {
  const visit = (occurredAt: string) =>
    checkEventItem({ id: 'v', type: 'web_visit', occurredAt, url: 'https://x.example/', domain: 'a.com' }, 0, NOW).ok;
  expect(visit('2026-11-25T11:59:00Z')).toBe(true);
  expect(visit('2026-11-25T12:01:00Z')).toBe(false);
});

test('the key is read from Bearer or from Basic (Segment write-key style), nothing else', () => {
  expect(presentedKey('Bearer pk_abc')).toBe('pk_abc');
  expect(presentedKey('bearer   pk_abc')).toBe('pk_abc');
  expect(presentedKey(`Basic ${Buffer.from('pk_abc:').toString('base64')}`)).toBe('pk_abc');
  expect(presentedKey('Token pk_abc')).toBeNull();
  expect(presentedKey('Bearer')).toBeNull();
  expect(presentedKey(undefined)).toBeNull();
});

test('a CSV row becomes an API item: empty cells dropped, numbers parsed, unknown columns as attributes', () => {
  expect(
    rowToItem('ads', {
      id: 'a',
      type: 'ad_click',
      occurredAt: '2026-11-22',
      domain: 'a.com',
      quantity: ' 12 ',
      campaign: '',
      utm: 'x',
    }),
  ).toEqual({
    id: 'a',
    type: 'ad_click',
    occurredAt: '2026-11-22',
    domain: 'a.com',
    quantity: 12,
    attributes: { utm: 'x' },
  });
  expect(rowToItem('intent', { id: 'i', strength: 'high' })).toEqual({ type: 'intent', id: 'i', strength: 'high' });
});
