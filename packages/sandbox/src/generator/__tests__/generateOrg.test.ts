import { generateOrg } from '../generateOrg';
import { KEY_PREFIX, isValidId18 } from '../ids';
import { ValidationError } from '@pulse/server/src/errors';
import {
  SOBJECTS,
  type AccountBundle,
  type GeneratedOrg,
  type MapCompanyActivity,
  type MapPersonActivity,
  type SObjectName,
  type SfRecord,
} from '../types';
import { DAY_MS, NOW, engagement, materialize, ms } from './support';

const DATETIME_FIELDS = [
  'CreatedDate',
  'LastModifiedDate',
  'SystemModstamp',
  'StartDateTime',
  'EndDateTime',
  'ActivityDateTime',
];
const ACTIVITY_DATE_FIELDS = ['ActivityDate', 'FirstRespondedDate', 'ConvertedDate'];

describe('generateOrg (2,000 accounts)', () => {
  let org: GeneratedOrg;
  let r: Record<SObjectName, SfRecord[]>;
  let byId: Map<string, { object: SObjectName; record: SfRecord }>;
  let bundles: AccountBundle[];
  let people: MapPersonActivity[];
  let companies: MapCompanyActivity[];

  beforeAll(() => {
    org = generateOrg({ accounts: 2000, seed: 7, now: NOW });
    bundles = Array.from(org.bundles());
    // Built from the bundles (one generation pass); the lazy per-object iterables are checked for equality below.
    r = {
      User: Array.from(org.records.User),
      Campaign: Array.from(org.records.Campaign),
      Account: bundles.map((b) => b.account),
      Contact: bundles.flatMap((b) => b.contacts),
      Lead: bundles.flatMap((b) => b.leads),
      CampaignMember: bundles.flatMap((b) => b.campaignMembers),
      Opportunity: bundles.flatMap((b) => b.opportunities),
      Task: bundles.flatMap((b) => b.tasks),
      Event: bundles.flatMap((b) => b.events),
    };
    people = bundles.flatMap((b) => b.mapPeople);
    companies = bundles.flatMap((b) => b.mapCompanies);
    byId = new Map();
    for (const object of SOBJECTS) for (const record of r[object]) byId.set(record.Id, { object, record });
  });

  const typeOf = (id: unknown): SObjectName | undefined => byId.get(String(id))?.object;

  it('mints valid, unique 18-char ids with each object’s key prefix', () => {
    let total = 0;
    const bad: string[] = [];
    for (const object of SOBJECTS) {
      for (const rec of r[object]) {
        total++;
        if (!isValidId18(rec.Id) || rec.Id.slice(0, 3) !== KEY_PREFIX[object] || rec.IsDeleted !== false) {
          bad.push(`${object} ${rec.Id}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(byId.size).toBe(total);
  });

  it('keeps every reference pointing at an existing record of the right type', () => {
    // Collect problems and assert once: per-record expect() calls would make this test slow.
    const bad: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok) bad.push(what);
    };
    for (const a of r.Account) {
      check(typeOf(a.OwnerId) === 'User', `Account ${a.Id} OwnerId`);
      check(a.ParentId === null || typeOf(a.ParentId) === 'Account', `Account ${a.Id} ParentId`);
    }
    for (const c of r.Contact) check(typeOf(c.AccountId) === 'Account', `Contact ${c.Id} AccountId`);
    for (const l of r.Lead) {
      if (l.IsConverted) {
        check(typeOf(l.ConvertedAccountId) === 'Account', `Lead ${l.Id} ConvertedAccountId`);
        const contact = byId.get(String(l.ConvertedContactId));
        check(contact?.object === 'Contact', `Lead ${l.Id} ConvertedContactId`);
        check(contact?.record.AccountId === l.ConvertedAccountId, `Lead ${l.Id} converted contact's account`);
      } else {
        check(l.ConvertedAccountId === null && l.ConvertedContactId === null, `Lead ${l.Id} unconverted with links`);
      }
    }
    for (const activity of [...r.Task, ...r.Event]) {
      const who = typeOf(activity.WhoId);
      check(who === 'Contact' || who === 'Lead', `${activity.Id} WhoId`);
      check(typeOf(activity.OwnerId) === 'User', `${activity.Id} OwnerId`);
      if (who === 'Lead') {
        check(
          activity.WhatId === null && activity.AccountId === null,
          `${activity.Id} lead activity with What/Account`,
        );
      } else {
        const what = typeOf(activity.WhatId);
        check(what === 'Account' || what === 'Opportunity', `${activity.Id} WhatId`);
        check(activity.AccountId === byId.get(String(activity.WhoId))?.record.AccountId, `${activity.Id} AccountId`);
        if (what === 'Opportunity') {
          check(
            byId.get(String(activity.WhatId))?.record.AccountId === activity.AccountId,
            `${activity.Id} opp account`,
          );
        }
      }
    }
    const members = new Set<string>();
    for (const m of r.CampaignMember) {
      check(typeOf(m.CampaignId) === 'Campaign', `${m.Id} CampaignId`);
      check((m.ContactId === null) !== (m.LeadId === null), `${m.Id} exactly one of ContactId/LeadId`);
      check(m.ContactId === null || typeOf(m.ContactId) === 'Contact', `${m.Id} ContactId`);
      check(m.LeadId === null || typeOf(m.LeadId) === 'Lead', `${m.Id} LeadId`);
      const key = `${m.CampaignId}/${m.ContactId ?? m.LeadId}`;
      check(!members.has(key), `${m.Id} duplicate member`);
      members.add(key);
      check((m.FirstRespondedDate === null) === (m.HasResponded === false), `${m.Id} FirstRespondedDate`);
    }
    for (const o of r.Opportunity) check(typeOf(o.AccountId) === 'Account', `${o.Id} AccountId`);
    for (const p of people) {
      const person = byId.get(p.salesforceId);
      check(person?.object === 'Contact' || person?.object === 'Lead', `${p.sourceId} salesforceId`);
      check(person?.record.Email === p.email, `${p.sourceId} email`);
    }
    expect(bad.slice(0, 20)).toEqual([]);
    expect(r.Task.length + r.Event.length + r.CampaignMember.length).toBeGreaterThan(10_000);
  });

  it('puts every timestamp inside the window and none after now', () => {
    const now = NOW.getTime();
    const start = now - 180 * DAY_MS;
    const today = NOW.toISOString().slice(0, 10);
    const bad: string[] = [];
    const shape = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
    for (const object of SOBJECTS) {
      for (const rec of r[object]) {
        for (const f of DATETIME_FIELDS) {
          if (rec[f] === undefined || rec[f] === null) continue;
          const t = ms(rec[f]);
          if (!shape.test(String(rec[f])) || t > now || t < start) bad.push(`${object} ${rec.Id} ${f}=${rec[f]}`);
        }
        for (const f of ACTIVITY_DATE_FIELDS) {
          if (typeof rec[f] === 'string' && String(rec[f]) > today) bad.push(`${object} ${rec.Id} ${f}=${rec[f]}`);
        }
        if (ms(rec.LastModifiedDate) < ms(rec.CreatedDate)) bad.push(`${object} ${rec.Id} modified before created`);
      }
    }
    for (const p of people) if (Date.parse(p.occurredAt) > now) bad.push(p.sourceId);
    for (const c of companies) if (Date.parse(c.occurredAt) > now) bad.push(c.sourceId);
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('models calls, emails and meetings the way Salesforce records them', () => {
    const calls = r.Task.filter((t) => t.TaskSubtype === 'Call');
    const emails = r.Task.filter((t) => t.TaskSubtype === 'Email');
    expect(calls.length).toBeGreaterThan(100);
    expect(emails.length).toBeGreaterThan(100);
    expect(calls.filter((c) => c.Type !== 'Call' || !['Inbound', 'Outbound'].includes(String(c.CallType)))).toEqual([]);
    expect(calls.filter((c) => typeof c.CallDurationInSeconds !== 'number')).toEqual([]);
    expect(calls.some((c) => c.CallDurationInSeconds === 0)).toBe(true);
    expect(calls.some((c) => c.CallType === 'Inbound')).toBe(true);
    expect(emails.filter((e) => !String(e.Subject).startsWith('Email: ') || e.Type !== 'Email')).toEqual([]);
    expect(emails.some((e) => String(e.Subject).startsWith('Email: Re: '))).toBe(true);
    expect(r.Event.filter((e) => (ms(e.EndDateTime) - ms(e.StartDateTime)) / 60_000 !== e.DurationInMinutes)).toEqual(
      [],
    );
    const types = new Set(r.Campaign.map((c) => c.Type));
    for (const t of ['Webinar', 'Email', 'Conference', 'Trade Show', 'Content Syndication', 'Advertisement']) {
      expect(types.has(t)).toBe(true);
    }
  });

  it('fills accounts and people with realistic, unique, consistent content', () => {
    const names = new Set(r.Account.map((a) => a.Name));
    const sites = new Set(r.Account.map((a) => a.Website));
    expect(names.size).toBe(r.Account.length);
    expect(sites.size).toBe(r.Account.length);
    expect(r.Account.filter((a) => a.ParentId !== null).length).toBeGreaterThan(20);
    const accountDomain = new Map(r.Account.map((a) => [a.Id, String(a.Website).replace('https://www.', '')]));
    const work = r.Contact.filter((c) => String(c.Email).endsWith(`@${accountDomain.get(String(c.AccountId))}`));
    expect(work.length).toBe(r.Contact.length);
    const personal = r.Lead.filter((l) => /@(gmail|yahoo|outlook|hotmail|icloud|aol|proton)\./.test(String(l.Email)));
    expect(personal.length).toBeGreaterThan(50);
    const titles = new Set([...r.Contact, ...r.Lead].map((p) => p.Title));
    for (const t of [
      'CMO',
      'VP Marketing',
      'Marketing Ops Manager',
      'Marketing Analyst',
      'CISO',
      'IT Director',
      'Controller',
      'Business Systems Analyst',
      'SDR',
    ]) {
      expect(titles.has(t)).toBe(true);
    }
    expect(['Student', 'Intern', 'asdf', 'n/a', ''].some((t) => titles.has(t))).toBe(true);
    expect(r.Lead.filter((l) => l.IsConverted).length).toBeGreaterThan(100);
  });

  it('has realistic volumes with a long tail of activity per account', () => {
    const stats = org.stats();
    expect(stats.records.Account).toBe(2000);
    expect(stats.records.Task).toBe(r.Task.length);
    expect(Array.from(org.records.Task, (t) => t.Id)).toEqual(r.Task.map((t) => t.Id));
    expect(stats.records.CampaignMember).toBe(r.CampaignMember.length);
    expect(stats.mapPeople).toBe(people.length);
    expect(stats.mapCompanies).toBe(companies.length);
    const perAccount = stats.records.Contact / stats.records.Account;
    expect(perAccount).toBeGreaterThanOrEqual(3);
    expect(perAccount).toBeLessThanOrEqual(8);
    expect(stats.records.Lead / stats.records.Account).toBeGreaterThan(1);
    const counts = bundles.map((b) => engagement(b).length).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    const p90 = counts[Math.floor(counts.length * 0.9)] ?? 0;
    const mean = counts.reduce((s, n) => s + n, 0) / counts.length;
    expect(mean).toBeGreaterThanOrEqual(10);
    expect(median).toBeLessThan(mean);
    expect(p90).toBeGreaterThan(3 * Math.max(1, median));
  });

  it('opens more opportunities 2–6 weeks after engagement than without it', () => {
    // Engagement in [now−100d, now−42d] vs. opportunities created in the 6 weeks after.
    const now = NOW.getTime();
    const rows = bundles.map((b) => ({
      engaged: engagement(b).filter((e) => e.at >= now - 100 * DAY_MS && e.at < now - 42 * DAY_MS).length,
      newOpp: b.opportunities.some((o) => ms(o.CreatedDate) >= now - 42 * DAY_MS),
    }));
    const rate = (xs: typeof rows): number => xs.filter((x) => x.newOpp).length / Math.max(1, xs.length);
    const busy = rows.filter((x) => x.engaged >= 10);
    const quiet = rows.filter((x) => x.engaged === 0);
    expect(busy.length).toBeGreaterThan(50);
    expect(rate(busy)).toBeGreaterThan(3 * rate(quiet));
    expect(r.Opportunity.some((o) => o.IsClosed === true && o.IsWon === true)).toBe(true);
    expect(r.Opportunity.some((o) => o.IsClosed === false)).toBe(true);
  });

  it('feeds MAP activity per person and per company domain', () => {
    const kinds = new Set(people.map((p) => p.type));
    for (const k of ['email_send', 'email_open', 'email_click', 'form_fill', 'web_visit', 'content_download'])
      expect(kinds.has(k as never)).toBe(true);
    expect(people.some((p) => /\/pricing|\/demo/.test(p.url ?? ''))).toBe(true);
    expect(people.some((p) => /\/blog\//.test(p.url ?? ''))).toBe(true);
    const ckinds = new Set(companies.map((c) => c.type));
    for (const k of ['ad_impression', 'ad_click', 'ad_lead', 'intent']) expect(ckinds.has(k as never)).toBe(true);
    const intent = companies.filter((x) => x.type === 'intent');
    expect(intent.filter((c) => !c.topic || c.strength === null || c.strength < 0 || c.strength > 100)).toEqual([]);
    const ids = new Set([...people.map((p) => p.sourceId), ...companies.map((c) => c.sourceId)]);
    expect(ids.size).toBe(people.length + companies.length);
  });
});

describe('generateOrg determinism and options', () => {
  const snapshot = (org: GeneratedOrg): string =>
    JSON.stringify({
      records: materialize(org),
      people: Array.from(org.mapActivity.people),
      companies: Array.from(org.mapActivity.companies),
      stories: org.stories,
    });

  it('gives identical output for the same seed and now, including on a second lazy pass', () => {
    const a = generateOrg({ accounts: 50, seed: 42, now: NOW });
    const b = generateOrg({ accounts: 50, seed: 42, now: NOW });
    const first = snapshot(a);
    expect(snapshot(b)).toBe(first);
    expect(snapshot(a)).toBe(first);
  });

  it('gives different orgs for different seeds', () => {
    const a = materialize(generateOrg({ accounts: 50, seed: 1, now: NOW }));
    const b = materialize(generateOrg({ accounts: 50, seed: 2, now: NOW }));
    expect(a.Account.map((x) => x.Name)).not.toEqual(b.Account.map((x) => x.Name));
    expect(a.Contact.map((x) => x.Email)).not.toEqual(b.Contact.map((x) => x.Email));
  });

  it('shifts with now: every timestamp stays at or before it', () => {
    const now = new Date('2025-03-01T00:00:00.000Z');
    const r = materialize(generateOrg({ accounts: 50, seed: 3, now, days: 120 }));
    const all = [...r.Task, ...r.Event, ...r.CampaignMember, ...r.Opportunity].map((x) => ms(x.SystemModstamp));
    expect(Math.max(...all)).toBeLessThanOrEqual(now.getTime());
    expect(Math.min(...all)).toBeGreaterThanOrEqual(now.getTime() - 120 * DAY_MS);
  });

  it('rejects options out of range with every problem listed', () => {
    try {
      generateOrg({ accounts: 10, seed: 1.5, now: new Date('nope'), days: 10 });
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const paths = (e as ValidationError).issues.map((i) => i.path).sort();
      expect(paths).toEqual(['accounts', 'days', 'now', 'seed']);
    }
  });
});
