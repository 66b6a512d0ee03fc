/**
 * The planted stories: scripted people and activity for five named accounts, so tests
 * and the demo can point at a known answer. docs/generated-org.md describes each one.
 */
import type { Rng } from './random';
import { DAY, timeOnDay, utcDayStart } from './time';
import type { OrgContext, StoryKind, accountIdentity } from './context';
import type { OppPlan, Person, PersonFactory, Plan, PlanKind } from './account';
import type { Department, Seniority } from './vocabulary';

interface StoryInput {
  ctx: OrgContext;
  rng: Rng;
  factory: PersonFactory;
  identity: ReturnType<typeof accountIdentity>;
  activityStart: number;
}

/** What a story contributes instead of the generic account plan. */
export interface StoryPlan {
  persons: Person[];
  plans: Plan[];
  opps: OppPlan[];
  intensity: (t: number) => number;
  adReach: number;
}

type Role = [title: string, department: Department, seniority: Seniority];

const CMO: Role = ['Chief Marketing Officer', 'marketing', 'cxo'];
const VP_MARKETING: Role = ['VP Marketing', 'marketing', 'vp'];
const CIO: Role = ['CIO', 'it', 'cxo'];
const MARKETING_OPS: Role = ['Marketing Ops Manager', 'marketing', 'manager'];
const ANALYST: Role = ['Marketing Analyst', 'marketing', 'individual'];
const IT_DIRECTOR: Role = ['IT Director', 'it', 'director'];
const CISO: Role = ['CISO', 'security', 'cxo'];
const CONTROLLER: Role = ['Controller', 'finance', 'director'];
const DIRECTOR_MARKETING: Role = ['Director of Marketing', 'marketing', 'director'];
const IT_MANAGER: Role = ['IT Manager', 'it', 'manager'];
const BSA: Role = ['Business Systems Analyst', 'it', 'individual'];

/** Engagement kinds a story draws from (no unanswered calls or unopened mail: those are noise, not story). */
const ENGAGING: readonly PlanKind[] = [
  'web_visit_hi',
  'web_visit',
  'email_open',
  'email_click',
  'content_download',
  'meeting',
  'call',
  'email_reply',
  'campaign_response',
];

/** Plans the activity of a planted account. */
export function planStory(kind: StoryKind, input: StoryInput): StoryPlan {
  switch (kind) {
    case 'surging':
      return surging(input);
    case 'cooling':
      return cooling(input);
    case 'loneWolf':
      return loneWolf(input);
    case 'orphanLeads':
      return orphanLeads(input);
    case 'bot':
      return bot(input);
  }
}

function person(input: StoryInput, object: 'Contact' | 'Lead', role: Role, propensity = 1): Person {
  return input.factory.make(object, { title: role[0], department: role[1], seniority: role[2], propensity });
}

/** A time `daysAgo` days before now (0 = today), in business hours, never after now. */
function daysAgo(input: StoryInput, days: number): number {
  return timeOnDay(input.rng, utcDayStart(input.ctx.nowMs) - days * DAY, input.ctx.nowMs);
}

function spread(
  input: StoryInput,
  who: Person[],
  count: number,
  fromDaysAgo: number,
  toDaysAgo: number,
  kinds = ENGAGING,
): Plan[] {
  const { rng } = input;
  const plans: Plan[] = [];
  for (let i = 0; i < count; i++) {
    const p = who[i % who.length];
    if (!p) break;
    plans.push({ kind: rng.pick(kinds), person: p, t: daysAgo(input, rng.int(toDaysAgo, fromDaysAgo)) });
  }
  return plans;
}

function surging(input: StoryInput): StoryPlan {
  const cmo = person(input, 'Contact', CMO);
  const vp = person(input, 'Contact', VP_MARKETING);
  const cio = person(input, 'Contact', CIO);
  const ops = person(input, 'Contact', MARKETING_OPS);
  const itd = person(input, 'Contact', IT_DIRECTOR);
  const controller = person(input, 'Contact', CONTROLLER);
  const plans: Plan[] = [
    // Before the surge: one ops manager browsing now and then.
    ...spread(input, [ops], 3, 120, 40, ['web_visit', 'email_open']),
    // The last three weeks: the executives arrive, with meetings and pricing visits.
    { kind: 'meeting', person: cmo, t: daysAgo(input, 4) },
    { kind: 'campaign_response', person: cmo, t: daysAgo(input, 12) },
    { kind: 'web_visit_hi', person: cmo, t: daysAgo(input, 2) },
    { kind: 'meeting', person: vp, t: daysAgo(input, 9) },
    { kind: 'email_reply', person: vp, t: daysAgo(input, 6) },
    { kind: 'web_visit_hi', person: vp, t: daysAgo(input, 1) },
    { kind: 'form_fill', person: cio, t: daysAgo(input, 15) },
    { kind: 'meeting', person: cio, t: daysAgo(input, 3) },
    ...spread(input, [cmo, vp, cio, ops, itd, controller, vp, ops], 32, 20, 0),
  ];
  const surgeStart = input.ctx.nowMs - 21 * DAY;
  return {
    persons: [cmo, vp, cio, ops, itd, controller],
    plans,
    opps: [],
    intensity: (t) => (t >= surgeStart ? 3 : 0.1),
    adReach: 2,
  };
}

function cooling(input: StoryInput): StoryPlan {
  const vp = person(input, 'Contact', VP_MARKETING);
  const dir = person(input, 'Contact', DIRECTOR_MARKETING);
  const itm = person(input, 'Contact', IT_MANAGER);
  const analyst = person(input, 'Contact', ANALYST);
  const cfo = person(input, 'Contact', ['CFO', 'finance', 'cxo']);
  const team = [vp, dir, itm, analyst, cfo];
  const plans: Plan[] = [
    ...spread(input, team, 45, 90, 60),
    ...spread(input, team, 6, 150, 91, ['web_visit', 'email_open']),
  ];
  const lastDay = input.ctx.nowMs - 60 * DAY;
  const heavyFrom = input.ctx.nowMs - 90 * DAY;
  return {
    persons: team,
    plans,
    opps: [],
    // Ads and intent follow the same arc: strong 60–90 days ago, nothing after.
    intensity: (t) => (t > lastDay ? 0 : t >= heavyFrom ? 3 : 0.3),
    adReach: 1,
  };
}

function loneWolf(input: StoryInput): StoryPlan {
  const ops = person(input, 'Contact', MARKETING_OPS);
  const analyst = person(input, 'Contact', ANALYST);
  const cmo = person(input, 'Contact', ['CMO', 'marketing', 'cxo']);
  const itd = person(input, 'Contact', IT_DIRECTOR);
  const ciso = person(input, 'Contact', CISO);
  const controller = person(input, 'Contact', CONTROLLER);
  const duo = [ops, analyst];
  const plans: Plan[] = [
    ...spread(input, duo, 36, 75, 1),
    { kind: 'meeting', person: ops, t: daysAgo(input, 8) },
    { kind: 'meeting', person: analyst, t: daysAgo(input, 15) },
    { kind: 'email_sent', person: ops, t: daysAgo(input, 2) },
  ];
  const created = input.ctx.nowMs - 50 * DAY;
  const opp: OppPlan = {
    createdMs: created,
    closeMs: utcDayStart(input.ctx.nowMs) + 20 * DAY,
    name: 'CM Incorporated — Q3 Enterprise Expansion',
    amount: 480_000,
    stage: 'Negotiation/Review',
    open: true,
  };
  return { persons: [ops, analyst, cmo, itd, ciso, controller], plans, opps: [opp], intensity: () => 0.2, adReach: 0 };
}

function orphanLeads(input: StoryInput): StoryPlan {
  const controller = person(input, 'Contact', CONTROLLER, 0.3);
  const hr = person(input, 'Contact', ['HR Business Partner', 'hr', 'individual'], 0.3);
  const leads = [
    person(input, 'Lead', VP_MARKETING),
    person(input, 'Lead', MARKETING_OPS),
    person(input, 'Lead', BSA),
    person(input, 'Lead', CISO),
  ];
  const plans: Plan[] = [
    ...spread(input, [controller, hr], 3, 150, 60, ['web_visit', 'email_open']),
    ...spread(input, leads, 20, 30, 0, [
      'web_visit_hi',
      'form_fill',
      'content_download',
      'email_click',
      'campaign_response',
    ]),
  ];
  return { persons: [controller, hr, ...leads], plans, opps: [], intensity: () => 0.5, adReach: 1 };
}

function bot(input: StoryInput): StoryPlan {
  const { rng, ctx } = input;
  const scanned = input.factory.make('Contact', {
    title: 'Compliance Manager',
    department: 'legal',
    seniority: 'manager',
    propensity: 0,
  });
  const others = [
    person(input, 'Contact', VP_MARKETING, 0.5),
    person(input, 'Contact', IT_MANAGER, 0.5),
    person(input, 'Contact', ANALYST, 0.5),
  ];
  const plans: Plan[] = [...spread(input, others, 6, 170, 5, ['web_visit', 'email_open', 'call'])];
  // Every weekly newsletter to this address is opened and all its links fetched within seconds.
  for (let t = input.activityStart + rng.int(0, 6) * DAY + 14 * 3600_000; t <= ctx.nowMs - 120_000; t += 7 * DAY) {
    plans.push({ kind: 'bot_scan', person: scanned, t });
  }
  return { persons: [scanned, ...others], plans, opps: [], intensity: () => 0.6, adReach: 0 };
}
