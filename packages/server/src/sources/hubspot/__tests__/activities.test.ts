/** HubSpot → Pulse mapping: the type table (and its copy in docs/hubspot.md), people and activities. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVITY_TYPES } from '../../../model/schema';
import {
  DEFAULT_DOWNLOAD_FORM_PATTERN,
  emailActivity,
  HUBSPOT_TYPE_MAP,
  submissionActivity,
  toPerson,
  webActivity,
} from '../activities';

describe('type table', () => {
  it('maps every vendor type to a Pulse activity type', () => {
    for (const row of HUBSPOT_TYPE_MAP) expect(ACTIVITY_TYPES).toContain(row.pulseType);
  });

  it('docs/hubspot.md lists exactly the table the code uses', () => {
    const doc = readFileSync(join(__dirname, '../../../../../../docs/hubspot.md'), 'utf8');
    const section = doc.slice(doc.search(/\| HubSpot type +\| Pulse type +\|/));
    const rows = section
      .split('\n')
      .slice(2)
      .filter((l) => l.startsWith('|'))
      .map((l) => l.split('|').map((c) => c.trim().replace(/`/g, '')))
      .map((c) => `${c[1]}→${c[2]}`);
    expect(rows).toEqual(HUBSPOT_TYPE_MAP.map((r) => `${r.vendorType}→${r.pulseType}`));
  });
});

describe('people', () => {
  const contact = (props: Record<string, string | null>) => ({ id: '101', properties: props });
  const company = { id: '5001', properties: { name: 'Northwind', salesforceaccountid: '001000000000001AAA' } };

  it('takes the Salesforce contact id over the old lead id, and the account from the primary company', () => {
    const p = toPerson(
      contact({
        email: 'Ann@Northwind.example',
        firstname: 'Ann',
        lastname: 'Lee',
        jobtitle: 'CMO',
        company: '',
        salesforcecontactid: '003000000000001AAA',
        salesforceleadid: '00Q000000000001AAA',
      }),
      company,
    );
    expect(p).toEqual({
      id: '101',
      email: 'ann@northwind.example',
      name: 'Ann Lee',
      title: 'CMO',
      company: 'Northwind',
      crmId: '003000000000001AAA',
      crmAccountId: '001000000000001AAA',
    });
  });

  it('a lead without a company keeps its lead id and no account; a nameless contact is named by email', () => {
    const p = toPerson(contact({ email: 'x@y.example', salesforceleadid: '00Q000000000009AAA' }), null);
    expect(p).toMatchObject({ name: 'x@y.example', crmId: '00Q000000000009AAA', crmAccountId: null, company: null });
  });
});

describe('activities', () => {
  const base = { id: 'e1', created: Date.UTC(2026, 10, 20, 9), recipient: 'a@b.example', emailCampaignId: 7 };

  it.each([
    ['SENT', 'email_sent'],
    ['OPEN', 'email_open'],
    ['CLICK', 'email_click'],
  ])('email event %s → %s, keyed by (created, id), carrying the email name', (type, pulse) => {
    const a = emailActivity({ ...base, type, url: 'https://s.example/p' }, '101', 'Newsletter');
    expect(a).toMatchObject({
      id: `email:${base.created}:e1`,
      type: pulse,
      personId: '101',
      emailName: 'Newsletter',
      vendorType: type,
    });
    expect(a!.url).toBe(type === 'CLICK' ? 'https://s.example/p' : null);
  });

  it.each(['DELIVERED', 'PROCESSED', 'BOUNCE', 'DROPPED', 'SPAMREPORT'])('email event %s is not pulled', (type) => {
    expect(emailActivity({ ...base, type }, '101', null)).toBeNull();
  });

  it('a submission is a form fill, or a content download when the form is gated content', () => {
    const s = {
      conversionId: 'c1',
      submittedAt: base.created,
      values: [{ name: 'email', value: 'a@b.example' }],
      pageUrl: '',
    };
    const download = new RegExp(DEFAULT_DOWNLOAD_FORM_PATTERN, 'i');
    expect(submissionActivity(s, '101', 'Demo Request', download)).toMatchObject({
      id: 'form:c1',
      type: 'form_fill',
      url: null,
      assetName: 'Demo Request',
    });
    for (const name of [
      'Download: ROI Calculator',
      'Security Whitepaper',
      'ABM Benchmark Report 2026',
      'Engagement Scoring Workbook',
    ])
      expect(submissionActivity(s, '101', name, download).type).toBe('content_download');
    for (const name of ['Contact Us', 'Newsletter Signup', 'Webinar Registration', 'Pricing Inquiry'])
      expect(submissionActivity(s, '101', name, download).type).toBe('form_fill');
  });

  it('a page view is a web visit at hs_url', () => {
    const a = webActivity({
      id: 'w1',
      objectId: '101',
      eventType: 'e_visited_page',
      occurredAt: '2026-11-20T09:00:00Z',
      properties: { hs_url: 'https://s.example/pricing' },
    });
    expect(a).toEqual({
      id: 'web:w1',
      personId: '101',
      type: 'web_visit',
      occurredAt: new Date('2026-11-20T09:00:00Z'),
      url: 'https://s.example/pricing',
      vendorType: 'e_visited_page',
    });
  });
});
