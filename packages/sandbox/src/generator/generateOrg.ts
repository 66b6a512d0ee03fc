/**
 * `generateOrg`: a seeded, deterministic B2B Salesforce org with MAP-side activity and
 * planted stories. Collections are lazy: only users and campaigns are held; every pass
 * over accounts regenerates them from (seed, index). Memory is O(one account) however
 * large the org, so 1M accounts stream in constant memory (the consumer decides what to keep).
 */
import { z } from 'zod';
import { ValidationError } from '@pulse/server/src/errors';
import { generateAccount } from './account';
import { STORY_NAMES, accountId, accountIdentity, buildContext, type OrgContext, type StoryKind } from './context';
import {
  SOBJECTS,
  type AccountBundle,
  type GenerateOptions,
  type GeneratedOrg,
  type MapCompanyActivity,
  type MapPersonActivity,
  type OrgStats,
  type SObjectName,
  type SfRecord,
  type Stories,
  type StoryAccount,
} from './types';

const OptionsSchema = z
  .object({
    accounts: z.number().int().min(50).max(1_000_000),
    seed: z.number().int(),
    now: z.date().refine((d) => !Number.isNaN(d.getTime()), 'an invalid date'),
    days: z.number().int().min(100).max(730).default(180),
  })
  .strict();

/** Generates an org of `accounts` accounts, deterministic for (`seed`, `now`, `days`). */
export function generateOrg(options: GenerateOptions): GeneratedOrg {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ValidationError(
      'generateOrg options',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  const opts = parsed.data;
  const ctx = buildContext(opts.seed, opts.accounts, opts.days, opts.now);
  const bundles = (): Iterable<AccountBundle> => ({
    *[Symbol.iterator]() {
      for (let i = 0; i < ctx.accounts; i++) yield generateAccount(ctx, i);
    },
  });
  const perAccount = <T>(pick: (b: AccountBundle) => T[]): Iterable<T> => ({
    *[Symbol.iterator]() {
      for (const b of bundles()) yield* pick(b);
    },
  });
  const records: Record<SObjectName, Iterable<SfRecord>> = {
    User: ctx.users,
    Campaign: ctx.campaigns.map((c) => c.record),
    Account: perAccount((b) => [b.account]),
    Contact: perAccount((b) => b.contacts),
    Lead: perAccount((b) => b.leads),
    CampaignMember: perAccount((b) => b.campaignMembers),
    Opportunity: perAccount((b) => b.opportunities),
    Task: perAccount((b) => b.tasks),
    Event: perAccount((b) => b.events),
  };
  const mapActivity = {
    people: perAccount<MapPersonActivity>((b) => b.mapPeople),
    companies: perAccount<MapCompanyActivity>((b) => b.mapCompanies),
  };
  return {
    options: { accounts: opts.accounts, seed: opts.seed, now: opts.now, days: opts.days },
    records,
    mapActivity,
    stories: buildStories(ctx),
    leadAssignmentRule: {
      name: 'Inbound lead routing',
      ownerId: (ctx.users.find((u) => u.Title === 'SDR') ?? ctx.users[0]!).Id,
    },
    bundles,
    stats: () => countOrg(ctx, bundles()),
  };
}

function storyAccount(ctx: OrgContext, kind: StoryKind): StoryAccount {
  const index = ctx.storyIndex[kind];
  const identity = accountIdentity(ctx, index);
  return { accountId: accountId(index), accountName: STORY_NAMES[kind].name, domain: identity.domain };
}

/** Ids of the planted stories: generated once from their accounts (cheap: five accounts). */
function buildStories(ctx: OrgContext): Stories {
  const bundle = (kind: StoryKind): AccountBundle => generateAccount(ctx, ctx.storyIndex[kind]);
  const surging = bundle('surging');
  const loneWolf = bundle('loneWolf');
  const orphan = bundle('orphanLeads');
  const bot = bundle('bot');
  const titleIs = (r: SfRecord, re: RegExp): boolean => re.test(String(r.Title ?? ''));
  const opp = loneWolf.opportunities.find((o) => o.IsClosed === false);
  const botContact = bot.contacts.find((c) => c.Title === 'Compliance Manager');
  if (!opp || !botContact) throw new Error('story generation lost its planted records');
  return {
    surging: {
      ...storyAccount(ctx, 'surging'),
      executiveIds: surging.contacts.filter((c) => titleIs(c, /^(Chief|CIO|VP)/)).map((c) => c.Id),
    },
    cooling: storyAccount(ctx, 'cooling'),
    loneWolf: {
      ...storyAccount(ctx, 'loneWolf'),
      opportunityId: opp.Id,
      engagedPersonIds: loneWolf.contacts
        .filter((c) => titleIs(c, /^Marketing (Ops Manager|Analyst)$/))
        .map((c) => c.Id),
      silentPersonIds: loneWolf.contacts
        .filter((c) => !titleIs(c, /^Marketing (Ops Manager|Analyst)$/))
        .map((c) => c.Id),
    },
    orphanLeads: { ...storyAccount(ctx, 'orphanLeads'), leadIds: orphan.leads.map((l) => l.Id) },
    bot: { ...storyAccount(ctx, 'bot'), personId: botContact.Id, email: String(botContact.Email) },
  };
}

function countOrg(ctx: OrgContext, bundles: Iterable<AccountBundle>): OrgStats {
  const records = Object.fromEntries(SOBJECTS.map((o) => [o, 0])) as Record<SObjectName, number>;
  records.User = ctx.users.length;
  records.Campaign = ctx.campaigns.length;
  let mapPeople = 0;
  let mapCompanies = 0;
  for (const b of bundles) {
    records.Account++;
    records.Contact += b.contacts.length;
    records.Lead += b.leads.length;
    records.CampaignMember += b.campaignMembers.length;
    records.Opportunity += b.opportunities.length;
    records.Task += b.tasks.length;
    records.Event += b.events.length;
    mapPeople += b.mapPeople.length;
    mapCompanies += b.mapCompanies.length;
  }
  return { records, mapPeople, mapCompanies };
}
