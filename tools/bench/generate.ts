/**
 * A fast, seeded synthetic org for the benchmark: accounts, people (with normalized titles) and events
 * spread over the 180 days before the as-of day, streamed into the database in unnest batches.
 */
import type { Db } from '@pulse/server/src/store/db';

/** Sizes of the synthetic org. */
export interface BenchSize {
  accounts: number;
  people: number;
  events: number;
}

/** mulberry32: a tiny seeded PRNG, so every run loads the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENIORITY = ['cxo', 'vp', 'director', 'manager', 'individual', 'unknown'];
const DEPARTMENT = ['marketing', 'sales', 'it', 'finance', 'operations', 'security', 'engineering', 'other'];
const TITLES = ['Chief Marketing Officer', 'VP Marketing', 'Marketing Ops Manager', 'IT Director', 'CISO', 'Intern'];
const INDUSTRIES = ['Software', 'Retail', 'Finance', 'Healthcare', null];
// Weighted activity mix: impressions and visits dominate, meetings are rare.
const ACTIVITY_MIX: [string, number][] = [
  ['ad_impression', 25],
  ['web_visit', 30],
  ['email_open', 15],
  ['email_click', 6],
  ['ad_click', 4],
  ['form_fill', 3],
  ['campaign_response', 3],
  ['content_download', 2],
  ['email_sent', 4],
  ['call', 2],
  ['meeting', 1],
  ['intent', 3],
  ['ad_lead', 1],
  ['email_reply', 1],
];
/** The URLs a generated web visit lands on. */
export const ACTIVITY_URLS = [
  'https://acme.com/pricing',
  'https://acme.com/demo',
  'https://acme.com/blog/x',
  'https://acme.com/',
];

/** Draws an activity type from the benchmark mix, one `rand()` per draw (every generator shares it). */
export function activityPicker(rand: () => number): () => string {
  const total = ACTIVITY_MIX.reduce((s, [, w]) => s + w, 0);
  return () => {
    let r = rand() * total;
    for (const [t, w] of ACTIVITY_MIX) if ((r -= w) < 0) return t;
    return 'web_visit';
  };
}

const BATCH = 50_000;

/** Loads one org of the given size; returns when every row is in. */
export async function generateOrg(
  db: Db,
  orgId: string,
  size: BenchSize,
  asOf: string,
  seed = 42,
  onProgress?: (what: string, done: number) => void,
): Promise<void> {
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pickType = activityPicker(rand);
  await db.query('INSERT INTO orgs (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [orgId]);
  for (let i = 0; i < size.accounts; i += BATCH) {
    const n = Math.min(BATCH, size.accounts - i);
    const ids = Array.from({ length: n }, (_, k) => `A${String(i + k).padStart(7, '0')}`);
    await db.query(
      `INSERT INTO accounts (org_id, id, name, domain, industry, employees)
       SELECT $1, id, id, lower(id) || '.example', ind, emp FROM unnest($2::text[], $3::text[], $4::int[]) AS t(id, ind, emp)`,
      [orgId, ids, ids.map(() => pick(INDUSTRIES)), ids.map(() => Math.floor(rand() * 5000))],
    );
    onProgress?.('accounts', i + n);
  }
  for (let i = 0; i < size.people; i += BATCH) {
    const n = Math.min(BATCH, size.people - i);
    const ids = Array.from({ length: n }, (_, k) => `P${String(i + k).padStart(8, '0')}`);
    await db.query(
      `INSERT INTO people (org_id, id, account_id, seniority, department, title)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [
        orgId,
        ids,
        ids.map((_, k) => `A${String((i + k) % size.accounts).padStart(7, '0')}`),
        ids.map(() => pick(SENIORITY)),
        ids.map(() => pick(DEPARTMENT)),
        ids.map(() => pick(TITLES)),
      ],
    );
    onProgress?.('people', i + n);
  }
  const end = Date.parse(`${asOf}T23:59:59Z`);
  const span = 180 * 86_400_000;
  for (let i = 0; i < size.events; i += BATCH) {
    const n = Math.min(BATCH, size.events - i);
    const ids: string[] = [];
    const types: string[] = [];
    const times: string[] = [];
    const persons: (string | null)[] = [];
    const accounts: string[] = [];
    const urls: (string | null)[] = [];
    const qty: number[] = [];
    const strength: (number | null)[] = [];
    const excluded: (string | null)[] = [];
    for (let k = 0; k < n; k++) {
      const type = pickType();
      // Skewed activity: a few accounts are busy, most are quiet.
      const pIdx = Math.floor(Math.pow(rand(), 2) * size.people);
      const personLess = type === 'ad_impression' || type === 'intent' || rand() < 0.05;
      ids.push(`E${i + k}`);
      types.push(type);
      times.push(new Date(end - Math.floor(rand() * span)).toISOString());
      persons.push(personLess ? null : `P${String(pIdx).padStart(8, '0')}`);
      accounts.push(`A${String(pIdx % size.accounts).padStart(7, '0')}`);
      urls.push(type === 'web_visit' ? pick(ACTIVITY_URLS) : null);
      qty.push(type === 'ad_impression' ? 1 + Math.floor(rand() * 20) : 1);
      strength.push(type === 'intent' ? Math.floor(rand() * 100) : null);
      excluded.push(rand() < 0.01 ? 'bot' : null);
    }
    await db.query(
      `INSERT INTO events (org_id, source, source_id, type, occurred_at, person_id, account_id, url, quantity,
         strength, excluded_reason)
       SELECT $1, 'bench', * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
         $7::text[], $8::float8[], $9::float8[], $10::text[])`,
      [orgId, ids, types, times, persons, accounts, urls, qty, strength, excluded],
    );
    onProgress?.('events', i + n);
  }
  await db.exec('ANALYZE');
}
