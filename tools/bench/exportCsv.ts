/**
 * A seeded synthetic CSV export of a given size, in the format `pulse score --data DIR` reads: accounts,
 * people (some matched by email domain only), events over the 180 days before the as-of day (person
 * events, account-level ad impressions and intent, a few by domain only, some bots). Written streaming,
 * so 5M events never sit in memory. `tsx tools/bench/exportCsv.ts --accounts N --events N --out DIR`.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { activityPicker, rng } from './generate';

/** Sizes and day of a synthetic export. */
export interface ExportSize {
  accounts: number;
  /** People per account (default 5). */
  peoplePerAccount?: number;
  events: number;
  asOf: string;
  seed?: number;
}

const TITLES = [
  'Chief Marketing Officer',
  'VP Marketing',
  'Marketing Operations Manager',
  'IT Director',
  'CISO',
  'Finance Manager',
  'Software Engineer',
  'Intern',
  '',
];
const DEPARTMENTS = ['', '', 'Marketing', 'Information Technology', 'Finance', 'Sales'];
const INDUSTRIES = ['Software', 'Retail', 'Finance', 'Healthcare', ''];
const PATHS = ['/pricing', '/demo', '/product/tour', '/blog/x', '/', '/careers'];
const CAMPAIGNS = ['Webinar', 'Trade Show', 'Email', ''];

/** Writes text to a stream, waiting when its buffer is full. */
async function put(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function finish(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/** Writes accounts.csv, people.csv and events.csv of the given size into `dir`. */
export async function writeExport(dir: string, size: ExportSize): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const rand = rng(size.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pickType = activityPicker(rand);
  const acc = (i: number) => `A${String(i).padStart(7, '0')}`;
  const dom = (i: number) => `a${i}.example`;
  const perAccount = size.peoplePerAccount ?? 5;
  const people = size.accounts * perAccount;

  const accounts = createWriteStream(join(dir, 'accounts.csv'));
  await put(accounts, 'id,name,domain,industry,employees\n');
  let chunk = '';
  for (let i = 0; i < size.accounts; i++) {
    chunk += `${acc(i)},Account ${i},https://www.${dom(i)}/,${pick(INDUSTRIES)},${Math.floor(rand() * 5000)}\n`;
    if (chunk.length > 1 << 16) {
      await put(accounts, chunk);
      chunk = '';
    }
  }
  await put(accounts, chunk);
  await finish(accounts);

  const peopleOut = createWriteStream(join(dir, 'people.csv'));
  await put(peopleOut, 'id,accountId,email,name,title,department\n');
  chunk = '';
  for (let i = 0; i < people; i++) {
    const a = i % size.accounts;
    // One person in ten has no accountId and is matched by their email's domain.
    const explicit = rand() >= 0.1;
    chunk += `P${String(i).padStart(8, '0')},${explicit ? acc(a) : ''},p${i}@${dom(a)},Person ${i},${pick(TITLES)},${pick(DEPARTMENTS)}\n`;
    if (chunk.length > 1 << 16) {
      await put(peopleOut, chunk);
      chunk = '';
    }
  }
  await put(peopleOut, chunk);
  await finish(peopleOut);

  const events = createWriteStream(join(dir, 'events.csv'));
  await put(events, 'id,type,occurredAt,personId,accountId,domain,url,quantity,strength,campaignType,excludedReason\n');
  const end = Date.parse(`${size.asOf}T23:59:59Z`);
  const span = 180 * 86_400_000;
  chunk = '';
  for (let i = 0; i < size.events; i++) {
    const type = pickType();
    // Skewed activity: a few accounts are busy, most are quiet.
    const p = Math.floor(Math.pow(rand(), 2) * people);
    const a = p % size.accounts;
    const at = new Date(end - Math.floor(rand() * span)).toISOString();
    const accountLevel = type === 'ad_impression' || type === 'intent';
    const byDomain = !accountLevel && rand() < 0.03;
    const personId = accountLevel || byDomain ? '' : `P${String(p).padStart(8, '0')}`;
    const accountId = accountLevel ? acc(a) : '';
    const domain = byDomain ? dom(a) : '';
    const url = type === 'web_visit' ? `https://www.vendor.example${pick(PATHS)}` : '';
    const quantity = type === 'ad_impression' ? String(1 + Math.floor(rand() * 20)) : '';
    const strength = type === 'intent' ? String(Math.floor(rand() * 100)) : '';
    const campaign = type === 'campaign_response' ? pick(CAMPAIGNS) : '';
    const excluded = rand() < 0.01 ? 'bot' : '';
    chunk += `E${i},${type},${at},${personId},${accountId},${domain},${url},${quantity},${strength},${campaign},${excluded}\n`;
    if (chunk.length > 1 << 16) {
      await put(events, chunk);
      chunk = '';
    }
  }
  await put(events, chunk);
  await finish(events);
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

if (require.main === module) {
  writeExport(arg('out'), {
    accounts: Number(arg('accounts')),
    events: Number(arg('events')),
    asOf: arg('as-of', '2026-11-24'),
    seed: Number(arg('seed', '42')),
  }).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
