/**
 * The HubSpot portal the emulator serves, built once from a MAP seed: contacts and companies
 * (with the Salesforce ids HubSpot's Salesforce integration keeps), marketing-email events,
 * forms with their submissions, and `e_visited_page` web analytics events. Every id is minted
 * deterministically from the seed, so two emulators on the same seed answer the same.
 */
import { createHash } from 'node:crypto';
import type { MapSeed, SeedPerson } from '../mapSeed';

/** A CRM record as `/crm/v3/objects/*` returns it (property values are strings, as HubSpot sends them). */
export interface CrmRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: false;
}

/** One legacy email event (`/email/public/v1/events`). */
export interface EmailEvent {
  id: string;
  created: number;
  type: 'SENT' | 'DELIVERED' | 'OPEN' | 'CLICK';
  recipient: string;
  portalId: number;
  appId: number;
  appName: string;
  emailCampaignId: number;
  sentBy?: { id: string; created: number };
  url?: string;
  filteredEvent: boolean;
}

/** A marketing email as `/email/public/v1/campaigns/{id}` describes it. */
export interface EmailCampaign {
  id: number;
  appId: number;
  appName: string;
  contentId: number;
  name: string;
  subject: string;
}

/** A form (`/marketing/v3/forms`) and its submissions, newest first. */
export interface Form {
  id: string;
  name: string;
  createdAt: string;
  submissions: FormSubmission[];
}

/** One form submission (`/form-integrations/v1/submissions/forms/{guid}`). */
export interface FormSubmission {
  conversionId: string;
  submittedAt: number;
  values: Array<{ name: string; value: string }>;
  pageUrl: string;
}

/** One Events API v3 occurrence. */
export interface WebEvent {
  id: string;
  objectType: 'CONTACT';
  objectId: string;
  eventType: 'e_visited_page';
  occurredAt: string;
  properties: Record<string, string>;
}

/** The whole portal. */
export interface Portal {
  portalId: number;
  contacts: CrmRecord[];
  companies: CrmRecord[];
  emailEvents: EmailEvent[];
  campaigns: Map<number, EmailCampaign>;
  forms: Form[];
  webEvents: WebEvent[];
}

/** The portal id the emulator reports (any stable number). */
export const PORTAL_ID = 62515;
const BATCH_EMAIL_APP = { appId: 113, appName: 'BatchEmail' };

/** A UUID-shaped id derived from `key` (HubSpot's event, conversion and form ids are UUIDs). */
export function uuidFrom(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** Contacts first-seen order; a person whose `salesforceId` is '' is HubSpot-only (never synced). */
function buildCrm(people: SeedPerson[]): { contacts: CrmRecord[]; companies: CrmRecord[] } {
  const companies: CrmRecord[] = [];
  const companyByAccount = new Map<string, CrmRecord>();
  const companyByDomain = new Map<string, CrmRecord>();
  const contacts: CrmRecord[] = [];
  const seen = new Set<string>();
  for (const p of people) {
    const email = p.email.toLowerCase();
    if (seen.has(email)) continue; // HubSpot dedupes contacts on email
    seen.add(email);
    let company: CrmRecord | undefined;
    if (p.salesforceAccountId) {
      company = companyByAccount.get(p.salesforceAccountId);
      if (!company) {
        company = record(String(5001 + companies.length), p.createdAt, {
          name: p.company,
          domain: domainOf(email),
          salesforceaccountid: p.salesforceAccountId,
        });
        companies.push(company);
        companyByAccount.set(p.salesforceAccountId, company);
      }
    } else if (!p.salesforceId && p.company) {
      // A HubSpot-only person with a company: HubSpot auto-creates the company from the email domain.
      const domain = domainOf(email);
      company = companyByDomain.get(domain);
      if (!company) {
        company = record(String(5001 + companies.length), p.createdAt, {
          name: p.company,
          domain,
          salesforceaccountid: null,
        });
        companies.push(company);
        companyByDomain.set(domain, company);
      }
    }
    contacts.push(
      record(String(101 + contacts.length), p.createdAt, {
        email,
        firstname: p.firstName || null,
        lastname: p.lastName || null,
        jobtitle: p.title,
        company: p.company,
        associatedcompanyid: company?.id ?? null,
        salesforcecontactid: p.salesforceId && p.kind === 'contact' ? p.salesforceId : null,
        salesforceleadid: p.salesforceId && p.kind === 'lead' ? p.salesforceId : null,
      }),
    );
  }
  return { contacts, companies };
}

function record(id: string, createdAt: string, props: Record<string, string | null>): CrmRecord {
  return {
    id,
    properties: { ...props, hs_object_id: id, createdate: createdAt, lastmodifieddate: createdAt },
    createdAt,
    updatedAt: createdAt,
    archived: false,
  };
}

/** Builds the portal from a seed (activities oldest first, as mapSeed gives them). */
export function buildPortal(seed: MapSeed): Portal {
  const { contacts, companies } = buildCrm(seed.people);
  const contactByEmail = new Map(contacts.map((c) => [c.properties.email!, c]));
  const campaigns = new Map<number, EmailCampaign>();
  const campaignByName = new Map<string, EmailCampaign>();
  const campaignFor = (name: string): EmailCampaign => {
    let c = campaignByName.get(name);
    if (!c) {
      const id = 7001 + campaigns.size;
      c = { id, ...BATCH_EMAIL_APP, contentId: 90_000 + campaigns.size, name, subject: name };
      campaigns.set(id, c);
      campaignByName.set(name, c);
    }
    return c;
  };
  const formByName = new Map<string, Form>();
  const formFor = (name: string, at: string): Form => {
    let f = formByName.get(name);
    if (!f) {
      f = { id: uuidFrom(`form:${name}`), name, createdAt: at, submissions: [] };
      formByName.set(name, f);
    }
    return f;
  };
  const emailEvents: EmailEvent[] = [];
  const webEvents: WebEvent[] = [];
  const lastSend = new Map<string, { id: string; created: number }>();
  for (const a of seed.activities) {
    const email = a.email.toLowerCase();
    const contact = contactByEmail.get(email);
    const at = Date.parse(a.occurredAt);
    switch (a.type) {
      case 'email_send':
      case 'email_open':
      case 'email_click': {
        const campaign = campaignFor(a.emailName ?? a.campaignName ?? 'Marketing email');
        const base = { recipient: email, portalId: PORTAL_ID, ...BATCH_EMAIL_APP, emailCampaignId: campaign.id };
        const key = `${email}|${campaign.id}`;
        if (a.type === 'email_send') {
          const sent = { id: uuidFrom(`${a.sourceId}:SENT`), created: at };
          lastSend.set(key, sent);
          emailEvents.push({ ...sent, type: 'SENT', ...base, filteredEvent: false });
          // Delivery follows the send by a couple of seconds; Pulse does not count it.
          const delivered = { id: uuidFrom(`${a.sourceId}:DELIVERED`), created: at + 2000 };
          emailEvents.push({ ...delivered, type: 'DELIVERED', ...base, sentBy: sent, filteredEvent: false });
        } else {
          const type = a.type === 'email_open' ? 'OPEN' : 'CLICK';
          emailEvents.push({
            id: uuidFrom(`${a.sourceId}:${type}`),
            created: at,
            type,
            ...base,
            ...(lastSend.has(key) ? { sentBy: lastSend.get(key)! } : {}),
            ...(type === 'CLICK' && a.url ? { url: a.url } : {}),
            filteredEvent: false,
          });
        }
        break;
      }
      case 'form_fill':
      case 'content_download': {
        const asset = a.assetName ?? 'Contact Us';
        const form = formFor(a.type === 'content_download' ? `Download: ${asset}` : asset, a.occurredAt);
        form.submissions.push({
          conversionId: uuidFrom(`${a.sourceId}:conversion`),
          submittedAt: at,
          values: [
            { name: 'email', value: email },
            { name: 'firstname', value: contact?.properties.firstname ?? '' },
            { name: 'lastname', value: contact?.properties.lastname ?? '' },
            { name: 'company', value: contact?.properties.company ?? '' },
          ],
          pageUrl: a.url ?? '',
        });
        break;
      }
      case 'web_visit': {
        // Page views of unknown visitors have no contact and never reach the contact event feed.
        if (!contact) break;
        const url = a.url ?? '';
        webEvents.push({
          id: uuidFrom(`${a.sourceId}:pageview`),
          objectType: 'CONTACT',
          objectId: contact.id,
          eventType: 'e_visited_page',
          occurredAt: new Date(at).toISOString(),
          properties: {
            hs_url: url,
            hs_title: titleOf(url),
            hs_referrer: '',
            hs_session_id: uuidFrom(`${email}|${a.occurredAt.slice(0, 10)}`),
          },
        });
        break;
      }
    }
  }
  emailEvents.sort((x, y) => x.created - y.created);
  const forms = [...formByName.values()];
  for (const f of forms) f.submissions.sort((x, y) => y.submittedAt - x.submittedAt); // newest first, as documented
  return { portalId: PORTAL_ID, contacts, companies, emailEvents, campaigns, forms, webEvents };
}

const titleOf = (url: string): string => {
  const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '/';
  return path === '/' || path === '' ? 'Home' : path.split('/').filter(Boolean).join(' · ');
};
