/**
 * Salesforce records → Pulse accounts, people, opportunities and events (pure). Activity types
 * follow the defaults; every activity rule can be overridden by configuration.
 */
import type { OpportunityRecord } from '../../store/salesforceRecords';
import { normalizeDomain } from '../../identity/domain';
import { personAttributes } from '../../identity/title';
import type { AccountRecord } from '../../store/accounts';
import type { EventRecord } from '../../store/events';
import type { PersonRecord } from '../../store/people';

/** A record as the REST API returns it (attributes stripped or ignored). */
export type SfRow = Record<string, unknown> & { Id: string };

/** The `source` of every event Pulse pulls from Salesforce. */
export const SOURCE = 'salesforce';

/** Configurable rules that decide a Task's or CampaignMember's Pulse activity type. */
export interface ActivityRules {
  /** Campaign types whose responded members attended something (→ event_attended). */
  attendedCampaignTypes: string[];
  /** A Task email whose Subject matches is a reply from the person (→ email_reply). */
  replySubject: RegExp;
  /** A Task email whose Description matches is inbound (→ email_reply). */
  inboundDescription: RegExp;
  /** A call disposition meaning nobody answered. */
  unansweredDisposition: RegExp;
}

/** The default rules: webinars and events attended; "Re:"-style subjects are replies. */
export const DEFAULT_ACTIVITY_RULES: ActivityRules = {
  attendedCampaignTypes: ['Webinar', 'Event', 'Conference', 'Trade Show', 'Seminar / Conference', 'Seminar'],
  replySubject: /^(email:\s*)?(re|aw|sv|antw|réf)\s*:/i,
  inboundDescription: /\binbound\b/i,
  unansweredDisposition: /no answer|busy|voicemail|not answered|unanswered/i,
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Parses Salesforce datetimes (`…+0000`) and dates (`YYYY-MM-DD`, as UTC midnight). */
export function parseSfDate(v: unknown): Date | null {
  const s = str(v);
  if (!s) return null;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Account → Pulse account; the owner's name comes from the User lookup. */
export function toAccount(r: SfRow, ownerNames: ReadonlyMap<string, string>): AccountRecord {
  const ownerId = str(r.OwnerId);
  return {
    id: r.Id,
    name: str(r.Name) ?? '',
    domain: normalizeDomain(str(r.Website)),
    ownerId,
    ownerName: ownerId ? (ownerNames.get(ownerId) ?? null) : null,
    parentId: str(r.ParentId),
    industry: str(r.Industry),
    employees: num(r.NumberOfEmployees),
    attributes: extraAttributes(r, ACCOUNT_FIELDS),
  };
}

const ACCOUNT_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'SystemModstamp',
  'Name',
  'Website',
  'OwnerId',
  'ParentId',
  'Industry',
  'NumberOfEmployees',
  'MasterRecordId',
  'attributes',
]);

/** Fields added by configuration land in `attributes` under their API name. */
function extraAttributes(r: SfRow, known: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!known.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** Contact → person (kind 'contact'), with title normalized by identity/. */
export function toContact(r: SfRow): PersonRecord {
  const attrs = personAttributes(str(r.Title), str(r.Department));
  return {
    id: r.Id,
    kind: 'contact',
    accountId: str(r.AccountId),
    email: str(r.Email)?.toLowerCase() ?? null,
    name: str(r.Name) ?? [str(r.FirstName), str(r.LastName)].filter(Boolean).join(' '),
    title: str(r.Title),
    departmentExplicit: str(r.Department),
    seniority: attrs.seniority,
    department: attrs.department,
    matchMethod: str(r.AccountId) ? 'salesforce' : null,
    matchConfidence: str(r.AccountId) ? 1 : null,
    attributes: {},
  };
}

/**
 * Lead → person (kind 'lead'). A converted lead sits on its converted account and points at
 * its contact (`convertedContactId`), so its history is counted once, on the contact; an
 * unconverted lead gets its account later from orphan matching.
 */
export function toLead(r: SfRow): PersonRecord & { convertedContactId: string | null } {
  const converted = r.IsConverted === true;
  const attrs = personAttributes(str(r.Title), null);
  const accountId = converted ? str(r.ConvertedAccountId) : null;
  return {
    id: r.Id,
    kind: 'lead',
    accountId,
    email: str(r.Email)?.toLowerCase() ?? null,
    name: str(r.Name) ?? [str(r.FirstName), str(r.LastName)].filter(Boolean).join(' '),
    title: str(r.Title),
    departmentExplicit: null,
    seniority: attrs.seniority,
    department: attrs.department,
    matchMethod: accountId ? 'lead_conversion' : null,
    matchConfidence: accountId ? 1 : null,
    attributes: { company: str(r.Company), status: str(r.Status), isConverted: converted },
    convertedContactId: converted ? str(r.ConvertedContactId) : null,
  };
}

/** An opportunity row as the store keeps it. */
export type OpportunityRow = OpportunityRecord;

/** Opportunity → store row. */
export function toOpportunity(r: SfRow): OpportunityRow {
  return {
    id: r.Id,
    accountId: str(r.AccountId),
    name: str(r.Name) ?? '',
    stage: str(r.StageName),
    amount: num(r.Amount),
    isClosed: r.IsClosed === true,
    isWon: r.IsWon === true,
    createdAt: parseSfDate(r.CreatedDate) ?? parseSfDate(r.SystemModstamp) ?? new Date(0),
    closeDate: str(r.CloseDate),
  };
}

/** The person an activity is about: Who on activities, Contact then Lead on campaign members. */
function personOf(whoId: string | null): string | null {
  return whoId && (whoId.startsWith('003') || whoId.startsWith('00Q')) ? whoId : null;
}

/** The account an activity names itself (AccountId, else a What that is an account). */
function explicitAccount(r: SfRow): string | null {
  const what = str(r.WhatId);
  return str(r.AccountId) ?? (what?.startsWith('001') ? what : null);
}

/**
 * Task → call / email_sent / email_reply, or null for other tasks (to-dos are not engagement).
 * Zero-duration or unanswered calls are kept with `excludedReason` so the receipt shows them.
 */
export function taskActivity(r: SfRow, m: ActivityRules = DEFAULT_ACTIVITY_RULES): EventRecord | null {
  const subtype = str(r.TaskSubtype);
  const type = str(r.Type);
  const subject = str(r.Subject) ?? '';
  const occurredAt = parseSfDate(r.ActivityDate) ?? parseSfDate(r.CreatedDate) ?? parseSfDate(r.SystemModstamp);
  if (!occurredAt) return null;
  let eventType: string;
  let excludedReason: string | null = null;
  if (subtype === 'Call' || type === 'Call') {
    eventType = 'call';
    const duration = num(r.CallDurationInSeconds);
    const disposition = str(r.CallDisposition) ?? '';
    if (duration === 0) excludedReason = 'call_zero_duration';
    else if (m.unansweredDisposition.test(disposition) && !duration) excludedReason = 'call_unanswered';
  } else if (subtype === 'Email' || type === 'Email' || /^email:/i.test(subject)) {
    const inbound = m.replySubject.test(subject) || m.inboundDescription.test(str(r.Description) ?? '');
    eventType = inbound ? 'email_reply' : 'email_sent';
  } else {
    return null;
  }
  return activityEvent(r, eventType, occurredAt, excludedReason, {
    subject,
    callType: str(r.CallType),
    durationSeconds: num(r.CallDurationInSeconds),
  });
}

/** Event → meeting, at its start. */
export function meetingActivity(r: SfRow): EventRecord | null {
  const occurredAt =
    parseSfDate(r.ActivityDateTime) ?? parseSfDate(r.StartDateTime) ?? parseSfDate(r.CreatedDate) ?? null;
  if (!occurredAt) return null;
  return activityEvent(r, 'meeting', occurredAt, null, { subject: str(r.Subject) ?? '' });
}

function activityEvent(
  r: SfRow,
  type: string,
  occurredAt: Date,
  excludedReason: string | null,
  extra: Record<string, unknown>,
): EventRecord {
  const sfAccountId = explicitAccount(r);
  return {
    source: SOURCE,
    sourceId: r.Id,
    type,
    occurredAt,
    personId: personOf(str(r.WhoId)),
    accountId: sfAccountId,
    domain: null,
    url: null,
    quantity: 1,
    strength: null,
    attributes: {
      object: r.Id.startsWith('00U') ? 'Event' : 'Task',
      sfAccountId,
      whoId: str(r.WhoId),
      whatId: str(r.WhatId),
      ...extra,
    },
    excludedReason,
  };
}

/** A campaign as campaign members need it. */
export interface CampaignInfo {
  name: string;
  type: string | null;
}

/**
 * CampaignMember → campaign_response or event_attended (by campaign type), dated by
 * FirstRespondedDate; a member who has not responded is no event (null).
 */
export function campaignMemberActivity(
  r: SfRow,
  campaigns: ReadonlyMap<string, CampaignInfo>,
  m: ActivityRules = DEFAULT_ACTIVITY_RULES,
): EventRecord | null {
  if (r.HasResponded !== true) return null;
  const occurredAt = parseSfDate(r.FirstRespondedDate) ?? parseSfDate(r.SystemModstamp);
  if (!occurredAt) return null;
  const campaignId = str(r.CampaignId);
  const campaign = campaignId ? campaigns.get(campaignId) : undefined;
  const attended = campaign?.type != null && m.attendedCampaignTypes.includes(campaign.type);
  return {
    source: SOURCE,
    sourceId: r.Id,
    type: attended ? 'event_attended' : 'campaign_response',
    occurredAt,
    personId: str(r.ContactId) ?? str(r.LeadId),
    accountId: null,
    domain: null,
    url: null,
    quantity: 1,
    strength: null,
    attributes: {
      object: 'CampaignMember',
      sfAccountId: null,
      campaignId,
      campaignName: campaign?.name ?? null,
      campaignType: campaign?.type ?? null,
      status: str(r.Status),
    },
    excludedReason: null,
  };
}
