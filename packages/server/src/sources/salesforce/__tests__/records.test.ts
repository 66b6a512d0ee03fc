import {
  DEFAULT_ACTIVITY_RULES,
  toAccount,
  campaignMemberActivity,
  toContact,
  meetingActivity,
  toLead,
  taskActivity,
  parseSfDate,
} from '../records';
import { buildStreamQuery, STREAMS, streamsWith } from '../objects';

const task = (f: Record<string, unknown>) => ({
  Id: '00T000000000001AAA',
  WhoId: '003000000000001AAA',
  WhatId: '006000000000001AAA',
  AccountId: '001000000000001AAA',
  ActivityDate: '2026-11-20',
  SystemModstamp: '2026-11-20T10:00:00.000+0000',
  ...f,
});

describe('activity types', () => {
  it('maps answered calls to call and zero-duration calls to call with a reason', () => {
    const answered = taskActivity(task({ TaskSubtype: 'Call', CallDurationInSeconds: 300 }));
    expect(answered).toMatchObject({ type: 'call', excludedReason: null, personId: '003000000000001AAA' });
    expect(answered?.accountId).toBe('001000000000001AAA');
    expect(answered?.occurredAt.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(taskActivity(task({ Type: 'Call', CallDurationInSeconds: 0 }))?.excludedReason).toBe('call_zero_duration');
    expect(
      taskActivity(task({ Type: 'Call', CallDurationInSeconds: null, CallDisposition: 'No Answer' }))?.excludedReason,
    ).toBe('call_unanswered');
  });

  it('tells outbound emails from replies and inbound mail', () => {
    expect(taskActivity(task({ TaskSubtype: 'Email', Subject: 'Email: Pricing' }))?.type).toBe('email_sent');
    expect(taskActivity(task({ TaskSubtype: 'Email', Subject: 'Email: Re: Pricing' }))?.type).toBe('email_reply');
    expect(taskActivity(task({ Type: 'Email', Subject: 'Hello', Description: 'Inbound reply' }))?.type).toBe(
      'email_reply',
    );
    const custom = { ...DEFAULT_ACTIVITY_RULES, replySubject: /^answer:/i };
    expect(taskActivity(task({ Type: 'Email', Subject: 'Answer: yes' }), custom)?.type).toBe('email_reply');
  });

  it('ignores to-do tasks and maps events to meetings at their start', () => {
    expect(taskActivity(task({ Type: 'Other', Subject: 'Send contract' }))).toBeNull();
    const m = meetingActivity({
      Id: '00U000000000001AAA',
      WhoId: '00Q000000000001AAA',
      StartDateTime: '2026-11-21T15:30:00.000+0000',
      AccountId: null,
    });
    expect(m).toMatchObject({ type: 'meeting', personId: '00Q000000000001AAA', accountId: null });
    expect(m?.occurredAt.toISOString()).toBe('2026-11-21T15:30:00.000Z');
  });

  it('maps responded members by campaign type and skips members who did not respond', () => {
    const campaigns = new Map([
      ['701A', { name: 'Webinar: Q4', type: 'Webinar' }],
      ['701B', { name: 'Nurture', type: 'Email' }],
    ]);
    const cm = (campaignId: string, responded: boolean) => ({
      Id: '00v000000000001AAA',
      CampaignId: campaignId,
      ContactId: null,
      LeadId: '00Q000000000001AAA',
      HasResponded: responded,
      FirstRespondedDate: responded ? '2026-11-02' : null,
    });
    expect(campaignMemberActivity(cm('701A', true), campaigns)).toMatchObject({
      type: 'event_attended',
      personId: '00Q000000000001AAA',
      attributes: { campaignType: 'Webinar' },
    });
    expect(campaignMemberActivity(cm('701B', true), campaigns)?.type).toBe('campaign_response');
    expect(campaignMemberActivity(cm('701B', false), campaigns)).toBeNull();
  });
});

describe('records', () => {
  it('normalizes account domains and fills owner names', () => {
    const a = toAccount(
      { Id: '001A', Name: 'Acme', Website: 'https://www.Acme.com/about', OwnerId: '005A', NumberOfEmployees: 40 },
      new Map([['005A', 'Ria Rep']]),
    );
    expect(a).toMatchObject({ domain: 'acme.com', ownerName: 'Ria Rep', employees: 40 });
  });

  it('normalizes people titles and sends converted leads to their contact', () => {
    expect(toContact({ Id: '003A', AccountId: '001A', Title: 'VP Marketing', Email: 'A@Acme.com' })).toMatchObject({
      seniority: 'vp',
      department: 'marketing',
      email: 'a@acme.com',
    });
    const lead = toLead({
      Id: '00QA',
      IsConverted: true,
      ConvertedAccountId: '001A',
      ConvertedContactId: '003A',
      Company: 'Acme',
    });
    expect(lead).toMatchObject({ accountId: '001A', convertedContactId: '003A', matchMethod: 'lead_conversion' });
    expect(toLead({ Id: '00QB', IsConverted: false, ConvertedAccountId: null }).accountId).toBeNull();
  });

  it('parses Salesforce datetimes and dates as UTC', () => {
    expect(parseSfDate('2026-11-24T10:00:00.000+0000')?.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(parseSfDate('2026-11-24')?.toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(parseSfDate(null)).toBeNull();
  });
});

describe('stream queries', () => {
  it('reads from the checkpoint in SystemModstamp order and refuses non-identifiers', () => {
    const task = STREAMS.find((s) => s.object === 'Task')!;
    expect(buildStreamQuery(task, new Date('2026-11-24T10:00:00.500Z'))).toMatch(
      /FROM Task WHERE SystemModstamp >= 2026-11-24T10:00:00Z ORDER BY SystemModstamp, Id$/,
    );
    expect(buildStreamQuery(task, null)).not.toContain('WHERE');
    const bad = streamsWith({ Account: ["Name' OR Id != null"] }).find((s) => s.object === 'Account')!;
    expect(() => buildStreamQuery(bad, null)).toThrow(/not a Salesforce API name/);
    const extra = streamsWith({ Account: ['Tier__c', 'Name'] }).find((s) => s.object === 'Account')!;
    expect(extra.fields.filter((f) => f === 'Name')).toHaveLength(1);
    expect(extra.fields).toContain('Tier__c');
  });
});
