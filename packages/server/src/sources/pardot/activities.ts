/**
 * Pardot (Account Engagement) v5 visitor activities and prospects → Pulse's MAP vocabulary.
 * Type codes are Pardot's numeric visitor-activity `type` values
 * (https://developer.salesforce.com/docs/marketing/pardot/guide/visitor-activity-v5.html; the
 * code list is the object field reference's, unchanged since v3).
 */
import { z } from 'zod';
import type { ActivityType } from '../../model/schema';
import type { MapActivity, MapPerson } from '../map/types';

/** Pardot's visitor-activity type codes Pulse knows by name. */
export const PARDOT_TYPES = {
  CLICK: 1,
  VIEW: 2,
  FORM_ERROR: 3,
  SUCCESS: 4,
  SESSION: 5,
  SENT: 6,
  SEARCH: 7,
  OPEN: 11,
  UNSUBSCRIBE_PAGE: 12,
  BOUNCED: 13,
  THIRD_PARTY_CLICK: 17,
  VISIT: 20,
  CUSTOM_URL_CLICK: 21,
  INVITED_TO_WEBINAR: 23,
  ATTENDED_WEBINAR: 24,
  REGISTERED_FOR_WEBINAR: 25,
  SOCIAL_POST_CLICK: 26,
  VIDEO_VIEW: 27,
  EVENT_REGISTERED: 28,
  EVENT_CHECKED_IN: 29,
  VIDEO_CONVERSION: 30,
  VIDEO_WATCHED: 34,
} as const;

/** Every field the connector asks for on `visitor-activities` (v5 returns only the listed fields). */
export const ACTIVITY_FIELDS = [
  'id',
  'type',
  'typeName',
  'prospectId',
  'createdAt',
  'details',
  'campaignId',
  'campaign.name',
  'emailId',
  'listEmailId',
  'formId',
  'formHandlerId',
  'landingPageId',
  'fileId',
  'customRedirectId',
  'visitorPageViewId',
] as const;

/** Fields asked for on `visitor-page-views` (the page URL of a View activity lives there). */
export const PAGE_VIEW_FIELDS = ['id', 'url'] as const;

/** Every field the connector asks for on `prospects`. */
export const PROSPECT_FIELDS = [
  'id',
  'email',
  'firstName',
  'lastName',
  'jobTitle',
  'department',
  'company',
  'salesforceLeadId',
  'salesforceContactId',
  'salesforceAccountId',
] as const;

const id = z.number().int();
const optText = z.string().nullish();
const optId = id.nullish();

/** One visitor activity as v5 returns it (only the requested fields; nested objects may be null). */
export const VisitorActivitySchema = z.object({
  id,
  type: id,
  typeName: optText,
  prospectId: optId,
  createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 datetime'),
  details: optText,
  campaignId: optId,
  campaign: z.object({ name: optText }).nullish(),
  emailId: optId,
  listEmailId: optId,
  formId: optId,
  formHandlerId: optId,
  landingPageId: optId,
  fileId: optId,
  customRedirectId: optId,
  visitorPageViewId: optId,
});
export type VisitorActivity = z.infer<typeof VisitorActivitySchema>;

/** One prospect as v5 returns it. */
export const ProspectSchema = z.object({
  id,
  email: optText,
  firstName: optText,
  lastName: optText,
  jobTitle: optText,
  department: optText,
  company: optText,
  salesforceLeadId: optText,
  salesforceContactId: optText,
  salesforceAccountId: optText,
});
export type Prospect = z.infer<typeof ProspectSchema>;

/** One visitor page view (only its URL is used). */
export const PageViewSchema = z.object({ id, url: optText });

/** A v5 query page: `values` plus the paging token and URL (null on the last page). */
export const QueryPageSchema = z.object({
  values: z.array(z.unknown()),
  nextPageToken: z.string().nullish(),
  nextPageUrl: z.string().nullish(),
});

/**
 * The Pulse type of a visitor activity, or null when it is not engagement (form errors,
 * bounces, unsubscribes, opportunity changes...). Click and View are split by the asset they
 * carry: a click with an email id is an email click, a file click or view is a download.
 */
export function pulseType(
  a: Pick<VisitorActivity, 'type' | 'emailId' | 'listEmailId' | 'fileId'>,
): ActivityType | null {
  const fromEmail = a.emailId != null || a.listEmailId != null;
  switch (a.type) {
    case PARDOT_TYPES.CLICK:
      if (fromEmail) return 'email_click';
      return a.fileId != null ? 'content_download' : 'web_visit';
    case PARDOT_TYPES.VIEW:
      return a.fileId != null ? 'content_download' : 'web_visit';
    case PARDOT_TYPES.SUCCESS:
    case PARDOT_TYPES.VIDEO_CONVERSION:
      return 'form_fill';
    case PARDOT_TYPES.SENT:
      return 'email_sent';
    case PARDOT_TYPES.OPEN:
      return 'email_open';
    case PARDOT_TYPES.THIRD_PARTY_CLICK:
      return fromEmail ? 'email_click' : 'web_visit';
    case PARDOT_TYPES.VISIT:
    case PARDOT_TYPES.CUSTOM_URL_CLICK:
    case PARDOT_TYPES.SOCIAL_POST_CLICK:
      return 'web_visit';
    case PARDOT_TYPES.INVITED_TO_WEBINAR:
    case PARDOT_TYPES.REGISTERED_FOR_WEBINAR:
    case PARDOT_TYPES.EVENT_REGISTERED:
      return 'campaign_response';
    case PARDOT_TYPES.ATTENDED_WEBINAR:
    case PARDOT_TYPES.EVENT_CHECKED_IN:
      return 'event_attended';
    case PARDOT_TYPES.VIDEO_VIEW:
    case PARDOT_TYPES.VIDEO_WATCHED:
      return 'content_download';
    default:
      return null;
  }
}

/**
 * A visitor activity as a MapActivity, or null when it is not engagement or has no prospect
 * (anonymous visitors are not people Pulse can place). `details` carries the asset's name
 * (email, form, file, page), so it names the email of sends, opens and clicks: the shared sync
 * pairs a scanner's click with the send of the same email by that name. `pageUrl` gives the URL
 * of the activity's visitor page view, when it has one.
 */
export function toMapActivity(
  a: VisitorActivity,
  pageUrl: (visitorPageViewId: number) => string | null = () => null,
): MapActivity | null {
  const type = pulseType(a);
  if (!type || a.prospectId == null) return null;
  const name = a.details ?? null;
  const isEmail = type === 'email_sent' || type === 'email_open' || type === 'email_click';
  return {
    id: String(a.id),
    personId: String(a.prospectId),
    type,
    occurredAt: new Date(a.createdAt),
    url: a.visitorPageViewId != null ? pageUrl(a.visitorPageViewId) : null,
    vendorType: `${a.type}:${a.typeName ?? ''}`,
    campaignName: a.campaign?.name ?? null,
    emailName: isEmail ? name : null,
    assetName: isEmail ? null : name,
  };
}

/**
 * A prospect as a MapPerson. The CRM id is the Contact when Pardot synced one, else the Lead.
 * (`salesforceId` is not asked for: its v5 spelling is unconfirmed, and v5 refuses a query that
 * names an unknown field.)
 */
export function toMapPerson(p: Prospect): MapPerson {
  const name = [p.firstName, p.lastName].filter((s) => s).join(' ');
  return {
    id: String(p.id),
    email: p.email ?? null,
    name: name || p.email || `Prospect ${p.id}`,
    title: p.jobTitle ?? null,
    department: p.department ?? null,
    company: p.company ?? null,
    crmId: p.salesforceContactId || p.salesforceLeadId || null,
    crmAccountId: p.salesforceAccountId || null,
  };
}
