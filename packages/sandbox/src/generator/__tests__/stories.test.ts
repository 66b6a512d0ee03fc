import { generateOrg } from '../generateOrg';
import type { AccountBundle, GeneratedOrg } from '../types';
import { DAY_MS, NOW, allActivityTimes, bundleNamed, departmentOf, engagement, ms, seniorityOf } from './support';

const now = NOW.getTime();
const daysAgo = (t: number): number => (now - t) / DAY_MS;

// Stories must hold at the smallest and at a mid-size org (their accounts sit at fixed fractions of the index range).
describe.each([50, 600])('planted stories in a %i-account org', (accounts) => {
  let org: GeneratedOrg;
  const bundles = new Map<string, AccountBundle>();

  beforeAll(() => {
    org = generateOrg({ accounts, seed: 11, now: NOW });
    for (const story of Object.values(org.stories)) bundles.set(story.accountName, bundleNamed(org, story.accountName));
  });
  const bundle = (name: string): AccountBundle => {
    const b = bundles.get(name);
    if (!b) throw new Error(name);
    return b;
  };
  const titleOf = (b: AccountBundle, personId: string): unknown =>
    [...b.contacts, ...b.leads].find((p) => p.Id === personId)?.Title;

  it('surging: executives drive a jump in the last 3 weeks after a quiet stretch', () => {
    const s = org.stories.surging;
    expect(s.accountName).toMatch(/^Northwind Surge/);
    const b = bundle(s.accountName);
    expect(b.account.Id).toBe(s.accountId);
    const touches = engagement(b);
    const recent = touches.filter((t) => daysAgo(t.at) <= 21);
    const before = touches.filter((t) => daysAgo(t.at) > 21);
    const execRecent = recent.filter((t) => ['cxo', 'vp'].includes(seniorityOf(titleOf(b, t.personId))));
    expect(execRecent.length).toBeGreaterThanOrEqual(12);
    expect(new Set(execRecent.map((t) => t.personId)).size).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThanOrEqual(5);
    expect(recent.length).toBeGreaterThanOrEqual(5 * Math.max(1, before.length));
    expect(new Set(s.executiveIds)).toEqual(new Set(execRecent.map((t) => t.personId)));
    const intentRecent = b.mapCompanies.filter((c) => c.type === 'intent' && daysAgo(Date.parse(c.occurredAt)) <= 21);
    expect(intentRecent.length).toBeGreaterThan(0);
  });

  it('cooling: heavy 60–90 days ago, nothing at all in the last 45 days', () => {
    const s = org.stories.cooling;
    const b = bundle(s.accountName);
    const times = allActivityTimes(b);
    expect(times.filter((t) => daysAgo(t) < 45)).toEqual([]);
    const heavy = engagement(b).filter((t) => daysAgo(t.at) >= 60 && daysAgo(t.at) <= 91);
    expect(heavy.length).toBeGreaterThanOrEqual(30);
    expect(new Set(heavy.map((t) => t.personId)).size).toBeGreaterThanOrEqual(3);
  });

  it('lone wolf: an open deal where only marketing ops and an analyst ever engaged', () => {
    const s = org.stories.loneWolf;
    const b = bundle(s.accountName);
    const opp = b.opportunities.find((o) => o.Id === s.opportunityId);
    expect(opp?.IsClosed).toBe(false);
    expect(String(opp?.CloseDate) > NOW.toISOString().slice(0, 10)).toBe(true);
    const touches = engagement(b);
    expect(touches.length).toBeGreaterThanOrEqual(20);
    const engagedTitles = new Set(touches.map((t) => titleOf(b, t.personId)));
    expect(engagedTitles).toEqual(new Set(['Marketing Ops Manager', 'Marketing Analyst']));
    // Not only no engagement: no activity of any kind is tied to the silent people.
    const silent = new Set(s.silentPersonIds);
    const tied = [
      ...b.tasks.map((t) => t.WhoId),
      ...b.events.map((e) => e.WhoId),
      ...b.campaignMembers.map((m) => m.ContactId),
      ...b.mapPeople.map((p) => p.salesforceId),
    ];
    expect(tied.filter((id) => silent.has(String(id)))).toEqual([]);
    const silentTitles = b.contacts.filter((c) => silent.has(c.Id)).map((c) => c.Title);
    expect(silentTitles.some((t) => seniorityOf(t) === 'cxo' && departmentOf(t) === 'marketing')).toBe(true);
    expect(silentTitles.some((t) => departmentOf(t) === 'it')).toBe(true);
    for (const t of engagedTitles) {
      expect(['cxo', 'vp']).not.toContain(seniorityOf(t));
      expect(['it', 'security']).not.toContain(departmentOf(t));
    }
  });

  it('orphan leads: unconverted, on the account’s email domain, linked to nothing, and engaged', () => {
    const s = org.stories.orphanLeads;
    const b = bundle(s.accountName);
    expect(s.leadIds.length).toBeGreaterThanOrEqual(3);
    const leads = b.leads.filter((l) => s.leadIds.includes(l.Id));
    expect(leads).toHaveLength(s.leadIds.length);
    for (const l of leads) {
      expect(l.IsConverted).toBe(false);
      expect(l.ConvertedAccountId).toBeNull();
      expect(String(l.Email).endsWith(`@${s.domain}`)).toBe(true);
    }
    expect(String(b.account.Website)).toContain(s.domain);
    // Leads have no AccountId in Salesforce; their tasks must not carry one either.
    expect(b.tasks.filter((t) => s.leadIds.includes(String(t.WhoId)) && t.AccountId !== null)).toEqual([]);
    const leadTouches = engagement(b).filter((t) => s.leadIds.includes(t.personId) && daysAgo(t.at) <= 30);
    expect(leadTouches.length).toBeGreaterThanOrEqual(10);
  });

  it('bot: every send to the scanned address is opened and all its links clicked within seconds', () => {
    const s = org.stories.bot;
    const b = bundle(s.accountName);
    const mine = b.mapPeople.filter((p) => p.salesforceId === s.personId);
    expect(mine.every((p) => p.email === s.email)).toBe(true);
    const sends = mine.filter((p) => p.type === 'email_send');
    expect(sends.length).toBeGreaterThanOrEqual(15);
    for (const send of sends) {
      const at = Date.parse(send.occurredAt);
      const after = mine.filter(
        (p) =>
          p.emailName === send.emailName &&
          Date.parse(p.occurredAt) - at >= 0 &&
          Date.parse(p.occurredAt) - at <= 60_000,
      );
      expect(after.filter((p) => p.type === 'email_open')).toHaveLength(1);
      expect(after.filter((p) => p.type === 'email_click').length).toBeGreaterThanOrEqual(2);
    }
    // Humans elsewhere take a minute or more between delivery and open: the bot stands out by timing alone.
    const lastSend = new Map<string, number>();
    const lags: number[] = [];
    for (const p of Array.from(org.mapActivity.people).sort((x, y) => x.occurredAt.localeCompare(y.occurredAt))) {
      if (p.salesforceId === s.personId) continue;
      const key = `${p.salesforceId}/${p.emailName}`;
      if (p.type === 'email_send') lastSend.set(key, Date.parse(p.occurredAt));
      const sent = lastSend.get(key);
      if (p.type === 'email_open' && sent !== undefined) lags.push(Date.parse(p.occurredAt) - sent);
    }
    expect(lags.length).toBeGreaterThan(20);
    expect(lags.filter((lag) => lag < 60_000)).toEqual([]);
  });

  it('stories are findable by name and sit on distinct accounts', () => {
    const ids = Object.values(org.stories).map((x) => x.accountId);
    expect(new Set(ids).size).toBe(5);
    const names = Array.from(org.records.Account, (a) => a.Name);
    for (const story of Object.values(org.stories))
      expect(names.filter((n) => n === story.accountName)).toHaveLength(1);
    expect(ms(bundle(org.stories.surging.accountName).account.CreatedDate)).toBeLessThanOrEqual(now);
  });
});
