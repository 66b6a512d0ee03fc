import { ACTIVITY_TYPES } from '../../../model/schema';
import { ValidationError } from '../../../errors';
import { MARKETO_TYPES, resolveTypeIds, toMapActivity, type MarketoActivityRecord } from '../activityTypes';
import { marketo, startFrom, toMapPerson } from '../connector';

const STOCK = resolveTypeIds([]);
const act = (activityTypeId: number, extra: Partial<MarketoActivityRecord> = {}): MarketoActivityRecord => ({
  id: 42,
  marketoGUID: '42',
  leadId: 7,
  activityDate: '2026-11-20T08:30:00Z',
  activityTypeId,
  ...extra,
});

describe('the mapping table (docs/marketo.md)', () => {
  test.each([
    [
      1,
      'web_visit',
      { primaryAttributeValue: 'www.acme.com/pricing', attributes: [{ name: 'Query Parameters', value: 'a=1' }] },
      { url: 'https://www.acme.com/pricing?a=1' },
    ],
    [
      2,
      'form_fill',
      {
        primaryAttributeValue: 'Demo Request',
        attributes: [{ name: 'Referrer URL', value: 'https://www.acme.com/demo' }],
      },
      { url: 'https://www.acme.com/demo', assetName: 'Demo Request' },
    ],
    [
      3,
      'content_download',
      { primaryAttributeValue: 'https://www.acme.com/rs/123/Security%20Whitepaper.pdf' },
      { assetName: 'Security Whitepaper' },
    ],
    [
      3,
      'web_visit',
      { primaryAttributeValue: 'https://www.acme.com/blog/post' },
      { url: 'https://www.acme.com/blog/post', assetName: null },
    ],
    [
      6,
      'email_sent',
      { primaryAttributeValue: 'Q4 Webinar.Invite' },
      { emailName: 'Q4 Webinar.Invite', campaignName: 'Q4 Webinar', url: null },
    ],
    [10, 'email_open', { primaryAttributeValue: 'Newsletter' }, { emailName: 'Newsletter', campaignName: null }],
    [
      11,
      'email_click',
      {
        primaryAttributeValue: 'Q4 Webinar.Invite',
        attributes: [{ name: 'Link', value: 'https://www.acme.com/demo' }],
      },
      { url: 'https://www.acme.com/demo', emailName: 'Q4 Webinar.Invite' },
    ],
  ] as const)('type %i → %s', (typeId, type, extra, fields) => {
    const a = toMapActivity(act(typeId, extra as Partial<MarketoActivityRecord>), STOCK);
    expect(a).toMatchObject({ id: '42', personId: '7', type, occurredAt: new Date('2026-11-20T08:30:00Z'), ...fields });
  });

  test('every pulled type maps into Pulse vocabulary, and there are at most 10 (one paging chain)', () => {
    expect(MARKETO_TYPES.length).toBeLessThanOrEqual(10);
    for (const m of MARKETO_TYPES) {
      const t = typeof m.pulse === 'function' ? m.pulse(act(m.stockId)) : m.pulse;
      expect(ACTIVITY_TYPES).toContain(t);
    }
  });

  test('types not pulled map to nothing; ids come from types.json by name', () => {
    expect(toMapActivity(act(7), STOCK)).toBeNull();
    const custom = resolveTypeIds([
      { id: 101, name: 'Visit Webpage' },
      { id: 1, name: 'Something Else' },
    ]);
    expect(custom.get(101)?.name).toBe('Visit Webpage');
    expect(custom.has(1)).toBe(false);
    expect(custom.get(2)?.name).toBe('Fill Out Form'); // not listed: the stock id
  });

  test('marketoGUID is the id; the integer id only when it is missing', () => {
    expect(toMapActivity(act(1, { marketoGUID: undefined, id: 9 }), STOCK)?.id).toBe('9');
  });
});

describe('people', () => {
  const lead = { id: 5, email: 'a@b.com', firstName: 'Ann', lastName: 'Lee', title: 'CFO', company: 'B' };
  test('a contact takes its Contact id, a lead its Lead id; the account when Marketo has it', () => {
    expect(
      toMapPerson({ ...lead, sfdcType: 'Contact', sfdcContactId: '003X', sfdcLeadId: '00QX', sfdcAccountId: '001X' }),
    ).toEqual({
      id: '5',
      email: 'a@b.com',
      name: 'Ann Lee',
      title: 'CFO',
      department: null,
      company: 'B',
      crmId: '003X',
      crmAccountId: '001X',
    });
    expect(toMapPerson({ ...lead, sfdcType: 'Lead', sfdcLeadId: '00QX' })).toMatchObject({
      crmId: '00QX',
      crmAccountId: null,
    });
    expect(toMapPerson({ id: 6, email: null })).toMatchObject({ name: 'Marketo lead 6', crmId: null });
  });
});

describe('configuration', () => {
  test('validate names each missing key and how to set it', () => {
    try {
      marketo.validate({ settings: { baseUrl: 'not a url' }, secrets: {} });
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/settings\.baseUrl: not a URL/);
      expect(msg).toMatch(/settings\.clientId: required: .*MARKETO_CLIENT_ID/);
      expect(msg).toMatch(/secrets\.clientSecret: required/);
    }
  });

  test('the REST endpoint or identity URL as pasted from Web Services is cut to the host', () => {
    const cfg = marketo.validate({
      settings: { baseUrl: 'https://123-ABC-456.mktorest.com/rest/', clientId: 'id' },
      secrets: { clientSecret: 's' },
    });
    expect(cfg.settings.baseUrl).toBe('https://123-ABC-456.mktorest.com');
  });

  test('fromEnv reads MARKETO_*; none set → null', () => {
    expect(marketo.fromEnv({})).toBeNull();
    expect(
      marketo.fromEnv({
        MARKETO_BASE_URL: 'https://123-ABC-456.mktorest.com/identity',
        MARKETO_CLIENT_ID: 'id',
        MARKETO_CLIENT_SECRET: 's',
      }),
    ).toEqual({
      settings: { baseUrl: 'https://123-ABC-456.mktorest.com', clientId: 'id' },
      secrets: { clientSecret: 's' },
    });
    expect(() => marketo.fromEnv({ MARKETO_CLIENT_ID: 'id' })).toThrow(/MARKETO_BASE_URL/);
  });
});

test('a pull without a cursor starts an hour before the watermark, never before firstPullDays', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  expect(startFrom({ since: { watermark: null, cursor: null }, now, firstPullDays: 90 }).toISOString()).toBe(
    '2026-08-26T10:00:00.000Z',
  );
  expect(
    startFrom({
      since: { watermark: new Date('2026-11-20T00:00:00Z'), cursor: null },
      now,
      firstPullDays: 90,
    }).toISOString(),
  ).toBe('2026-11-19T23:00:00.000Z');
  expect(
    startFrom({
      since: { watermark: new Date('2026-01-01T00:00:00Z'), cursor: null },
      now,
      firstPullDays: 90,
    }).toISOString(),
  ).toBe('2026-08-26T10:00:00.000Z');
});
