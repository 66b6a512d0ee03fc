/**
 * The Marketo emulator's database: leads and activities in Marketo's REST shapes, built from a
 * MAP seed with deterministic ids, plus the activity type catalogue and the paging-token codec.
 * Shapes follow https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/activities
 * and …/rest/leads; stock type ids and names follow Marketo's types.json.
 */
import type { MapPersonActivity } from '../generator';
import type { MapSeed } from '../mapSeed';

/** A lead record with the fields the emulator serves (REST names). */
export interface MarketoLeadRecord {
  id: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  department: string | null;
  company: string | null;
  website: string | null;
  sfdcType: 'Lead' | 'Contact' | null;
  sfdcLeadId: string | null;
  sfdcContactId: string | null;
  sfdcAccountId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Every field leads.json can project (a request naming another field gets 1006). */
export const LEAD_FIELD_NAMES: readonly (keyof MarketoLeadRecord)[] = [
  'id',
  'email',
  'firstName',
  'lastName',
  'title',
  'department',
  'company',
  'website',
  'sfdcType',
  'sfdcLeadId',
  'sfdcContactId',
  'sfdcAccountId',
  'createdAt',
  'updatedAt',
];

/** leads.json's default projection when `fields` is absent. */
export const DEFAULT_LEAD_FIELDS = ['id', 'email', 'updatedAt', 'createdAt', 'firstName', 'lastName'] as const;

/** filterType values the emulator supports (searchable standard fields); others get 1011. */
export const LEAD_FILTER_TYPES = ['id', 'email', 'sfdcLeadId', 'sfdcContactId', 'sfdcAccountId'] as const;

/** An activity as activities.json returns it. */
export interface MarketoActivityItem {
  id: number;
  marketoGUID: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  campaignId?: number;
  primaryAttributeValueId: number;
  primaryAttributeValue: string;
  attributes: Array<{ name: string; value: string | number | boolean }>;
}

/** One entry of types.json. */
export interface MarketoTypeEntry {
  id: number;
  name: string;
  description: string;
  primaryAttribute: { name: string; dataType: string };
  attributes: Array<{ name: string; dataType: string }>;
}

const str = (name: string) => ({ name, dataType: 'string' });
const int = (name: string) => ({ name, dataType: 'integer' });
const WEB = [str('Client IP Address'), str('Query Parameters'), str('Referrer URL'), str('User Agent')];
const EMAIL = [int('Campaign Run ID'), int('Choice Number'), int('Step ID')];
const EMAIL_ENGAGE = [
  ...EMAIL,
  str('Device'),
  { name: 'Is Mobile Device', dataType: 'boolean' },
  str('Platform'),
  str('User Agent'),
];

/** Stock activity types (the ones the emulator serves activities of, and a few it only lists). */
export const ACTIVITY_TYPES: readonly MarketoTypeEntry[] = [
  {
    id: 1,
    name: 'Visit Webpage',
    description: 'User visits a web page',
    primaryAttribute: int('Webpage ID'),
    attributes: [...WEB, str('Webpage URL'), str('Search Engine'), str('Search Query')],
  },
  {
    id: 2,
    name: 'Fill Out Form',
    description: 'User fills out and submits form on web page',
    primaryAttribute: int('Webform ID'),
    attributes: [...WEB, { name: 'Form Fields', dataType: 'text' }, int('Webpage ID')],
  },
  {
    id: 3,
    name: 'Click Link',
    description: 'User clicks link on a page',
    primaryAttribute: int('Link ID'),
    attributes: [...WEB, int('Webpage ID')],
  },
  {
    id: 6,
    name: 'Send Email',
    description: 'Send Marketo Email to a person',
    primaryAttribute: int('Mailing ID'),
    attributes: EMAIL,
  },
  {
    id: 7,
    name: 'Email Delivered',
    description: 'Marketo Email is delivered to a person',
    primaryAttribute: int('Mailing ID'),
    attributes: EMAIL,
  },
  {
    id: 8,
    name: 'Email Bounced',
    description: 'Marketo Email bounces',
    primaryAttribute: int('Mailing ID'),
    attributes: [...EMAIL, str('Category'), str('Details'), str('Email'), str('Subcategory')],
  },
  {
    id: 9,
    name: 'Unsubscribe Email',
    description: 'Person unsubscribes from Marketo Emails',
    primaryAttribute: int('Mailing ID'),
    attributes: [...WEB, ...EMAIL],
  },
  {
    id: 10,
    name: 'Open Email',
    description: 'Open Marketo Email',
    primaryAttribute: int('Mailing ID'),
    attributes: EMAIL_ENGAGE,
  },
  {
    id: 11,
    name: 'Click Email',
    description: 'Click on a link in a Marketo Email',
    primaryAttribute: int('Mailing ID'),
    attributes: [...EMAIL_ENGAGE, str('Link')],
  },
  {
    id: 12,
    name: 'New Lead',
    description: 'New person',
    primaryAttribute: int('Lead ID'),
    attributes: [str('Source Type'), str('Lead Source')],
  },
  {
    id: 13,
    name: 'Change Data Value',
    description: 'Changed attribute value for a person',
    primaryAttribute: int('Field ID'),
    attributes: [str('New Value'), str('Old Value'), str('Reason'), str('Source')],
  },
  {
    id: 22,
    name: 'Change Score',
    description: 'Change a score value for a person',
    primaryAttribute: int('Field ID'),
    attributes: [int('Change Value'), int('New Value'), int('Old Value'), str('Reason')],
  },
  {
    id: 46,
    name: 'Interesting Moment',
    description: 'Interesting moment',
    primaryAttribute: int('Lead ID'),
    attributes: [str('Description'), str('Source'), str('Type')],
  },
];

/** A small stable number from a string (FNV-1a), for asset ids. */
export function assetId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return 1000 + (h % 90_000);
}

const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const ip = (leadId: number) => `203.0.113.${(leadId % 250) + 1}`;
/** Marketo's activityDate: UTC, second precision, `Z`. */
const marketoDate = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An activity before ids are assigned. */
export type NewActivity = Omit<MarketoActivityItem, 'id' | 'marketoGUID'>;

/** Position in the (activityDate, id)-ordered stream: the next activity is the first after it. */
export interface Position {
  ms: number;
  id: number;
}

/** Marketo tokens are base32 strings (RFC 4648); the emulator's encode a position. */
export function encodeToken(p: Position): string {
  const bytes = Buffer.from(`${p.ms}:${p.id}`, 'ascii');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** The position a token encodes, or null when it is not one of ours. */
export function decodeToken(token: string): Position | null {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = token.replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of clean) {
    const v = alphabet.indexOf(c);
    if (v < 0) return null;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  const m = /^(-?\d+):(-?\d+)$/.exec(Buffer.from(bytes).toString('ascii'));
  return m ? { ms: Number(m[1]), id: Number(m[2]) } : null;
}

const before = (a: { ms: number; id: number }, b: Position) => a.ms < b.ms || (a.ms === b.ms && a.id <= b.id);

/** The emulator's data: leads by id and activities ordered by (activityDate, id). */
export class MarketoData {
  readonly leads = new Map<number, MarketoLeadRecord>();
  /** Ordered by (activityDate, id); `ms` caches the parsed date. */
  readonly activities: Array<MarketoActivityItem & { ms: number }> = [];
  private nextLeadId = 1001;
  private nextActivityId = 500_001;
  private readonly bySalesforceId = new Map<string, number>();
  private readonly byEmail = new Map<string, number>();

  /** Adds a lead (id minted when absent); returns it. */
  addLead(lead: Partial<MarketoLeadRecord> & { email: string | null }): MarketoLeadRecord {
    const id = lead.id ?? this.nextLeadId++;
    this.nextLeadId = Math.max(this.nextLeadId, id + 1);
    const now = lead.createdAt ?? '2026-01-01T00:00:00Z';
    const rec: MarketoLeadRecord = {
      id,
      email: lead.email,
      firstName: lead.firstName ?? null,
      lastName: lead.lastName ?? null,
      title: lead.title ?? null,
      department: lead.department ?? null,
      company: lead.company ?? null,
      website: lead.website ?? null,
      sfdcType: lead.sfdcType ?? null,
      sfdcLeadId: lead.sfdcLeadId ?? null,
      sfdcContactId: lead.sfdcContactId ?? null,
      sfdcAccountId: lead.sfdcAccountId ?? null,
      createdAt: now,
      updatedAt: lead.updatedAt ?? now,
    };
    this.leads.set(id, rec);
    for (const sf of [rec.sfdcLeadId, rec.sfdcContactId]) if (sf) this.bySalesforceId.set(sf, id);
    if (rec.email) this.byEmail.set(rec.email.toLowerCase(), id);
    return rec;
  }

  /** Adds activities, keeping the stream ordered; ids are minted in call order. */
  addActivities(items: readonly NewActivity[]): MarketoActivityItem[] {
    const added = items.map((a) => {
      const id = this.nextActivityId++;
      const activityDate = marketoDate(a.activityDate);
      return { ...a, activityDate, id, marketoGUID: String(id), ms: Date.parse(activityDate) };
    });
    const last = this.activities[this.activities.length - 1];
    const sorted = added.every((a, i) => {
      const prev = i === 0 ? last : added[i - 1];
      return !prev || prev.ms <= a.ms;
    });
    this.activities.push(...added);
    if (!sorted) this.activities.sort((x, y) => x.ms - y.ms || x.id - y.id);
    return added.map(({ ms: _ms, ...a }) => a);
  }

  /** The lead id of a Salesforce Lead/Contact id or an email, if Marketo holds that person. */
  leadIdOf(key: { salesforceId?: string | null; email?: string | null }): number | undefined {
    return (
      (key.salesforceId ? this.bySalesforceId.get(key.salesforceId) : undefined) ??
      (key.email ? this.byEmail.get(key.email.toLowerCase()) : undefined)
    );
  }

  /** Index of the first activity after `p`. */
  indexAfter(p: Position): number {
    let lo = 0;
    let hi = this.activities.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.activities[mid]!, p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One generator activity in Marketo's shape (a content download becomes a Click Link on the file). */
  static fromSeedActivity(a: MapPersonActivity, leadId: number): NewActivity[] {
    const at = a.occurredAt;
    const base = { leadId, activityDate: at };
    const url = a.url ? new URL(a.url) : null;
    const hostPath = url ? `${url.host}${url.pathname}` : '';
    const query = url ? url.search.replace(/^\?/, '') : '';
    const web = (extra: Array<{ name: string; value: string }>) =>
      [{ name: 'Client IP Address', value: ip(leadId) }, ...extra, { name: 'User Agent', value: UA }].filter(
        // Marketo omits attributes whose value is empty.
        (x) => x.value !== '',
      );
    const mailing = (a.campaignName ? `${a.campaignName}.` : '') + (a.emailName ?? 'Email');
    const emailAttrs = [
      { name: 'Campaign Run ID', value: assetId(`${mailing}@run`) },
      { name: 'Choice Number', value: 0 },
      { name: 'Step ID', value: 1 },
    ];
    const engage = [
      ...emailAttrs,
      { name: 'Device', value: 'Mac' },
      { name: 'Is Mobile Device', value: false },
      { name: 'Platform', value: 'Mac OS' },
      { name: 'User Agent', value: UA },
    ];
    switch (a.type) {
      case 'web_visit':
        return [
          {
            ...base,
            activityTypeId: 1,
            primaryAttributeValueId: assetId(hostPath),
            primaryAttributeValue: hostPath,
            attributes: web([
              { name: 'Query Parameters', value: query },
              { name: 'Webpage URL', value: url?.pathname ?? '' },
            ]),
          },
        ];
      case 'form_fill': {
        const form = a.assetName ?? 'Contact Us';
        return [
          {
            ...base,
            activityTypeId: 2,
            primaryAttributeValueId: assetId(form),
            primaryAttributeValue: form,
            attributes: web([
              { name: 'Form Fields', value: `<fields><Email>${a.email}</Email></fields>` },
              { name: 'Referrer URL', value: a.url ?? '' },
              { name: 'Webpage ID', value: String(assetId(hostPath)) },
            ]),
          },
        ];
      }
      case 'content_download': {
        const file = `${a.url ?? ''}/${encodeURIComponent(a.assetName ?? 'asset')}.pdf`;
        return [
          {
            ...base,
            activityTypeId: 3,
            primaryAttributeValueId: assetId(file),
            primaryAttributeValue: file,
            attributes: web([{ name: 'Referrer URL', value: a.url ?? '' }]),
          },
        ];
      }
      case 'email_send':
        return [
          {
            ...base,
            activityTypeId: 6,
            campaignId: assetId(`${a.campaignName ?? ''}@campaign`),
            primaryAttributeValueId: assetId(mailing),
            primaryAttributeValue: mailing,
            attributes: emailAttrs,
          },
        ];
      case 'email_open':
        return [
          {
            ...base,
            activityTypeId: 10,
            primaryAttributeValueId: assetId(mailing),
            primaryAttributeValue: mailing,
            attributes: engage,
          },
        ];
      case 'email_click':
        return [
          {
            ...base,
            activityTypeId: 11,
            primaryAttributeValueId: assetId(mailing),
            primaryAttributeValue: mailing,
            attributes: [...engage, { name: 'Link', value: a.url ?? '' }].filter((x) => x.value !== ''),
          },
        ];
    }
  }

  /**
   * The data of a MAP seed: every seed person as a lead synced with Salesforce (sfdcType,
   * sfdcLeadId/sfdcContactId, sfdcAccountId), every seed activity in Marketo's shape, and, unless
   * `noise` is false, the types Pulse does not pull (New Lead at creation, Email Delivered after
   * each send), so pages come back short or empty as Marketo's do.
   */
  static fromSeed(seed: MapSeed, opts: { noise?: boolean } = {}): MarketoData {
    const data = new MarketoData();
    const noise = opts.noise ?? true;
    const pending: NewActivity[] = [];
    for (const p of seed.people) {
      const lead = data.addLead({
        email: p.email,
        firstName: p.firstName || null,
        lastName: p.lastName || null,
        title: p.title,
        department: p.department,
        company: p.company,
        website: p.email.includes('@') ? `www.${p.email.split('@')[1]}` : null,
        sfdcType: p.kind === 'contact' ? 'Contact' : 'Lead',
        sfdcLeadId: p.kind === 'lead' ? p.salesforceId : null,
        sfdcContactId: p.kind === 'contact' ? p.salesforceId : null,
        sfdcAccountId: p.salesforceAccountId,
        createdAt: marketoDate(p.createdAt),
      });
      if (noise)
        pending.push({
          leadId: lead.id,
          activityDate: p.createdAt,
          activityTypeId: 12,
          primaryAttributeValueId: lead.id,
          primaryAttributeValue: `${p.firstName} ${p.lastName}`.trim(),
          attributes: [{ name: 'Source Type', value: 'New lead from Salesforce' }],
        });
    }
    for (const a of seed.activities) {
      const leadId = data.leadIdOf({ salesforceId: a.salesforceId, email: a.email });
      if (leadId === undefined) continue;
      for (const item of MarketoData.fromSeedActivity(a, leadId)) {
        pending.push(item);
        if (noise && item.activityTypeId === 6)
          pending.push({
            ...item,
            activityTypeId: 7,
            activityDate: new Date(Date.parse(item.activityDate) + 1000).toISOString(),
            campaignId: item.campaignId,
          });
      }
    }
    pending.sort((x, y) => Date.parse(x.activityDate) - Date.parse(y.activityDate));
    data.addActivities(pending);
    return data;
  }
}
