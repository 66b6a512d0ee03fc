/**
 * What every MAP emulator serves, taken from a generated org: the people a MAP holds (every
 * Salesforce contact and lead with an email, synced with its CRM ids, as Marketo, HubSpot and
 * Pardot keep them) and the person-level activity the generator planted MAP-side.
 */
import type { GeneratedOrg, MapPersonActivity } from './generator';

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

/** Builds the MAP seed in one pass over the org's bundles. */
export function mapSeed(org: GeneratedOrg): MapSeed {
  const people: SeedPerson[] = [];
  const activities: MapPersonActivity[] = [];
  for (const b of org.bundles()) {
    const accountName = text(b.account.Name);
    for (const c of b.contacts) {
      const email = text(c.Email);
      if (!email) continue;
      people.push({
        salesforceId: c.Id,
        kind: 'contact',
        email,
        firstName: text(c.FirstName) ?? '',
        lastName: text(c.LastName) ?? '',
        title: text(c.Title),
        department: text(c.Department),
        company: accountName,
        salesforceAccountId: text(c.AccountId),
        createdAt: sfTimeToIso(c.CreatedDate),
      });
    }
    for (const l of b.leads) {
      const email = text(l.Email);
      if (!email) continue;
      people.push({
        salesforceId: l.Id,
        kind: 'lead',
        email,
        firstName: text(l.FirstName) ?? '',
        lastName: text(l.LastName) ?? '',
        title: text(l.Title),
        department: null,
        company: text(l.Company),
        salesforceAccountId: text(l.ConvertedAccountId),
        createdAt: sfTimeToIso(l.CreatedDate),
      });
    }
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
