/**
 * A planted export for the backtest and suggested-weight tests: accounts whose buying journeys
 * (meetings and pricing-page visits) come a couple of weeks before an opportunity, and email opens
 * that arrive at random, whatever the account does. Seeded, so every run writes the same files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays } from '../src/scoring/days';

/** What to plant. */
export interface PlantedOptions {
  accounts: number;
  seed: number;
  /** First day of activity; the timeline runs 365 days from it. */
  from?: string;
}

/** A small seeded generator (mulberry32): deterministic, no dependency. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The model the planted tests score with: the journey's signals and the noise, weighted against the truth. */
export const PLANTED_MODEL = {
  version: 'planted-1',
  windowDays: 90,
  kpis: [
    {
      key: 'meetings',
      label: 'Meetings',
      weight: 20,
      activities: { meeting: 5 },
      decay: { kind: 'linear', lifespanDays: 90 },
    },
    {
      key: 'pricing',
      label: 'Pricing page',
      weight: 20,
      activities: { web_visit: 1 },
      urls: ['*/pricing*'],
      decay: { kind: 'linear', lifespanDays: 90 },
    },
    {
      key: 'email_opens',
      label: 'Email opens',
      weight: 60,
      activities: { email_open: 1 },
      decay: { kind: 'linear', lifespanDays: 90 },
    },
  ],
  committee: {
    engagedPoints: 1,
    personas: [
      {
        key: 'marketing_exec',
        label: 'Marketing executive',
        when: { department: ['marketing'], seniority: ['vp', 'cxo'] },
      },
      { key: 'it_leader', label: 'IT leader', when: { department: ['it'] } },
      { key: 'finance', label: 'Finance', when: { department: ['finance'] } },
    ],
  },
};

/** One extra event row (for the leakage test): the columns of events.csv. */
export interface PlantedEvent {
  id: string;
  type: string;
  occurredAt: string;
  personId: string;
  url?: string;
}

/**
 * Writes accounts.csv, people.csv, events.csv and opportunities.csv to `dir`. Every account has a
 * marketing VP, an IT director and a finance analyst. Half the accounts go through one journey starting
 * on a random day: the IT director meets on days s, s+3 and s+10, the VP visits pricing on s+1, s+5, s+8,
 * and an opportunity is created 12–22 days after s (won for half of them). Email opens reach the VP and
 * the analyst at random every week; the analyst is never part of a journey. A tenth of the accounts get
 * a stray pricing visit, and a tenth an opportunity with no journey, so no signal is perfect.
 */
export function writePlantedExport(dir: string, opts: PlantedOptions, extraEvents: readonly PlantedEvent[] = []): void {
  const rnd = seededRandom(opts.seed);
  const from = opts.from ?? '2026-01-01';
  const day = (d: number) => `${addDays(from, d)}T12:00:00Z`;
  const accounts = ['id,name,domain,industry,employees'];
  const people = ['id,accountId,email,name,title,department'];
  const events = ['id,type,occurredAt,personId,accountId,domain,url'];
  const opps = ['id,accountId,createdAt,closedAt,stage,amount,isWon,type'];
  let e = 0;
  const event = (type: string, d: number, person: string, url = '') => {
    if (d < 0 || d >= 365) return;
    events.push(`ev${++e},${type},${day(d)},${person},,,${url}`);
  };
  for (let i = 1; i <= opts.accounts; i++) {
    const a = `acc${String(i).padStart(4, '0')}`;
    accounts.push(`${a},Account ${i},${a}.example,Software,${100 + i}`);
    const vp = `${a}-vp`;
    const it = `${a}-it`;
    const fin = `${a}-fin`;
    people.push(`${vp},${a},vp@${a}.example,VP ${i},VP Marketing,Marketing`);
    people.push(`${it},${a},it@${a}.example,IT ${i},Director of IT,IT`);
    people.push(`${fin},${a},fin@${a}.example,Finance ${i},Financial Analyst,Finance`);
    for (let w = 0; w < 52; w++) {
      if (rnd() < 0.5) event('email_open', w * 7 + Math.floor(rnd() * 7), rnd() < 0.5 ? vp : fin);
    }
    if (rnd() < 0.5) {
      const s = Math.floor(rnd() * 340);
      for (const d of [0, 3, 10]) event('meeting', s + d, it);
      for (const d of [1, 5, 8]) event('web_visit', s + d, vp, `https://vendor.example/pricing?p=${d}`);
      const created = s + 12 + Math.floor(rnd() * 11);
      const won = rnd() < 0.5;
      opps.push(
        `${a}-o1,${a},${day(created)},${day(created + 40)},${won ? 'Closed Won' : 'Closed Lost'},1000,${won},New Business`,
      );
    }
    if (rnd() < 0.1) event('web_visit', Math.floor(rnd() * 365), fin, 'https://vendor.example/pricing');
    if (rnd() < 0.1) {
      const created = Math.floor(rnd() * 365);
      opps.push(`${a}-o2,${a},${day(created)},${day(created + 30)},Closed Lost,500,false,Renewal`);
    }
  }
  for (const x of extraEvents) events.push(`${x.id},${x.type},${x.occurredAt},${x.personId},,,${x.url ?? ''}`);
  writeFileSync(join(dir, 'accounts.csv'), `${accounts.join('\n')}\n`);
  writeFileSync(join(dir, 'people.csv'), `${people.join('\n')}\n`);
  writeFileSync(join(dir, 'events.csv'), `${events.join('\n')}\n`);
  writeFileSync(join(dir, 'opportunities.csv'), `${opps.join('\n')}\n`);
}
