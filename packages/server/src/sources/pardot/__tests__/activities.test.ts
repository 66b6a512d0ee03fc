/** The visitor-activity type table (docs/pardot.md) and prospect → person mapping. */
import { pulseType, toMapActivity, toMapPerson, type VisitorActivity } from '../activities';

const activity = (over: Partial<VisitorActivity>): VisitorActivity => ({
  id: 7,
  type: 2,
  typeName: 'View',
  prospectId: 42,
  createdAt: '2026-11-20T05:00:00-05:00',
  ...over,
});

describe('pulseType: Pardot visitor-activity type → Pulse type', () => {
  it.each([
    [1, { listEmailId: 3 }, 'email_click'],
    [1, { emailId: 3 }, 'email_click'],
    [1, { fileId: 9 }, 'content_download'],
    [1, { customRedirectId: 4 }, 'web_visit'],
    [2, {}, 'web_visit'],
    [2, { fileId: 9 }, 'content_download'],
    [4, { formId: 5 }, 'form_fill'],
    [6, { listEmailId: 3 }, 'email_sent'],
    [11, { listEmailId: 3 }, 'email_open'],
    [17, { emailId: 3 }, 'email_click'],
    [17, {}, 'web_visit'],
    [20, {}, 'web_visit'],
    [21, {}, 'web_visit'],
    [23, {}, 'campaign_response'],
    [24, {}, 'event_attended'],
    [25, {}, 'campaign_response'],
    [26, {}, 'web_visit'],
    [27, {}, 'content_download'],
    [28, {}, 'campaign_response'],
    [29, {}, 'event_attended'],
    [30, {}, 'form_fill'],
    [34, {}, 'content_download'],
  ] as const)('type %i %j → %s', (type, extra, expected) => {
    expect(pulseType(activity({ type, ...extra }))).toBe(expected);
  });

  it.each([3, 5, 7, 8, 9, 10, 12, 13, 14, 15, 16, 18, 19, 22, 31, 35, 99])('type %i is not engagement', (type) => {
    expect(pulseType(activity({ type }))).toBeNull();
    expect(toMapActivity(activity({ type }))).toBeNull();
  });
});

describe('toMapActivity', () => {
  it('keeps the email name on sends, opens and clicks so the sync can pair them', () => {
    const a = toMapActivity(
      activity({
        type: 1,
        typeName: 'Click',
        listEmailId: 3,
        details: 'November newsletter',
        campaign: { name: 'Q4' },
      }),
    );
    expect(a).toEqual({
      id: '7',
      personId: '42',
      type: 'email_click',
      occurredAt: new Date('2026-11-20T10:00:00.000Z'),
      url: null,
      vendorType: '1:Click',
      campaignName: 'Q4',
      emailName: 'November newsletter',
      assetName: null,
    });
  });

  it('names the asset of forms, files and pages, with the page view URL', () => {
    const urls = new Map([[88, 'https://x.example/pricing']]);
    expect(
      toMapActivity(activity({ details: 'Pricing', visitorPageViewId: 88 }), (id) => urls.get(id) ?? null),
    ).toMatchObject({ type: 'web_visit', assetName: 'Pricing', emailName: null, url: 'https://x.example/pricing' });
  });

  it('drops anonymous visitor activity (no prospect)', () => {
    expect(toMapActivity(activity({ prospectId: null }))).toBeNull();
  });
});

describe('toMapPerson', () => {
  it('prefers the Contact id, then the Lead id, and keeps the account id', () => {
    const p = { id: 5, email: 'a@x.example', firstName: 'Ann', lastName: 'Lee', salesforceAccountId: '001A' };
    expect(toMapPerson({ ...p, salesforceLeadId: '00QL', salesforceContactId: '003C' })).toMatchObject({
      id: '5',
      name: 'Ann Lee',
      crmId: '003C',
      crmAccountId: '001A',
    });
    expect(toMapPerson({ ...p, salesforceLeadId: '00QL', salesforceContactId: '' }).crmId).toBe('00QL');
    expect(toMapPerson({ id: 6, email: null }).crmId).toBeNull();
    expect(toMapPerson({ id: 6, email: null }).name).toBe('Prospect 6');
  });
});
