/**
 * One account's slice of the org: its record, contacts and leads, the activity they
 * generate (Salesforce Tasks/Events/CampaignMembers and MAP-side activity) and the
 * opportunities that follow that activity. Each account draws from its own seeded
 * stream, so any account can be generated alone, in any order, with the same result.
 *
 * Activity is planned first (who, what kind, when) and only then turned into records,
 * because opportunities are derived from the plan: the more an account engaged in a
 * two-week window, the likelier a rep opens a deal 2–6 weeks later.
 */
import { KEY_PREFIX, mintId } from './ids';
import { Rng, mixSeed } from './random';
import { DAY, HOUR, MINUTE, isoTime, sfDate, sfDateTime, timeOnDay, utcDayStart } from './time';
import {
  CONTENT_ASSETS,
  EMAIL_SUBJECTS,
  FORMS,
  HIGH_INTENT_PAGES,
  INTENT_TOPICS,
  JUNK_TITLES,
  MEETING_SUBJECTS,
  OTHER_PAGES,
  PERSONAL_EMAIL_DOMAINS,
  TITLES,
  type Department,
  type Seniority,
} from './vocabulary';
import {
  FIRST_NAMES,
  ID_BASE,
  LAST_NAMES,
  SELLER_SITE,
  accountId,
  accountIdentity,
  type OrgContext,
  type StoryKind,
} from './context';
import { planStory } from './stories';
import type { AccountBundle, MapCompanyActivity, MapPersonActivity, SfRecord } from './types';

/** Per-account id blocks: counters are `index × block + n`, so ids never depend on other accounts. */
const PEOPLE_BLOCK = 32;
const TASK_BLOCK = 2048;
const EVENT_BLOCK = 512;
const MEMBER_BLOCK = 512;
const OPP_BLOCK = 16;

/** What a planned activity is. `*_unanswered` and `campaign_sent` are recorded but are not engagement. */
export type PlanKind =
  | 'call'
  | 'call_unanswered'
  | 'call_inbound'
  | 'email_sent'
  | 'email_reply'
  | 'meeting'
  | 'campaign_response'
  | 'campaign_sent'
  | 'email_open'
  | 'email_click'
  | 'form_fill'
  | 'web_visit_hi'
  | 'web_visit'
  | 'content_download'
  | 'bot_scan';

/** A contact or lead as the generator sees it while planning. */
export interface Person {
  id: string;
  object: 'Contact' | 'Lead';
  firstName: string;
  lastName: string;
  email: string;
  domain: string;
  title: string;
  department: Department;
  seniority: Seniority;
  createdMs: number;
  /** Relative share of the account's activity. */
  propensity: number;
  /** Only converted leads: the contact they became (their activity lives there). */
  converted?: boolean;
}

/** One planned activity. */
export interface Plan {
  kind: PlanKind;
  person: Person;
  t: number;
}

/** A planned opportunity. */
export interface OppPlan {
  createdMs: number;
  closeMs: number;
  name: string;
  amount: number;
  stage?: string;
  open?: boolean;
}

const GENERIC_KINDS: readonly (readonly [PlanKind, number])[] = [
  ['web_visit', 20],
  ['web_visit_hi', 8],
  ['email_open', 22],
  ['email_click', 8],
  ['form_fill', 3],
  ['content_download', 4],
  ['call', 4],
  ['call_unanswered', 3],
  ['call_inbound', 1],
  ['email_sent', 10],
  ['email_reply', 4],
  ['meeting', 3],
  ['campaign_response', 5],
  ['campaign_sent', 4],
];
/** Kinds a lead can have (no meetings logged against a lead in most orgs, but calls and emails, yes). */
const LEAD_KINDS = new Set<PlanKind>([
  'web_visit',
  'web_visit_hi',
  'email_open',
  'email_click',
  'form_fill',
  'content_download',
  'call',
  'call_unanswered',
  'email_sent',
  'email_reply',
  'campaign_response',
  'campaign_sent',
]);

/** Per-day activity rate of a generic account: most are quiet, some busy (a long tail). */
const LEVELS: readonly (readonly [number, number])[] = [
  [0.03, 55],
  [0.18, 35],
  [0.6, 10],
];

const TITLE_WEIGHTS = TITLES.map((t) => [t, t.weight] as const);

/** Helper state for building one account's people and records. */
export class PersonFactory {
  private n = 0;
  constructor(
    private readonly index: number,
    private readonly rng: Rng,
    private readonly domain: string,
    private readonly createdFloor: number,
  ) {}

  /** A new person; `titleDef` picks the title (random when omitted). */
  make(
    object: 'Contact' | 'Lead',
    opts: {
      title?: string;
      department?: Department;
      seniority?: Seniority;
      personal?: boolean;
      junk?: boolean;
      propensity?: number;
      email?: string;
    } = {},
  ): Person {
    const rng = this.rng;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const n = this.n++;
    if (n >= PEOPLE_BLOCK) throw new Error(`account ${this.index}: more than ${PEOPLE_BLOCK} people`);
    const counter = ID_BASE + this.index * PEOPLE_BLOCK + n;
    const id = mintId(object === 'Contact' ? KEY_PREFIX.Contact : KEY_PREFIX.Lead, counter);
    let title = opts.title;
    let department: Department = opts.department ?? 'unknown';
    let seniority: Seniority = opts.seniority ?? 'unknown';
    if (title === undefined) {
      if (opts.junk) {
        title = rng.pick(JUNK_TITLES);
        department = 'unknown';
        seniority = 'unknown';
      } else {
        const def = rng.weighted(TITLE_WEIGHTS);
        title = def.title;
        department = def.department;
        seniority = def.seniority;
      }
    }
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const domain = opts.personal ? rng.pick(PERSONAL_EMAIL_DOMAINS) : this.domain;
    // The n suffix keeps two people with the same name apart, as real mail admins do.
    const email =
      opts.email ??
      (opts.personal
        ? `${local}${rng.int(1, 999)}@${domain}`
        : `${local}${n > 0 && rng.chance(0.1) ? n : ''}@${domain}`);
    return {
      id,
      object,
      firstName: first,
      lastName: last,
      email,
      domain: email.slice(email.indexOf('@') + 1),
      title,
      department,
      seniority,
      createdMs: this.createdFloor + rng.int(0, 3 * 24 * 3600) * 1000,
      propensity: opts.propensity ?? (opts.junk ? 0.4 : 1),
    };
  }
}

/** Generates account `index` of the org. */
export function generateAccount(ctx: OrgContext, index: number): AccountBundle {
  const rng = new Rng(mixSeed(ctx.seed, index, 23));
  const identity = accountIdentity(ctx, index);
  const story = ctx.storyAt.get(index);
  const owner = ctx.users[mixSeed(ctx.seed, index, 5) % ctx.users.length];
  if (!owner) throw new Error('no users');
  const accountCreated = ctx.startMs + rng.int(3600, 2 * 24 * 3600) * 1000;
  const factory = new PersonFactory(index, rng, identity.domain, accountCreated + HOUR);
  const activityStart = ctx.startMs + 7 * DAY;
  // Opportunities draw from their own stream: how deals follow engagement can change without moving the activity.
  const oppRng = new Rng(mixSeed(ctx.seed, index, 29));

  let persons: Person[];
  let plans: Plan[];
  let opps: OppPlan[];
  let intensity: (t: number) => number;
  let adReach: number;
  if (story) {
    const planned = planStory(story as StoryKind, { ctx, rng, factory, identity, activityStart });
    persons = planned.persons;
    plans = planned.plans;
    opps = planned.opps;
    intensity = planned.intensity;
    adReach = planned.adReach;
  } else {
    persons = genericPeople(rng, factory, identity.employees);
    intensity = genericIntensity(rng, ctx);
    plans = genericPlans(rng, ctx, persons, intensity, activityStart);
    opps = deriveOpportunities(oppRng, ctx, plans, identity.name, identity.employees);
    adReach = rng.chance(0.3) ? 1 : 0;
  }
  plans.sort((a, b) => a.t - b.t);

  return materialize({
    ctx,
    rng,
    oppRng,
    index,
    identity,
    ownerId: String(owner.Id),
    accountCreated,
    persons,
    plans,
    opps,
    intensity,
    adReach,
  });
}

function genericPeople(rng: Rng, factory: PersonFactory, employees: number): Person[] {
  const contacts = Math.min(8, 3 + Math.floor(rng.next() * (employees > 1000 ? 6 : 4)));
  const persons: Person[] = [];
  for (let i = 0; i < contacts; i++) persons.push(factory.make('Contact', { junk: rng.chance(0.05) }));
  // One champion does most of the engaging at a typical account.
  const champion = persons[rng.int(0, persons.length - 1)];
  if (champion) champion.propensity = 4;
  const leads = rng.poisson(1.6);
  for (let i = 0; i < leads; i++) {
    const kind = rng.weighted([
      ['converted', 45],
      ['personal', 20],
      ['work', 30],
      ['junk', 5],
    ] as const);
    const lead = factory.make('Lead', {
      personal: kind === 'personal',
      junk: kind === 'junk' || (kind === 'personal' && rng.chance(0.3)),
    });
    if (kind === 'converted') {
      lead.converted = true;
      lead.propensity = 0;
    } else {
      lead.propensity = 0.6;
    }
    persons.push(lead);
  }
  return persons;
}

function genericIntensity(rng: Rng, ctx: OrgContext): (t: number) => number {
  const span = ctx.nowMs - ctx.startMs;
  const shape = rng.weighted([
    ['steady', 40],
    ['rising', 20],
    ['falling', 20],
    ['burst', 20],
  ] as const);
  const center = ctx.startMs + rng.next() * span;
  const width = rng.int(7, 25) * DAY;
  switch (shape) {
    case 'steady':
      return () => 1;
    case 'rising':
      return (t) => 0.2 + (1.6 * (t - ctx.startMs)) / span;
    case 'falling':
      return (t) => 1.8 - (1.6 * (t - ctx.startMs)) / span;
    case 'burst':
      return (t) => 0.15 + 3 * Math.exp(-(((t - center) / width) ** 2));
  }
}

/** Draws activity times from a rate × intensity profile by thinning (intensity is at most ~3.2). */
function genericPlans(
  rng: Rng,
  ctx: OrgContext,
  persons: Person[],
  intensity: (t: number) => number,
  from: number,
): Plan[] {
  const rate = rng.weighted(LEVELS);
  const days = (ctx.nowMs - from) / DAY;
  const candidates = rng.poisson(rate * days * 3.2);
  const plans: Plan[] = [];
  const active = persons.filter((p) => p.propensity > 0);
  if (active.length === 0) return plans;
  const weights = active.map((p) => [p, p.propensity] as const);
  for (let i = 0; i < candidates; i++) {
    const t = from + rng.next() * (ctx.nowMs - from);
    if (rng.next() * 3.2 > intensity(t)) continue;
    const person = rng.weighted(weights);
    let kind = rng.weighted(GENERIC_KINDS);
    if (person.object === 'Lead' && !LEAD_KINDS.has(kind)) kind = 'email_open';
    plans.push({ kind, person, t: timeOnDay(rng, utcDayStart(t), ctx.nowMs) });
  }
  return plans;
}

const STAGES_OPEN = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Proposal/Price Quote',
  'Negotiation/Review',
];
const PRODUCTS = [
  'Platform',
  'Enterprise Expansion',
  'Analytics Add-on',
  'Pilot',
  'Renewal + Upsell',
  'Security Package',
];

/**
 * How much one activity moves a rep to open a deal (a buying signal, not Pulse's score): two-way
 * contact and buying-stage reading (meetings, inbound calls, replies, pricing and demo pages, forms)
 * weigh most, passive touches (opens, generic pages) little. Kinds that are not engagement weigh 0.
 */
export const DEAL_SIGNAL: Readonly<Record<PlanKind, number>> = {
  meeting: 5,
  call_inbound: 4,
  call: 2.5,
  email_reply: 2.5,
  web_visit_hi: 2,
  form_fill: 2,
  content_download: 1,
  campaign_response: 1,
  email_click: 0.5,
  web_visit: 0.2,
  email_open: 0.1,
  call_unanswered: 0,
  campaign_sent: 0,
  email_sent: 0,
  bot_scan: 0,
};

/** An executive in the conversation makes a deal likelier (a director somewhat). */
function signalFactor(person: Person): number {
  return person.seniority === 'cxo' || person.seniority === 'vp' ? 1.5 : person.seniority === 'director' ? 1.2 : 1;
}

/** A deal follows a buying journey: the signal counted for a window is its own two weeks and the four before. */
const JOURNEY_MS = 42 * DAY;
/** The most likely a deal gets in one window, and the journey's signal at which it is half that. */
const DEAL_CHANCE_MAX = 0.4;
const DEAL_SIGNAL_HALF = 30;

/**
 * Opportunities follow engagement: per two-week window, the chance that a rep opens a deal rises
 * with the account's buying signal over the journey ending with the window (DEAL_SIGNAL per
 * activity, ×1.5 for an executive, ×1.2 for a director), as 0.4 × s² ÷ (s² + 30²): a few touches
 * almost never make a deal, a sustained journey often does. The deal is opened 2–6 weeks after
 * the window; a rep does not open a second deal while one is open. Draws come from the account's
 * own opportunity stream, so changing this never moves the account's activity.
 */
export function deriveOpportunities(
  rng: Rng,
  ctx: OrgContext,
  plans: readonly Plan[],
  accountName: string,
  employees: number,
): OppPlan[] {
  const opps: OppPlan[] = [];
  const windowMs = 14 * DAY;
  for (let w = ctx.startMs; w < ctx.nowMs && opps.length < 3; w += windowMs) {
    let signal = 0;
    for (const a of plans) {
      if (a.t >= w + windowMs - JOURNEY_MS && a.t < w + windowMs)
        signal += DEAL_SIGNAL[a.kind] * signalFactor(a.person);
    }
    if (!rng.chance((DEAL_CHANCE_MAX * signal ** 2) / (signal ** 2 + DEAL_SIGNAL_HALF ** 2))) continue;
    const createdMs = w + windowMs + rng.int(14, 42) * DAY + rng.int(13, 22) * HOUR;
    if (createdMs > ctx.nowMs) continue;
    const last = opps[opps.length - 1];
    if (last && last.closeMs > createdMs) continue;
    opps.push(oppPlan(rng, accountName, employees, createdMs));
  }
  // A little noise: deals that come from nowhere (referrals, renewals) so prediction is not perfect.
  if (opps.length === 0 && rng.chance(0.02)) {
    opps.push(
      oppPlan(rng, accountName, employees, ctx.startMs + 10 * DAY + rng.next() * (ctx.nowMs - ctx.startMs - 10 * DAY)),
    );
  }
  return opps;
}

function oppPlan(rng: Rng, accountName: string, employees: number, createdMs: number): OppPlan {
  const amount = Math.round((5_000 + Math.sqrt(employees) * rng.int(200, 1_500)) / 1000) * 1000;
  return {
    createdMs,
    closeMs: createdMs + rng.int(30, 120) * DAY,
    name: `${accountName} — ${rng.pick(PRODUCTS)}`,
    amount,
  };
}

interface MaterializeInput {
  ctx: OrgContext;
  rng: Rng;
  /** The account's opportunity stream (deals' outcomes and dates). */
  oppRng: Rng;
  index: number;
  identity: ReturnType<typeof accountIdentity>;
  ownerId: string;
  accountCreated: number;
  persons: Person[];
  plans: Plan[];
  opps: OppPlan[];
  intensity: (t: number) => number;
  adReach: number;
}

const MEMBER_STATUS: Record<string, { responded: string[]; not: string[] }> = {
  Webinar: { responded: ['Attended', 'Attended On-Demand'], not: ['Registered', 'No Show'] },
  Conference: { responded: ['Attended', 'Visited Booth'], not: ['Registered', 'Invited'] },
  'Trade Show': { responded: ['Visited Booth', 'Attended'], not: ['Invited'] },
  Email: { responded: ['Responded', 'Clicked'], not: ['Sent'] },
  'Content Syndication': { responded: ['Downloaded'], not: ['Sent'] },
  Advertisement: { responded: ['Responded', 'Form Submitted'], not: ['Sent'] },
};

/** Campaign types whose responses mean a person showed up (exported as `event_attended`). */
export const EVENT_CAMPAIGN_TYPES = new Set(['Webinar', 'Conference', 'Trade Show']);

function materialize(input: MaterializeInput): AccountBundle {
  const { ctx, rng, oppRng, index, identity, ownerId, accountCreated, persons, plans, opps } = input;
  const accId = accountId(index);
  const nowMs = ctx.nowMs;
  const stamp = (createdMs: number, modifiedMs = createdMs): Record<string, string> => {
    const c = Math.min(createdMs, nowMs);
    const m = Math.min(Math.max(modifiedMs, c), nowMs);
    return { CreatedDate: sfDateTime(c), LastModifiedDate: sfDateTime(m), SystemModstamp: sfDateTime(m) };
  };

  const lastActivity = plans.length ? (plans[plans.length - 1]?.t ?? accountCreated) : accountCreated;
  const account: SfRecord = {
    Id: accId,
    IsDeleted: false,
    Name: identity.name,
    Website: `https://www.${identity.domain}`,
    Industry: identity.industry,
    NumberOfEmployees: identity.employees,
    OwnerId: ownerId,
    ParentId: identity.parentIndex === null ? null : accountId(identity.parentIndex),
    Type: opps.some((o) => o.closeMs < nowMs) ? 'Customer' : 'Prospect',
    MasterRecordId: null,
    ...stamp(accountCreated, accountCreated + rng.next() * (lastActivity - accountCreated)),
  };

  // Contacts first: converted leads point at one of them.
  const contactsP = persons.filter((p) => p.object === 'Contact');
  const contacts: SfRecord[] = contactsP.map((p) => ({
    Id: p.id,
    IsDeleted: false,
    AccountId: accId,
    FirstName: p.firstName,
    LastName: p.lastName,
    Name: `${p.firstName} ${p.lastName}`,
    Email: p.email,
    Title: p.title,
    Department: rng.chance(0.3) ? departmentLabel(p.department) : null,
    OwnerId: ownerId,
    MasterRecordId: null,
    ...stamp(p.createdMs),
  }));
  const leads: SfRecord[] = [];
  for (const p of persons) {
    if (p.object !== 'Lead') continue;
    const convertedContact = p.converted && contactsP.length ? contactsP[rng.int(0, contactsP.length - 1)] : undefined;
    const convertedMs = convertedContact ? p.createdMs + rng.int(1, 20) * DAY : null;
    leads.push({
      Id: p.id,
      IsDeleted: false,
      FirstName: p.firstName,
      LastName: p.lastName,
      Name: `${p.firstName} ${p.lastName}`,
      Company:
        p.domain === identity.domain || convertedContact
          ? identity.name
          : rng.chance(0.5)
            ? identity.name
            : '[not provided]',
      Email: p.email,
      Title: p.title,
      Status: convertedContact
        ? 'Closed - Converted'
        : rng.pick(['Open - Not Contacted', 'Working - Contacted', 'Nurture']),
      LeadSource: rng.pick(['Web', 'Webinar', 'Trade Show', 'Content Syndication', 'Advertisement', 'Purchased List']),
      IsConverted: Boolean(convertedContact),
      ConvertedAccountId: convertedContact ? accId : null,
      ConvertedContactId: convertedContact ? convertedContact.id : null,
      ConvertedDate: convertedMs === null ? null : sfDate(Math.min(convertedMs, nowMs)),
      OwnerId: ownerId,
      MasterRecordId: null,
      ...stamp(p.createdMs, convertedMs ?? p.createdMs),
    });
  }

  const opportunities: SfRecord[] = opps.map((o, n) => {
    if (n >= OPP_BLOCK) throw new Error(`account ${index}: too many opportunities`);
    const closed = o.open ? false : o.closeMs <= nowMs;
    const won = closed && oppRng.chance(0.4);
    const stage = o.stage ?? (closed ? (won ? 'Closed Won' : 'Closed Lost') : stageFor(o, nowMs));
    return {
      Id: mintId(KEY_PREFIX.Opportunity, ID_BASE + index * OPP_BLOCK + n),
      IsDeleted: false,
      AccountId: accId,
      Name: o.name,
      StageName: stage,
      Amount: o.amount,
      CloseDate: sfDate(o.closeMs),
      IsClosed: closed,
      IsWon: won,
      Type: 'New Business',
      OwnerId: ownerId,
      ...stamp(o.createdMs, closed ? o.closeMs : o.createdMs + oppRng.next() * (nowMs - o.createdMs)),
    };
  });
  const openOppAt = (t: number): string | null => {
    for (let n = 0; n < opps.length; n++) {
      const o = opps[n];
      const rec = opportunities[n];
      if (o && rec && o.createdMs <= t && (!rec.IsClosed || o.closeMs >= t)) return rec.Id;
    }
    return null;
  };

  const tasks: SfRecord[] = [];
  const events: SfRecord[] = [];
  const members: SfRecord[] = [];
  const mapPeople: MapPersonActivity[] = [];
  const memberOf = new Set<string>();
  let mapN = 0;

  /** Who an activity at `t` is with and what it is about (Salesforce forbids a WhatId when the WhoId is a lead). */
  const regarding = (person: Person, t: number) => {
    const isLead = person.object === 'Lead';
    return {
      WhoId: person.id,
      WhatId: isLead ? null : (openOppAt(t) ?? accId),
      AccountId: isLead ? null : accId,
      OwnerId: ownerId,
    };
  };

  const addTask = (person: Person, t: number, fields: Record<string, string | number | boolean | null>): void => {
    if (tasks.length >= TASK_BLOCK) return;
    const logged = Math.min(nowMs, t + rng.int(1, 30) * MINUTE);
    tasks.push({
      Id: mintId(KEY_PREFIX.Task, ID_BASE + index * TASK_BLOCK + tasks.length),
      IsDeleted: false,
      ...regarding(person, t),
      ActivityDate: sfDate(t),
      Status: 'Completed',
      Priority: 'Normal',
      IsClosed: true,
      Description: null,
      CallType: null,
      CallDurationInSeconds: null,
      CallDisposition: null,
      ...fields,
      ...stamp(logged),
    });
  };
  const addMap = (
    person: Person,
    type: MapPersonActivity['type'],
    t: number,
    extra: Partial<Pick<MapPersonActivity, 'url' | 'campaignName' | 'emailName' | 'assetName'>> = {},
  ): void => {
    mapPeople.push({
      sourceId: `pa-${index}-${mapN++}`,
      type,
      occurredAt: isoTime(Math.min(t, nowMs)),
      email: person.email,
      domain: person.domain,
      salesforceId: person.id,
      url: extra.url ?? null,
      campaignName: extra.campaignName ?? null,
      emailName: extra.emailName ?? null,
      assetName: extra.assetName ?? null,
    });
  };
  const campaignAt = (t: number): { id: string; name: string; type: string } | null => {
    const day = Math.max(0, Math.min(ctx.days, Math.floor((t - ctx.startMs) / DAY)));
    const active = ctx.campaignsByDay[day] ?? [];
    if (active.length === 0) return null;
    const c = ctx.campaigns[active[rng.int(0, active.length - 1)] ?? 0];
    return c ? { id: c.record.Id, name: c.name, type: c.type } : null;
  };
  const emailLinks = (campaign: string): string[] => {
    const n = rng.int(2, 3);
    const links = [`${SELLER_SITE}${rng.pick(HIGH_INTENT_PAGES)}`];
    while (links.length < n) links.push(`${SELLER_SITE}${rng.pick(OTHER_PAGES)}`);
    const tag = encodeURIComponent(campaign.slice(0, 40));
    return links.map((u) => `${u}?utm_source=email&utm_campaign=${tag}`);
  };
  const marketingEmail = (person: Person, t: number, open: boolean, click: boolean): void => {
    const campaign = campaignAt(t);
    const campaignName = campaign?.name ?? 'Monthly Newsletter';
    const emailName = `${campaignName}: ${rng.pick(['Invitation', 'Reminder', 'Follow-up', 'Newsletter'])}`;
    const sendAt = Math.max(person.createdMs + MINUTE, t - rng.int(10, 48 * 60) * MINUTE);
    addMap(person, 'email_send', sendAt, { campaignName, emailName });
    if (open || click)
      addMap(person, 'email_open', Math.max(sendAt + MINUTE, t - (click ? rng.int(1, 10) * MINUTE : 0)), {
        campaignName,
        emailName,
      });
    if (click) addMap(person, 'email_click', t, { campaignName, emailName, url: rng.pick(emailLinks(campaignName)) });
  };

  for (const plan of plans) {
    const { person, t } = plan;
    if (t > nowMs || t < person.createdMs) continue;
    switch (plan.kind) {
      case 'call':
      case 'call_unanswered':
      case 'call_inbound': {
        const answered = plan.kind !== 'call_unanswered';
        const duration = answered ? rng.int(45, 1800) : 0;
        addTask(person, t, {
          Subject: plan.kind === 'call_inbound' ? 'Inbound call' : answered ? 'Call' : 'Call — no answer',
          Type: 'Call',
          TaskSubtype: 'Call',
          CallType: plan.kind === 'call_inbound' ? 'Inbound' : 'Outbound',
          CallDurationInSeconds: duration,
          CallDisposition: answered
            ? rng.pick(['Connected', 'Connected - Interested', 'Meeting Booked'])
            : rng.pick(['No Answer', 'Left Voicemail', 'Busy']),
        });
        break;
      }
      case 'email_sent':
        addTask(person, t, { Subject: `Email: ${rng.pick(EMAIL_SUBJECTS)}`, Type: 'Email', TaskSubtype: 'Email' });
        break;
      case 'email_reply': {
        // The rep's email, then the person's reply logged by Einstein Activity Capture-style sync.
        const subject = rng.pick(EMAIL_SUBJECTS);
        const sentAt = Math.max(person.createdMs + MINUTE, t - rng.int(30, 48 * 60) * MINUTE);
        addTask(person, sentAt, { Subject: `Email: ${subject}`, Type: 'Email', TaskSubtype: 'Email' });
        addTask(person, t, {
          Subject: `Email: Re: ${subject}`,
          Type: 'Email',
          TaskSubtype: 'Email',
          Description: 'Inbound reply',
        });
        break;
      }
      case 'meeting': {
        if (events.length >= EVENT_BLOCK) break;
        const minutes = rng.pick([30, 30, 45, 60]);
        const start = Math.min(Math.floor(t / (30 * MINUTE)) * 30 * MINUTE, nowMs - minutes * MINUTE);
        const end = start + minutes * MINUTE;
        events.push({
          Id: mintId(KEY_PREFIX.Event, ID_BASE + index * EVENT_BLOCK + events.length),
          IsDeleted: false,
          ...regarding(person, start),
          Subject: `Meeting: ${rng.pick(MEETING_SUBJECTS)}`,
          Type: 'Meeting',
          StartDateTime: sfDateTime(start),
          EndDateTime: sfDateTime(end),
          ActivityDateTime: sfDateTime(start),
          ActivityDate: sfDate(start),
          DurationInMinutes: minutes,
          IsAllDayEvent: false,
          ...stamp(Math.max(person.createdMs, start - rng.int(1, 7) * DAY), end),
        });
        break;
      }
      case 'campaign_response':
      case 'campaign_sent': {
        const c = campaignAt(t);
        if (!c || members.length >= MEMBER_BLOCK || memberOf.has(c.id + person.id)) break;
        memberOf.add(c.id + person.id);
        const statuses = MEMBER_STATUS[c.type] ?? { responded: ['Responded'], not: ['Sent'] };
        const responded = plan.kind === 'campaign_response';
        const added = Math.max(person.createdMs, t - rng.int(1, 10) * DAY);
        members.push({
          Id: mintId(KEY_PREFIX.CampaignMember, ID_BASE + index * MEMBER_BLOCK + members.length),
          IsDeleted: false,
          CampaignId: c.id,
          ContactId: person.object === 'Contact' ? person.id : null,
          LeadId: person.object === 'Lead' ? person.id : null,
          Status: rng.pick(responded ? statuses.responded : statuses.not),
          HasResponded: responded,
          FirstRespondedDate: responded ? sfDate(t) : null,
          ...stamp(added, responded ? t : added),
        });
        break;
      }
      case 'email_open':
        marketingEmail(person, t, true, false);
        break;
      case 'email_click':
        marketingEmail(person, t, true, true);
        break;
      case 'form_fill':
        addMap(person, 'web_visit', t - rng.int(1, 5) * MINUTE, {
          url: `${SELLER_SITE}${rng.pick(HIGH_INTENT_PAGES)}`,
        });
        addMap(person, 'form_fill', t, { assetName: rng.pick(FORMS), url: `${SELLER_SITE}/contact` });
        break;
      case 'web_visit_hi':
        addMap(person, 'web_visit', t, { url: `${SELLER_SITE}${rng.pick(HIGH_INTENT_PAGES)}` });
        break;
      case 'web_visit':
        addMap(person, 'web_visit', t, { url: `${SELLER_SITE}${rng.pick(OTHER_PAGES)}` });
        break;
      case 'content_download':
        addMap(person, 'content_download', t, {
          assetName: rng.pick(CONTENT_ASSETS),
          url: `${SELLER_SITE}/resources/download`,
        });
        break;
      case 'bot_scan': {
        // An email security gateway fetches the message and every link in it seconds after delivery.
        const campaign = campaignAt(t);
        const campaignName = campaign?.name ?? 'Monthly Newsletter';
        const emailName = `${campaignName}: Newsletter`;
        addMap(person, 'email_send', t, { campaignName, emailName });
        addMap(person, 'email_open', t + rng.int(2, 9) * 1000, { campaignName, emailName });
        let at = t + 3000;
        for (const url of emailLinks(campaignName)) {
          at += rng.int(1, 6) * 1000;
          addMap(person, 'email_click', at, { campaignName, emailName, url });
        }
        break;
      }
    }
  }

  const mapCompanies = companyActivity(input, mapN);
  return {
    index,
    account,
    contacts,
    leads,
    tasks,
    events,
    campaignMembers: members,
    opportunities,
    mapPeople,
    mapCompanies,
  };
}

function stageFor(o: OppPlan, nowMs: number): string {
  const progress = (nowMs - o.createdMs) / Math.max(DAY, o.closeMs - o.createdMs);
  const i = Math.min(STAGES_OPEN.length - 1, Math.floor(progress * STAGES_OPEN.length));
  return STAGES_OPEN[Math.max(0, i)] ?? 'Prospecting';
}

function departmentLabel(d: Department): string {
  const labels: Partial<Record<Department, string>> = {
    marketing: 'Marketing',
    it: 'IT',
    finance: 'Finance',
    sales: 'Sales',
    security: 'Information Security',
    engineering: 'Engineering',
    operations: 'Operations',
    executive: 'Executive',
  };
  return labels[d] ?? 'Other';
}

/** Daily ad rows (impressions, clicks, leads) and weekly intent rows for the account's domain. */
function companyActivity(input: MaterializeInput, _offset: number): MapCompanyActivity[] {
  const { ctx, index, identity, intensity, adReach } = input;
  const rng = new Rng(mixSeed(ctx.seed, index, 31));
  const out: MapCompanyActivity[] = [];
  let n = 0;
  const row = (
    type: MapCompanyActivity['type'],
    dayStart: number,
    quantity: number,
    extra: Partial<MapCompanyActivity> = {},
  ): void => {
    const at = Math.min(dayStart + 12 * HOUR, ctx.nowMs);
    out.push({
      sourceId: `ca-${index}-${n++}`,
      type,
      occurredAt: isoTime(at),
      date: sfDate(dayStart),
      domain: identity.domain,
      quantity,
      campaignName: extra.campaignName ?? null,
      topic: extra.topic ?? null,
      strength: extra.strength ?? null,
    });
  };
  if (adReach > 0) {
    const campaign = `LinkedIn — ${identity.industry} ABM`;
    for (let day = utcDayStart(ctx.startMs) + 7 * DAY; day <= ctx.nowMs; day += DAY) {
      // Ads reach an account on some days; more often when it is in market.
      if (!rng.chance(Math.min(0.9, 0.12 * adReach * intensity(day + 12 * HOUR)))) continue;
      const impressions = rng.int(1, 30);
      row('ad_impression', day, impressions, { campaignName: campaign });
      let clicks = 0;
      for (let i = 0; i < impressions; i++) if (rng.chance(0.012 * adReach)) clicks++;
      if (clicks > 0) {
        row('ad_click', day, clicks, { campaignName: campaign });
        if (rng.chance(0.15)) row('ad_lead', day, 1, { campaignName: campaign });
      }
    }
  }
  // Intent arrives weekly (Bombora-style Company Surge) for accounts researching the category.
  if (adReach > 0 || mixSeed(ctx.seed, index, 41) % 100 < 15) {
    const topic = rng.pick(INTENT_TOPICS);
    for (let week = utcDayStart(ctx.startMs) + 7 * DAY; week <= ctx.nowMs; week += 7 * DAY) {
      const strength = Math.round(Math.min(100, 25 * intensity(week) + rng.int(0, 30)));
      if (strength < 50) continue;
      row('intent', week, 1, { topic, strength });
    }
  }
  return out;
}
