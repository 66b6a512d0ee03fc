/**
 * Property-based fuzzing of the ingestion API (issue 16): arbitrary JSON and hostile strings in every
 * field of /v1/events and /v1/segment. Whatever comes in, the server answers 200, 207 or 400 (never a
 * 500), and what it says it accepted is exactly what is stored. The seed is fixed, so a run is
 * reproducible; a failure prints the body that broke it.
 */
import fc from 'fast-check';
import request from 'supertest';
import { createTestDb, dropTestDb } from '../../../testing/db';
import type { Db } from '../../store/db';
import { createApp } from '../app';
import { seedIngestOrgs } from './fixtures';

let db: Db;
let key: string;
let app: ReturnType<typeof createApp>;
const NOW = new Date('2026-11-24T12:00:00Z');

beforeAll(async () => {
  db = await createTestDb();
  ({ keyA: key } = await seedIngestOrgs(db));
  app = createApp({ db, now: () => NOW, ingest: { rateLimit: false } });
});
afterAll(() => dropTestDb(db));

/** Strings that break naive storage: NUL, lone surrogates, prototype names, long text, markup, schemes. */
const hostileString = fc.oneof(
  fc.string(),
  fc.fullUnicodeString({ maxLength: 40 }),
  fc.stringOf(fc.char16bits(), { maxLength: 20 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
  fc.constantFrom('javascript:alert(1)', 'data:text/html,x', 'https://acme.com/pricing', 'http://[::1]/', '//x'),
  fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T10:00:00Z', '2026-11-23T10:00:00Z'),
  fc.integer({ min: 300, max: 5000 }).map((n) => 'x'.repeat(n)),
);
const anyValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue());

const isoIn2026 = fc
  .date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-11-24T00:00:00Z') })
  .map((d) => d.toISOString());
const cleanText = fc.string({ minLength: 1, maxLength: 30 }).filter((t) => !t.includes('\u0000'));

/** A valid events item of each type (the checks must let most of these through). */
const validEvent = fc.oneof(
  fc.record({ type: fc.constant('web_visit'), occurredAt: isoIn2026, url: fc.webUrl(), domain: fc.domain() }),
  fc.record({ type: fc.constant('web_visit'), occurredAt: isoIn2026, url: fc.webUrl(), email: fc.emailAddress() }),
  fc.record({
    type: fc.constantFrom('ad_impression', 'ad_click', 'ad_lead'),
    occurredAt: isoIn2026,
    domain: fc.domain(),
    quantity: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({
    type: fc.constant('intent'),
    occurredAt: isoIn2026,
    domain: fc.domain(),
    topic: cleanText,
    strength: fc.integer({ min: 0, max: 100 }),
  }),
);
const field = fc.constantFrom('type', 'occurredAt', 'url', 'domain', 'email', 'quantity', 'strength', 'topic', 'title');

/**
 * Items drawn from `valid`: as they are, with one or two of `fields` made hostile, with `extra`
 * variants, or made of the fields alone with any values at all.
 */
function hostileVariants<T extends object>(
  valid: fc.Arbitrary<T>,
  fields: fc.Arbitrary<string>,
  ...extra: fc.Arbitrary<Record<string, unknown>>[]
): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    { weight: 3, arbitrary: valid as fc.Arbitrary<Record<string, unknown>> },
    {
      weight: 3,
      arbitrary: fc
        .tuple(valid, fc.dictionary(fields, anyValue, { minKeys: 1, maxKeys: 2 }))
        .map(([item, hostile]) => ({ ...item, ...hostile })),
    },
    ...extra.map((arbitrary) => ({ weight: 1, arbitrary })),
    { weight: 1, arbitrary: fc.dictionary(fields, anyValue) },
  );
}

/** An events item: valid, valid with hostile fields or attributes, or anything at all. */
const eventItem = hostileVariants(
  validEvent,
  field,
  fc
    .tuple(validEvent, fc.dictionary(hostileString, anyValue, { maxKeys: 4 }))
    .map(([item, attributes]) => ({ ...item, attributes })),
);

/** A valid Segment call: page, track, identify or group. */
const validMessage = fc.oneof(
  fc.record({
    type: fc.constant('page'),
    anonymousId: fc.uuid(),
    timestamp: isoIn2026,
    properties: fc.record({ url: fc.webUrl(), title: cleanText }),
  }),
  fc.record({
    type: fc.constant('track'),
    anonymousId: fc.uuid(),
    timestamp: isoIn2026,
    event: fc.constantFrom('Form Submitted', 'Demo Requested', 'Pricing Viewed', 'Something Else'),
  }),
  fc.record({ type: fc.constant('identify'), anonymousId: fc.uuid(), traits: fc.record({ email: fc.emailAddress() }) }),
  fc.record({
    type: fc.constant('group'),
    anonymousId: fc.uuid(),
    groupId: cleanText,
    traits: fc.record({ website: fc.domain() }),
  }),
);
const segmentField = fc.constantFrom(
  'type',
  'anonymousId',
  'userId',
  'groupId',
  'event',
  'timestamp',
  'properties',
  'traits',
  'context',
  'name',
);

/** A Segment message: valid, valid with hostile fields, or anything at all. */
const segmentMessage = hostileVariants(validMessage, segmentField);

let batch = 0;
/** Gives each item an id unique to this run (with a hostile tail), so "stored" can be checked by id. */
const withIds = (items: Array<Record<string, unknown>>, field: 'id' | 'messageId', tails: string[]) => {
  batch++;
  return items.map((item, i) => ({ ...item, [field]: `f${batch}-${i}${tails[i] ?? ''}` }));
};

async function storedIds(source: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ source_id: string }>(
    'SELECT source_id FROM events WHERE org_id = $1 AND source = $2 AND source_id = ANY($3::text[])',
    ['org-a', source, ids],
  );
  return r.rows.map((row) => row.source_id).sort();
}

interface Answer {
  status: number;
  body: { accepted?: number; items?: Array<{ id?: string; status: string }> };
}

/** Text Postgres cannot hold (a NUL, a lone surrogate): such an id can be neither stored nor looked up. */
const storable = (s: string) => !s.includes('\u0000') && s.isWellFormed();

/** The property both routes keep: no 500, and the ids answered accepted are the ids stored. */
async function holds(res: Answer, source: string, sent: string[], storesEvent: (i: number) => boolean) {
  expect([200, 207, 400]).toContain(res.status);
  const items = res.body.items ?? [];
  expect(items).toHaveLength(sent.length);
  // The ids as the answer names them (the server may normalize what was sent, e.g. trim it).
  const answered = items.map((it, i) => it.id ?? sent[i]!);
  const accepted = items
    .map((it, i) => ({ it, i }))
    .filter(({ it, i }) => it.status === 'accepted' && storesEvent(i))
    .map(({ i }) => answered[i]!);
  expect(accepted.filter((id) => !storable(id))).toEqual([]);
  expect(await storedIds(source, [...new Set([...sent, ...answered])].filter(storable))).toEqual([...accepted].sort());
  seen.accepted += accepted.length;
  seen.rejected += items.filter((it) => it.status === 'rejected').length;
}

/** What the runs of a property answered: both must happen, or the property says nothing. */
const seen = { accepted: 0, rejected: 0 };
beforeEach(() => {
  seen.accepted = 0;
  seen.rejected = 0;
});
afterEach(() => {
  if (expect.getState().currentTestName?.includes('arbitrary JSON bodies')) return;
  expect(seen.accepted).toBeGreaterThan(20);
  expect(seen.rejected).toBeGreaterThan(20);
});

test('/v1/events: arbitrary items never make a 500, and the accepted items are the stored ones', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(eventItem, { minLength: 1, maxLength: 8 }),
      fc.array(fc.oneof(fc.constant(''), hostileString), { maxLength: 8 }),
      async (items, tails) => {
        const events = withIds(items, 'id', tails);
        const res = await request(app).post('/v1/events').set('Authorization', `Bearer ${key}`).send({ events });
        await holds(
          res,
          'api',
          events.map((e) => e.id as string),
          () => true,
        );
      },
    ),
    { numRuns: 300, seed: 20261204 },
  );
});

test('/v1/segment: arbitrary messages never make a 500, and the accepted page and track calls are stored', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(segmentMessage, { minLength: 1, maxLength: 8 }),
      fc.array(fc.oneof(fc.constant(''), hostileString), { maxLength: 8 }),
      fc.oneof(fc.constant(undefined), anyValue),
      async (messages, tails, context) => {
        const batchBody = withIds(messages, 'messageId', tails);
        const body = context === undefined ? { batch: batchBody } : { batch: batchBody, context };
        const res = await request(app).post('/v1/segment').set('Authorization', `Bearer ${key}`).send(body);
        // identify and group calls link visitors; only page and track calls are events.
        const isEvent = (i: number) => ['page', 'track'].includes(String(batchBody[i]!.type));
        await holds(
          res,
          'segment',
          batchBody.map((m) => m.messageId as string),
          isEvent,
        );
      },
    ),
    { numRuns: 300, seed: 20261204 },
  );
});

test('arbitrary JSON bodies (not the envelope) are a 400 or 413, never a 500', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('/v1/events', '/v1/segment'), fc.jsonValue(), async (path, body) => {
      const res = await request(app)
        .post(path)
        .set('Authorization', `Bearer ${key}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 150, seed: 20261204 },
  );
});
