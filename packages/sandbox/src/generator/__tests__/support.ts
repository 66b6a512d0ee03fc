/** Helpers shared by the generator's tests: materialize an org, index it, read engagement per person. */
import { TITLES } from '../vocabulary';
import type { AccountBundle, GeneratedOrg, SObjectName, SfRecord } from '../types';

export const NOW = new Date('2026-11-24T10:00:00.000Z');
export const DAY_MS = 86_400_000;

/** Every record of every object, in arrays. */
export function materialize(org: GeneratedOrg): Record<SObjectName, SfRecord[]> {
  const out = {} as Record<SObjectName, SfRecord[]>;
  for (const [object, records] of Object.entries(org.records) as [SObjectName, Iterable<SfRecord>][]) {
    out[object] = Array.from(records);
  }
  return out;
}

/** Salesforce datetime → epoch ms. */
export function ms(sfDateTime: unknown): number {
  return Date.parse(String(sfDateTime).replace(/\+0000$/, 'Z'));
}

/** The bundle of the account named `name`. */
export function bundleNamed(org: GeneratedOrg, name: string): AccountBundle {
  for (const b of org.bundles()) if (b.account.Name === name) return b;
  throw new Error(`no account named ${name}`);
}

/** Seniority of a title per the generator's own table (the bot's title is not in it). */
export function seniorityOf(title: unknown): string {
  return TITLES.find((t) => t.title === title)?.seniority ?? 'unknown';
}

/** Department of a title per the generator's own table. */
export function departmentOf(title: unknown): string {
  return TITLES.find((t) => t.title === title)?.department ?? 'unknown';
}

/** One thing a person did, as the tests count it. */
export interface Touch {
  personId: string;
  at: number;
  what: string;
}

/**
 * Engagement by people at the account: answered calls, replies, meetings, campaign responses and
 * MAP activity other than sends. Rep-side sends and unanswered calls are left out.
 */
export function engagement(b: AccountBundle): Touch[] {
  const out: Touch[] = [];
  for (const t of b.tasks) {
    const reply = String(t.Subject).startsWith('Email: Re:');
    const answeredCall = t.TaskSubtype === 'Call' && Number(t.CallDurationInSeconds) > 0;
    if (reply || answeredCall)
      out.push({ personId: String(t.WhoId), at: ms(t.CreatedDate), what: `task:${t.Subject}` });
  }
  for (const e of b.events) out.push({ personId: String(e.WhoId), at: ms(e.StartDateTime), what: 'meeting' });
  for (const m of b.campaignMembers) {
    if (m.HasResponded)
      out.push({ personId: String(m.ContactId ?? m.LeadId), at: ms(m.LastModifiedDate), what: 'campaign' });
  }
  for (const p of b.mapPeople) {
    if (p.type !== 'email_send') out.push({ personId: p.salesforceId, at: Date.parse(p.occurredAt), what: p.type });
  }
  return out;
}

/** Every timestamp attached to the account, whoever caused it (rep, person, ads, intent). */
export function allActivityTimes(b: AccountBundle): number[] {
  return [
    ...b.tasks.map((t) => ms(t.CreatedDate)),
    ...b.events.map((e) => ms(e.StartDateTime)),
    ...b.campaignMembers.map((m) => ms(m.LastModifiedDate)),
    ...b.mapPeople.map((p) => Date.parse(p.occurredAt)),
    ...b.mapCompanies.map((c) => Date.parse(c.occurredAt)),
  ];
}
