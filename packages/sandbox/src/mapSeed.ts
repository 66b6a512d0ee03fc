/**
 * What every MAP emulator serves, taken from a generated org: the people a MAP holds (every
 * Salesforce contact and lead with an email, synced with its CRM ids, as Marketo, HubSpot and
 * Pardot keep them) and the person-level activity the generator planted MAP-side.
 */
import type { GeneratedOrg, MapPersonActivity, SfRecord } from './generator';

/** A person in the MAP's database. */
export interface SeedPerson {
  /** The Salesforce Contact or Lead id the MAP synced with. */
  salesforceId: string;
  kind: 'contact' | 'lead';
  email: string;
  firstName: string;
  lastName: string;
  title: string | null;
  department: string | null;
  company: string | null;
  /** The Salesforce Account (a contact's account; a converted lead's converted account). */
  salesforceAccountId: string | null;
  /** ISO-8601 UTC creation time. */
  createdAt: string;
}

/** The MAP-side data of one generated org. */
export interface MapSeed {
  people: SeedPerson[];
  /** Oldest first. */
  activities: MapPersonActivity[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The MAP's copy of a Salesforce contact or lead, or null when it has no email (a MAP keys people by email). */
function seedPerson(
  rec: SfRecord,
  kind: SeedPerson['kind'],
  links: { department: unknown; company: unknown; accountId: unknown },
): SeedPerson | null {
  const email = text(rec.Email);
  if (!email) return null;
  return {
    salesforceId: rec.Id,
    kind,
    email,
    firstName: text(rec.FirstName) ?? '',
    lastName: text(rec.LastName) ?? '',
    title: text(rec.Title),
    department: text(links.department),
    company: text(links.company),
    salesforceAccountId: text(links.accountId),
    createdAt: sfTimeToIso(rec.CreatedDate),
  };
}

/** Builds the MAP seed in one pass over the org's bundles. */
export function mapSeed(org: GeneratedOrg): MapSeed {
  const people: SeedPerson[] = [];
  const activities: MapPersonActivity[] = [];
  const add = (p: SeedPerson | null): void => {
    if (p) people.push(p);
  };
  for (const b of org.bundles()) {
    for (const c of b.contacts)
      add(seedPerson(c, 'contact', { department: c.Department, company: b.account.Name, accountId: c.AccountId }));
    // A lead's company is its own; a converted lead belongs to the account it was converted to.
    for (const l of b.leads)
      add(seedPerson(l, 'lead', { department: null, company: l.Company, accountId: l.ConvertedAccountId }));
    for (const a of b.mapPeople) activities.push(a);
  }
  activities.sort((x, y) => (x.occurredAt < y.occurredAt ? -1 : x.occurredAt > y.occurredAt ? 1 : 0));
  return { people, activities };
}

/** `2026-11-24T10:00:00.000+0000` → `2026-11-24T10:00:00.000Z`. */
function sfTimeToIso(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  const d = new Date(s.replace(/\+0000$/, 'Z'));
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}
