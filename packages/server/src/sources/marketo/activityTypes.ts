/**
 * Which Marketo activity types Pulse pulls and what each becomes in Pulse's vocabulary, and the
 * translation of one Marketo activity record into a MapActivity. Types are matched by name, not
 * id: the ids below are Marketo's stock ones, but an instance's ids come from
 * /rest/v1/activities/types.json (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/activities).
 */
import type { ActivityType } from '../../model/schema';
import type { MapActivity } from '../map/types';

/** One Marketo activity type Pulse pulls. */
export interface MarketoTypeMapping {
  /** The type's name in types.json (the match key). */
  name: string;
  /** Marketo's stock id, used only when types.json does not list the name. */
  stockId: number;
  /** The Pulse type, or a function of the activity when the Marketo type covers two Pulse types. */
  pulse: ActivityType | ((a: MarketoActivityRecord) => ActivityType);
  /** How the mapping reads in docs/marketo.md. */
  rule: string;
}

/** An activity as /rest/v1/activities.json returns it (only the keys Pulse reads). */
export interface MarketoActivityRecord {
  id?: number;
  marketoGUID?: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  campaignId?: number | null;
  primaryAttributeValueId?: number | null;
  primaryAttributeValue?: string | null;
  attributes?: Array<{ name: string; value?: unknown }>;
}

/**
 * Links to files (a PDF, a deck, a zip) count as content downloads; other tracked links are
 * page views. Marketo has no stock "download" type: gated and ungated assets are links.
 */
export const DOWNLOAD_LINK = /\.(pdf|docx?|pptx?|xlsx?|zip|epub)(\?|#|$)/i;

/** Click Link → content_download for file links, web_visit otherwise. */
export function clickLinkType(a: MarketoActivityRecord): ActivityType {
  return DOWNLOAD_LINK.test(a.primaryAttributeValue ?? '') ? 'content_download' : 'web_visit';
}

/**
 * The types Pulse pulls (at most 10: activities.json takes ≤10 activityTypeIds per call, so one
 * paging-token chain covers them all). Not pulled on purpose: Email Delivered (7) repeats Send
 * Email; sales emails (39–41) reach Salesforce as Tasks already; scoring and data-value changes
 * are not engagement.
 */
export const MARKETO_TYPES: readonly MarketoTypeMapping[] = [
  { name: 'Visit Webpage', stockId: 1, pulse: 'web_visit', rule: 'web_visit (url = the page)' },
  { name: 'Fill Out Form', stockId: 2, pulse: 'form_fill', rule: 'form_fill (asset = the form, url = its page)' },
  {
    name: 'Click Link',
    stockId: 3,
    pulse: clickLinkType,
    rule: 'content_download when the link is a file (.pdf, .docx, .pptx, .xlsx, .zip, .epub), else web_visit',
  },
  { name: 'Send Email', stockId: 6, pulse: 'email_sent', rule: 'email_sent (email = the email asset)' },
  { name: 'Open Email', stockId: 10, pulse: 'email_open', rule: 'email_open' },
  { name: 'Click Email', stockId: 11, pulse: 'email_click', rule: 'email_click (url = the link clicked)' },
];

/** The activity type catalogue entry as types.json returns it. */
export interface MarketoTypeDef {
  id: number;
  name: string;
}

/** The instance's ids of the pulled types (by name; stock id when the name is missing). */
export function resolveTypeIds(defs: readonly MarketoTypeDef[]): Map<number, MarketoTypeMapping> {
  const byName = new Map(defs.map((d) => [d.name.toLowerCase(), d.id]));
  const out = new Map<number, MarketoTypeMapping>();
  for (const m of MARKETO_TYPES) out.set(byName.get(m.name.toLowerCase()) ?? m.stockId, m);
  return out;
}

/** An attribute's value as text (attributes with empty values are omitted by Marketo). */
export function attribute(a: MarketoActivityRecord, name: string): string | null {
  const hit = a.attributes?.find((x) => x.name === name);
  if (hit?.value === undefined || hit.value === null || hit.value === '') return null;
  return String(hit.value);
}

/** `www.example.com/pricing` (Visit Webpage's primary value has no scheme) → `https://www.example.com/pricing`. */
function absolute(url: string | null): string | null {
  if (!url) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return `https://${url.replace(/^\/+/, '')}`;
}

/** Marketo names email assets `Program.Email`; the program is the campaign. */
function programOf(assetName: string | null): string | null {
  if (!assetName) return null;
  const dot = assetName.indexOf('.');
  return dot > 0 ? assetName.slice(0, dot) : null;
}

/** A file link's name without its extension: `…/Security%20Whitepaper.pdf` → `Security Whitepaper`. */
function fileName(url: string | null): string | null {
  if (!url) return null;
  const path = url.split(/[?#]/)[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1).replace(/\.[a-z0-9]+$/i, '');
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * One Marketo activity as a MapActivity, or null when its type is not pulled. The id is the
 * `marketoGUID` (Marketo is replacing the integer `id` with it), falling back to `id`.
 */
export function toMapActivity(
  a: MarketoActivityRecord,
  types: ReadonlyMap<number, MarketoTypeMapping>,
): MapActivity | null {
  const m = types.get(a.activityTypeId);
  if (!m) return null;
  const type = typeof m.pulse === 'function' ? m.pulse(a) : m.pulse;
  const primary = a.primaryAttributeValue ?? null;
  const base = {
    id: a.marketoGUID ?? String(a.id),
    personId: String(a.leadId),
    type,
    occurredAt: new Date(a.activityDate),
    vendorType: m.name,
  };
  switch (m.name) {
    case 'Visit Webpage': {
      const query = attribute(a, 'Query Parameters');
      const page = absolute(primary);
      return { ...base, url: page && query ? `${page}?${query}` : page };
    }
    case 'Fill Out Form':
      return { ...base, url: absolute(attribute(a, 'Referrer URL')), assetName: primary };
    case 'Click Link':
      return { ...base, url: absolute(primary), assetName: type === 'content_download' ? fileName(primary) : null };
    case 'Click Email':
      return {
        ...base,
        url: absolute(attribute(a, 'Link')),
        emailName: primary,
        campaignName: programOf(primary),
      };
    default:
      // Send Email, Open Email: the primary value is the email asset.
      return { ...base, url: null, emailName: primary, campaignName: programOf(primary) };
  }
}
