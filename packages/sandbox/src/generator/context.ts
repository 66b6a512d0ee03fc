/**
 * The org-wide parts of a generated org, built once per `generateOrg` call: sales users
 * (account owners), campaigns, the naming scheme for accounts, and where the planted
 * stories sit. Everything per account is derived from this plus the account's index.
 */
import { faker } from '@faker-js/faker';
import { KEY_PREFIX, mintId } from './ids';
import { Rng, mixSeed } from './random';
import { DAY, HOUR, sfDate, sfDateTime } from './time';
import type { SfRecord } from './types';
import {
  CAMPAIGN_THEMES,
  CAMPAIGN_TYPES,
  COMPANY_FIRST,
  COMPANY_SECOND,
  COMPANY_SUFFIX,
  INDUSTRIES,
  REGIONS,
  TLDS,
} from './vocabulary';

/** Counters start high so ids the emulator mints from 1 never collide with generated ones. */
export const ID_BASE = 62 ** 8;

/** The selling company whose CRM this is: users' emails and the website MAP activity points at. */
export const SELLER_DOMAIN = 'brightwave.example';
export const SELLER_SITE = `https://www.${SELLER_DOMAIN}`;

export const FIRST_NAMES: readonly string[] = faker.definitions.person.first_name.generic ?? [];
export const LAST_NAMES: readonly string[] = faker.definitions.person.last_name.generic ?? [];

export type StoryKind = 'surging' | 'cooling' | 'loneWolf' | 'orphanLeads' | 'bot';

/** Fixed names of the planted accounts (the README refers to them). */
export const STORY_NAMES: Record<StoryKind, { name: string; slug: string; industry: string; employees: number }> = {
  surging: { name: 'Northwind Surge Analytics', slug: 'northwindsurge', industry: 'Technology', employees: 1800 },
  cooling: { name: 'Coldwater Logistics', slug: 'coldwaterlogistics', industry: 'Transportation', employees: 950 },
  loneWolf: { name: 'CM Incorporated', slug: 'cmincorporated', industry: 'Manufacturing', employees: 4200 },
  orphanLeads: { name: 'Orchard Lane Software', slug: 'orchardlanesoftware', industry: 'Technology', employees: 320 },
  bot: { name: 'Ironclad Savings Bank', slug: 'ironcladsavings', industry: 'Banking', employees: 2600 },
};

/** A campaign and the window in which people respond to it. */
export interface CampaignInfo {
  record: SfRecord;
  type: string;
  name: string;
  startMs: number;
  endMs: number;
}

/** What every account's generation shares. */
export interface OrgContext {
  seed: number;
  accounts: number;
  days: number;
  nowMs: number;
  startMs: number;
  users: SfRecord[];
  campaigns: CampaignInfo[];
  /** Campaign indexes running on each day (0 = first day of the window). */
  campaignsByDay: number[][];
  storyAt: Map<number, StoryKind>;
  storyIndex: Record<StoryKind, number>;
}

/** Builds the org-wide context. */
export function buildContext(seed: number, accounts: number, days: number, now: Date): OrgContext {
  const nowMs = now.getTime();
  const startMs = nowMs - days * DAY;
  const rng = new Rng(mixSeed(seed, 1));

  const userCount = Math.min(2000, Math.max(5, Math.ceil(accounts / 150)));
  const users: SfRecord[] = [];
  for (let i = 0; i < userCount; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    // Users exist before any account they own; all timestamps stay inside the window.
    const created = startMs + rng.int(0, 3600) * 1000;
    const title =
      i === 0
        ? 'VP of Sales'
        : rng.weighted([
            ['Account Executive', 6],
            ['SDR', 3],
            ['Sales Manager', 1],
          ] as const);
    users.push({
      Id: mintId(KEY_PREFIX.User, ID_BASE + i),
      IsDeleted: false,
      FirstName: first,
      LastName: last,
      Name: `${first} ${last}`,
      Alias: (first.slice(0, 1) + last.slice(0, 4)).toLowerCase(),
      Email: `${first}.${last}${i}@${SELLER_DOMAIN}`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      Username: `${first}.${last}${i}@${SELLER_DOMAIN}.crm`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      Title: title,
      IsActive: rng.chance(0.95),
      CreatedDate: sfDateTime(created),
      LastModifiedDate: sfDateTime(created),
      SystemModstamp: sfDateTime(created),
    });
  }

  const campaignCount = Math.min(400, Math.max(20, Math.round(20 + accounts / 1000)));
  const campaigns: CampaignInfo[] = [];
  for (let i = 0; i < campaignCount; i++) {
    const type = rng.weighted(CAMPAIGN_TYPES);
    // Spread starts across the window (a few began before it so early activity has campaigns too).
    const cStart = campaignStart(startMs, days, i, campaignCount, rng);
    const lengthDays =
      type === 'Conference' || type === 'Trade Show'
        ? rng.int(2, 4)
        : type === 'Webinar'
          ? rng.int(14, 28)
          : rng.int(21, 60);
    const endMs = cStart + lengthDays * DAY;
    const month = new Date(cStart).toISOString().slice(0, 7);
    const name = `${month} ${type} — ${rng.pick(CAMPAIGN_THEMES)}`;
    const created = cStart - rng.int(7, 30) * DAY;
    const modified = Math.min(nowMs, endMs);
    campaigns.push({
      type,
      name,
      startMs: cStart,
      endMs,
      record: {
        Id: mintId(KEY_PREFIX.Campaign, ID_BASE + i),
        IsDeleted: false,
        Name: name,
        Type: type,
        Status: endMs < nowMs ? 'Completed' : cStart <= nowMs ? 'In Progress' : 'Planned',
        StartDate: sfDate(cStart),
        EndDate: sfDate(endMs),
        IsActive: endMs >= nowMs,
        OwnerId: users[rng.int(0, users.length - 1)]?.Id ?? null,
        CreatedDate: sfDateTime(Math.max(created, startMs)),
        LastModifiedDate: sfDateTime(modified),
        SystemModstamp: sfDateTime(modified),
      },
    });
  }
  const campaignsByDay: number[][] = [];
  for (let d = 0; d <= days; d++) {
    const dayMs = startMs + d * DAY;
    const active: number[] = [];
    campaigns.forEach((c, i) => {
      // People keep responding for two weeks after a campaign ends (recordings, late downloads).
      if (c.startMs <= dayMs + DAY && dayMs <= c.endMs + 14 * DAY) active.push(i);
    });
    campaignsByDay.push(active);
  }

  const storyIndex: Record<StoryKind, number> = {
    surging: Math.floor(accounts / 6),
    cooling: Math.floor((2 * accounts) / 6),
    loneWolf: Math.floor((3 * accounts) / 6),
    orphanLeads: Math.floor((4 * accounts) / 6),
    bot: Math.floor((5 * accounts) / 6),
  };
  const storyAt = new Map<number, StoryKind>();
  for (const [kind, index] of Object.entries(storyIndex) as [StoryKind, number][]) storyAt.set(index, kind);

  return { seed, accounts, days, nowMs, startMs, users, campaigns, campaignsByDay, storyAt, storyIndex };
}

function campaignStart(windowStart: number, days: number, i: number, count: number, rng: Rng): number {
  const slot = (i / count) * (days + 20) - 20;
  return Math.max(windowStart + DAY, windowStart + Math.round((slot + rng.next() * 5) * DAY) + rng.int(13, 18) * HOUR);
}

const COMBOS = COMPANY_FIRST.length * COMPANY_SECOND.length;
// A multiplier coprime with COMBOS turns index → name pair into a permutation: names stay unique.
const STRIDE = findCoprime(COMBOS, 7919);

function findCoprime(n: number, start: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let s = start;
  while (gcd(n, s) !== 1) s++;
  return s;
}

/** Name parts of account `index`: unique per index (a numeric round suffix once the word pairs run out). */
export function accountNameParts(ctx: OrgContext, index: number): { base: string; slug: string } {
  const round = Math.floor(index / COMBOS);
  const pair = ((((index % COMBOS) * STRIDE + (ctx.seed >>> 0)) % COMBOS) + COMBOS) % COMBOS;
  const first = COMPANY_FIRST[pair % COMPANY_FIRST.length] ?? 'Acme';
  const second = COMPANY_SECOND[Math.floor(pair / COMPANY_FIRST.length)] ?? 'Works';
  const suffix = round > 0 ? ` ${round + 1}` : '';
  const base = `${first} ${second}${suffix}`;
  return { base, slug: base.toLowerCase().replace(/[^a-z0-9]/g, '') };
}

/** True when account `index` is a regional child of another account (about 6%, never a story). */
export function isChildAccount(ctx: OrgContext, index: number): boolean {
  return index >= 10 && !ctx.storyAt.has(index) && mixSeed(ctx.seed, index, 77) % 100 < 6;
}

/** Name, domain, industry, size and parent of account `index`, derivable without generating the others. */
export function accountIdentity(
  ctx: OrgContext,
  index: number,
): { name: string; domain: string; industry: string; employees: number; parentIndex: number | null } {
  const story = ctx.storyAt.get(index);
  if (story) {
    const s = STORY_NAMES[story];
    return { name: s.name, domain: `${s.slug}.com`, industry: s.industry, employees: s.employees, parentIndex: null };
  }
  const rng = new Rng(mixSeed(ctx.seed, index, 11));
  const { base, slug } = accountNameParts(ctx, index);
  const industry = rng.pick(INDUSTRIES);
  // Long-tailed company sizes: most are small, a few are huge.
  const employees = Math.max(5, Math.round(Math.exp(3 + rng.next() * 7.5)));
  const tld = rng.weighted(TLDS);
  if (isChildAccount(ctx, index)) {
    let parent = index - 1 - rng.int(0, Math.min(index - 1, 200));
    while (parent > 0 && isChildAccount(ctx, parent)) parent--;
    const parentParts = accountNameParts(ctx, parent);
    const region = rng.pick(REGIONS);
    const regionSlug = region.toLowerCase().replace(/[^a-z]/g, '');
    return {
      name: `${parentParts.base} ${region}`,
      domain: `${parentParts.slug}-${regionSlug}${index}.${tld}`,
      industry,
      employees,
      parentIndex: parent,
    };
  }
  const suffix = rng.pick(COMPANY_SUFFIX);
  return {
    name: suffix ? `${base} ${suffix}` : base,
    domain: `${slug}.${tld}`,
    industry,
    employees,
    parentIndex: null,
  };
}

/** Id of account `index`. */
export function accountId(index: number): string {
  return mintId(KEY_PREFIX.Account, ID_BASE + index);
}
