/**
 * HubSpot's wire shapes (zod, checked at the boundary) and their mapping to Pulse: contacts with
 * their company → MapPerson, email events / form submissions / page views → MapActivity.
 * The vendor type → Pulse type table is written out in docs/hubspot.md.
 */
import { z } from 'zod';
import type { ActivityType } from '../../model/schema';
import type { MapActivity, MapPerson } from '../map/types';

/** Email event types → Pulse types; every other type (DELIVERED, PROCESSED, BOUNCE, …) is not pulled. */
export const EMAIL_EVENT_TYPES: Readonly<Record<string, ActivityType>> = {
  SENT: 'email_sent',
  OPEN: 'email_open',
  CLICK: 'email_click',
};

/** The Events API type pulled for web visits. */
export const PAGE_VIEW_EVENT = 'e_visited_page';

/** Vendor type → Pulse type, in the order docs/hubspot.md lists them. */
export const HUBSPOT_TYPE_MAP: ReadonlyArray<{ vendorType: string; pulseType: ActivityType; note: string }> = [
  { vendorType: 'SENT', pulseType: 'email_sent', note: 'email event: a marketing email was sent' },
  { vendorType: 'OPEN', pulseType: 'email_open', note: 'email event' },
  { vendorType: 'CLICK', pulseType: 'email_click', note: 'email event, `url` = the link' },
  { vendorType: 'FORM_SUBMISSION', pulseType: 'form_fill', note: 'a form submission' },
  {
    vendorType: 'FORM_SUBMISSION',
    pulseType: 'content_download',
    note: 'a submission of a form whose name matches `downloadFormPattern` (gated content)',
  },
  { vendorType: PAGE_VIEW_EVENT, pulseType: 'web_visit', note: 'Events API page view, `url` = hs_url' },
];

/** Contact properties the connector asks for. */
export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'jobtitle',
  'company',
  'associatedcompanyid',
  'salesforcecontactid',
  'salesforceleadid',
] as const;

/** Company properties the connector asks for. */
export const COMPANY_PROPERTIES = ['name', 'domain', 'salesforceaccountid'] as const;

/** Gated-content forms, unless the connection sets its own pattern. */
export const DEFAULT_DOWNLOAD_FORM_PATTERN =
  '\\b(download|ebook|e-book|whitepaper|white paper|report|guide|workbook|checklist|template)\\b';

const prop = z.string().nullish();
const crmRecord = z.object({ id: z.string(), properties: z.record(z.string(), prop) });
export type CrmRecord = z.infer<typeof crmRecord>;

/** `POST /crm/v3/objects/{type}/batch/read` (200 or 207). */
export const batchReadSchema = z.object({ results: z.array(crmRecord) });

/** `GET /email/public/v1/events`. */
export const emailEventsSchema = z.object({
  hasMore: z.boolean(),
  offset: z.string().nullish(),
  events: z.array(
    z.object({
      id: z.string(),
      created: z.number(),
      type: z.string(),
      recipient: z.string().nullish(),
      emailCampaignId: z.number().nullish(),
      url: z.string().nullish(),
    }),
  ),
});
export type EmailEvent = z.infer<typeof emailEventsSchema>['events'][number];

/** `GET /email/public/v1/campaigns/{id}`. */
export const campaignSchema = z.object({ id: z.number(), name: z.string().nullish(), subject: z.string().nullish() });

const paging = z.object({ next: z.object({ after: z.string() }).nullish() }).nullish();

/** `GET /marketing/v3/forms`. */
export const formsSchema = z.object({ results: z.array(z.object({ id: z.string(), name: z.string() })), paging });

/** `GET /form-integrations/v1/submissions/forms/{guid}`. */
export const submissionsSchema = z.object({
  results: z.array(
    z.object({
      conversionId: z.string(),
      submittedAt: z.number(),
      values: z.array(z.object({ name: z.string(), value: z.string() })),
      pageUrl: z.string().nullish(),
    }),
  ),
  paging,
});
export type Submission = z.infer<typeof submissionsSchema>['results'][number];

/** `GET /events/v3/events`. */
export const webEventsSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      objectId: z.string(),
      eventType: z.string(),
      occurredAt: z.string(),
      properties: z.record(z.string(), z.unknown()).nullish(),
    }),
  ),
  paging,
});
export type WebEvent = z.infer<typeof webEventsSchema>['results'][number];

const text = (v: string | null | undefined): string | null => (v && v.trim() !== '' ? v.trim() : null);

/** A contact (and its primary company, when read) as a MapPerson: the Salesforce ids HubSpot's integration keeps. */
export function toPerson(contact: CrmRecord, company: CrmRecord | null): MapPerson {
  const p = contact.properties;
  const email = text(p.email)?.toLowerCase() ?? null;
  const name = [text(p.firstname), text(p.lastname)].filter(Boolean).join(' ');
  return {
    id: contact.id,
    email,
    name: name || email || `HubSpot contact ${contact.id}`,
    title: text(p.jobtitle),
    company: text(p.company) ?? text(company?.properties.name),
    // A converted lead keeps its lead id next to the contact id; the contact is the live record.
    crmId: text(p.salesforcecontactid) ?? text(p.salesforceleadid),
    crmAccountId: text(company?.properties.salesforceaccountid),
  };
}

/** A recipient HubSpot has no contact for (deleted since): known by email only. */
export function emailOnlyPerson(email: string): MapPerson {
  return { id: emailOnlyId(email), email, name: email, title: null, company: null, crmId: null, crmAccountId: null };
}

/** The person id of an email-only person. */
export const emailOnlyId = (email: string): string => `email:${email.toLowerCase()}`;

/** An email event as an activity, or null for a type Pulse does not count. */
export function emailActivity(e: EmailEvent, personId: string, emailName: string | null): MapActivity | null {
  const type = EMAIL_EVENT_TYPES[e.type];
  if (!type) return null;
  return {
    // HubSpot identifies an email event by (created, id).
    id: `email:${e.created}:${e.id}`,
    personId,
    type,
    occurredAt: new Date(e.created),
    url: e.type === 'CLICK' ? (e.url ?? null) : null,
    vendorType: e.type,
    emailName,
  };
}

/** A form submission as form_fill, or content_download when the form is gated content. */
export function submissionActivity(s: Submission, personId: string, formName: string, download: RegExp): MapActivity {
  return {
    id: `form:${s.conversionId}`,
    personId,
    type: download.test(formName) ? 'content_download' : 'form_fill',
    occurredAt: new Date(s.submittedAt),
    url: text(s.pageUrl),
    vendorType: 'FORM_SUBMISSION',
    assetName: formName,
  };
}

/** The email a submission was made with. */
export const submissionEmail = (s: Submission): string | null =>
  text(s.values.find((v) => v.name === 'email')?.value)?.toLowerCase() ?? null;

/** A page view as a web_visit. */
export function webActivity(e: WebEvent): MapActivity {
  const url = e.properties?.hs_url;
  return {
    id: `web:${e.id}`,
    personId: e.objectId,
    type: 'web_visit',
    occurredAt: new Date(e.occurredAt),
    url: typeof url === 'string' && url !== '' ? url : null,
    vendorType: e.eventType,
  };
}
