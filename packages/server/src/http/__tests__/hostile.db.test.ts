import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../app';
import type { Db } from '../../store/db';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { seedIngestOrgs, segmentPage, segmentTrack, visit as aVisit } from './fixtures';

// Hostile input: one bad item is named in the report and never costs the good ones (issue 16).
let db: Db;
let app: express.Express;
let keyA: string;
let logged = '';
const NOW = new Date('2026-11-24T12:00:00Z');

async function stored(id: string, source = 'api') {
  const r = await db.query<{ type: string; account_id: string | null; excluded_reason: string | null }>(
    "SELECT type, account_id, excluded_reason FROM events WHERE org_id = 'org-a' AND source = $1 AND source_id = $2",
    [source, id],
  );
  return r.rows[0];
}

const visit = (id: string, extra: Record<string, unknown> = {}) => aVisit(id, { domain: 'acme.com', ...extra });
const page = (messageId: string, extra: Record<string, unknown> = {}) =>
  segmentPage(messageId, { anonymousId: 'anon-h', ...extra });

const post = (path: string, body: unknown) =>
  request(app)
    .post(path)
    .set('Authorization', `Bearer ${keyA}`)
    .send(body as object);

interface Item {
  index: number;
  status: string;
  errors?: Array<{ path: string; message: string }>;
}
const item = (res: request.Response, i: number): Item => res.body.items.find((it: Item) => it.index === i);
/** A random string of this length: random, so a btree index cannot compress it under its row limit. */
const incompressible = (n: number) => randomBytes(n).toString('base64url').slice(0, n);

beforeAll(async () => {
  db = await createTestDb();
  ({ keyA } = await seedIngestOrgs(db));
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  app = createApp({ db, now: () => NOW, log: pino({ level: 'debug' }, sink) });
});

afterAll(async () => {
  await dropTestDb(db);
});

describe('POST /v1/events with hostile items', () => {
  test('NUL characters and unpaired surrogates anywhere are named per item; the good items are stored', async () => {
    const res = await post('/v1/events', {
      events: [
        visit('nul-ok-1'),
        visit('nul\u0000id'),
        visit('nul-url', { url: 'https://vendor.example/\u0000' }),
        visit('nul-title', { title: 'Pri\u0000cing' }),
        visit('nul-attr', { attributes: { plan: 'a\u0000b' } }),
        visit('nul-key', { attributes: { 'pl\u0000an': 'x' } }),
        {
          id: 'nul-topic',
          type: 'intent',
          occurredAt: '2026-11-20',
          domain: 'acme.com',
          topic: 'A\u0000',
          strength: 1,
        },
        visit('lone-surrogate', { title: 'x\ud800y' }),
        visit('nul-ok-2'),
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 7 });
    expect(item(res, 1).errors).toContainEqual({ path: 'id', message: expect.stringMatching(/NUL character/) });
    expect(item(res, 2).errors).toContainEqual({ path: 'url', message: expect.stringMatching(/NUL character/) });
    expect(item(res, 3).errors).toContainEqual({ path: 'title', message: expect.stringMatching(/NUL character/) });
    expect(item(res, 4).errors).toContainEqual({
      path: 'attributes.plan',
      message: expect.stringMatching(/NUL character/),
    });
    expect(item(res, 5).errors).toContainEqual({
      path: 'attributes',
      message: expect.stringMatching(/a key contains a NUL character/),
    });
    expect(item(res, 6).errors).toContainEqual({ path: 'topic', message: expect.stringMatching(/NUL character/) });
    expect(item(res, 7).errors).toContainEqual({
      path: 'title',
      message: expect.stringMatching(/unpaired UTF-16 surrogate/),
    });
    expect(await stored('nul-ok-1')).toMatchObject({ type: 'web_visit', account_id: 'A1' });
    expect(await stored('nul-ok-2')).toMatchObject({ type: 'web_visit', account_id: 'A1' });
  });

  test('dates Postgres cannot store or that are absurd are refused with the accepted window', async () => {
    const res = await post('/v1/events', {
      events: [
        visit('y0', { occurredAt: '0000-01-01T00:00:00Z' }),
        visit('y0-date', { occurredAt: '0000-01-01' }),
        visit('y1969', { occurredAt: '1969-12-31T23:59:59Z' }),
        visit('y9999', { occurredAt: '9999-12-31T23:59:59Z' }),
        visit('y1970', { occurredAt: '1970-01-01T00:00:00Z' }),
        visit('date-ok'),
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 4 });
    for (const i of [0, 1, 2]) {
      expect(item(res, i).errors).toEqual([
        {
          path: 'occurredAt',
          message: expect.stringMatching(/is before 1970-01-01T00:00:00Z, the earliest date accepted/),
        },
      ]);
    }
    expect(item(res, 3).errors?.[0]).toMatchObject({ path: 'occurredAt' });
    expect(item(res, 3).errors?.[0]?.message).toMatch(/more than a day ahead of the server clock/);
    expect(await stored('y1970')).toBeDefined();
    expect(await stored('date-ok')).toBeDefined();
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'type "%s" is an unknown event type, not a crash',
    async (type) => {
      const res = await post('/v1/events', { events: [visit(`proto-ok-${type}`), { ...visit('proto-bad'), type }] });
      expect(res.status).toBe(207);
      expect(item(res, 1).errors).toEqual([
        {
          path: 'type',
          message: `"${type}" is not an event type: expected one of web_visit, ad_impression, ad_click, ad_lead, intent`,
        },
      ]);
      expect(await stored(`proto-ok-${type}`)).toBeDefined();
    },
  );

  test('over-long strings are refused at their documented maxima', async () => {
    const res = await post('/v1/events', {
      events: [
        visit('long-ok'),
        visit('long-attr-key', { attributes: { [incompressible(4000)]: 'x' } }),
        visit('long-visitor', { visitorId: incompressible(4000), domain: undefined }),
      ],
    });
    expect(res.status).toBe(207);
    expect(item(res, 1).errors).toEqual([
      { path: 'attributes', message: 'attribute names are at most 100 characters' },
    ]);
    expect(item(res, 2).errors).toEqual([
      { path: 'visitorId', message: 'String must contain at most 200 character(s)' },
    ]);
    expect(await stored('long-ok')).toBeDefined();
  });

  test.each([
    ['javascript:alert(document.cookie)', 'javascript:'],
    ['data:text/html,<script>alert(1)</script>', 'data:'],
    ['ftp://files.example/x', 'ftp:'],
    ['mailto:jane@acme.com', 'mailto:'],
  ])('a %s url is refused for that item', async (url, scheme) => {
    const res = await post('/v1/events', { events: [visit(`url-ok-${scheme}`), visit('url-bad', { url })] });
    expect(res.status).toBe(207);
    expect(item(res, 1).errors).toEqual([
      {
        path: 'url',
        message: `not an http(s) URL: ${scheme} URLs are not accepted (expected e.g. https://acme.com/pricing)`,
      },
    ]);
    expect(await stored(`url-ok-${scheme}`)).toBeDefined();
    expect(await stored('url-bad')).toBeUndefined();
  });
});

describe('POST /v1/segment with hostile messages', () => {
  test('NUL characters in any field, in a batch and alone, are named; the good messages are stored', async () => {
    const res = await post('/v1/segment', {
      batch: [
        page('s-nul-ok-1'),
        page('s-nul-user', { userId: 'u\u0000' }),
        segmentTrack('s-nul-event', { event: 'Form\u0000Submitted' }),
        page('s-nul-url', { properties: { url: 'https://vendor.example/\u0000' } }),
        page('s-nul-title', { properties: { url: 'https://vendor.example/', title: 'T\u0000' } }),
        { type: 'identify', messageId: 's-nul-trait', anonymousId: 'a', traits: { email: 'jane@acme.com\u0000' } },
        page('s-nul-ctx', { context: { userAgent: 'UA\u0000' } }),
        page('s-nul-ok-2'),
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 6 });
    const paths = [1, 2, 3, 4, 5, 6].map((i) => item(res, i).errors?.[0]?.path);
    expect(paths).toEqual([
      'userId',
      'event',
      'properties.url',
      'properties.title',
      'traits.email',
      'context.userAgent',
    ]);
    for (const i of [1, 2, 3, 4, 5, 6]) expect(item(res, i).errors?.[0]?.message).toMatch(/NUL character/);
    expect(await stored('s-nul-ok-1', 'segment')).toBeDefined();
    expect(await stored('s-nul-ok-2', 'segment')).toBeDefined();
    const single = await post('/v1/segment', page('s-nul-single', { anonymousId: 'a\u0000' }));
    expect(single.status).toBe(400);
    expect(single.body).toMatchObject({ code: 'NO_VALID_ITEMS', items: [{ errors: [{ path: 'anonymousId' }] }] });
  });

  test('a NUL in the shared batch context is named for every message', async () => {
    const res = await post('/v1/segment', {
      context: { page: { title: 'x\u0000' } },
      batch: [page('s-ctx-1'), page('s-ctx-2')],
    });
    expect(res.status).toBe(400);
    expect(res.body.items.map((i: Item) => i.errors?.[0]?.path)).toEqual(['context.page.title', 'context.page.title']);
  });

  test('a timestamp in year 0000 or 9999 is refused for that message', async () => {
    const res = await post('/v1/segment', {
      batch: [
        page('s-y0', { timestamp: '0000-01-01T00:00:00Z' }),
        page('s-y0-orig', { timestamp: undefined, originalTimestamp: '0000-06-01T00:00:00Z' }),
        page('s-y9999', { timestamp: '9999-12-31T00:00:00Z' }),
        page('s-date-ok'),
      ],
    });
    expect(res.status).toBe(207);
    expect(item(res, 0).errors).toEqual([
      { path: 'timestamp', message: expect.stringMatching(/is before 1970-01-01T00:00:00Z, the earliest date/) },
    ]);
    expect(item(res, 1).errors?.[0]?.path).toBe('originalTimestamp');
    expect(item(res, 2).errors?.[0]?.message).toMatch(/more than a day ahead of the server clock/);
    expect(await stored('s-date-ok', 'segment')).toBeDefined();
  });

  test.each(['constructor', '__proto__', 'toString'])(
    'a call type "%s" is refused, and a track event of that name is kept as unmapped',
    async (name) => {
      const res = await post('/v1/segment', {
        batch: [
          { type: name, messageId: `s-type-${name}`, anonymousId: 'a' },
          segmentTrack(`s-track-${name}`, { event: name }),
        ],
      });
      expect(res.status).toBe(207);
      expect(item(res, 0).errors).toEqual([
        { path: 'type', message: `"${name}" is not a Segment call type: expected page, track, identify or group` },
      ]);
      expect(item(res, 1)).toMatchObject({ status: 'accepted', type: 'segment_track' });
      expect(await stored(`s-track-${name}`, 'segment')).toMatchObject({
        type: 'segment_track',
        excluded_reason: `track event "${name}" is not mapped to an activity type (add it to the Segment track-event map)`,
      });
      const single = await post('/v1/segment', { type: name, messageId: 's-single', anonymousId: 'a' });
      expect(single.status).toBe(400);
      expect(single.body.code).toBe('NO_VALID_ITEMS');
    },
  );

  test('a 4 KB userId, anonymousId or groupId is refused at its maximum; the good messages are stored', async () => {
    const big = incompressible(4096);
    const res = await post('/v1/segment', {
      batch: [
        page('s-big-ok-1'),
        page('s-big-user', { userId: big }),
        page('s-big-anon', { anonymousId: big }),
        { type: 'group', messageId: 's-big-group', anonymousId: 'a', groupId: big, traits: { website: 'acme.com' } },
        { type: 'identify', messageId: 's-big-identify', userId: big, traits: { email: 'jane@acme.com' } },
        page('s-big-ctx-group', { context: { groupId: big } }),
        page('s-big-ok-2'),
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 5 });
    expect([1, 2, 3, 4, 5].map((i) => item(res, i).errors)).toEqual([
      [{ path: 'userId', message: 'String must contain at most 256 character(s)' }],
      [{ path: 'anonymousId', message: 'String must contain at most 256 character(s)' }],
      [{ path: 'groupId', message: 'String must contain at most 256 character(s)' }],
      [{ path: 'userId', message: 'String must contain at most 256 character(s)' }],
      [{ path: 'context.groupId', message: 'String must contain at most 256 character(s)' }],
    ]);
    expect(await stored('s-big-ok-1', 'segment')).toBeDefined();
    expect(await stored('s-big-ok-2', 'segment')).toBeDefined();
    const single = await post('/v1/segment', {
      type: 'group',
      messageId: 's-big-single',
      anonymousId: 'a',
      groupId: big,
      traits: { website: 'acme.com' },
    });
    expect(single.status).toBe(400);
    expect(single.body.code).toBe('NO_VALID_ITEMS');
  });

  test('a javascript: or data: page URL is refused for that message', async () => {
    const res = await post('/v1/segment', {
      batch: [
        page('s-url-ok'),
        page('s-url-js', { properties: { url: 'javascript:alert(1)' } }),
        page('s-url-data', { properties: undefined, context: { page: { url: 'data:text/html,hi' } } }),
        segmentTrack('s-url-track', { properties: { url: 'javascript:alert(1)' } }),
      ],
    });
    expect(res.status).toBe(207);
    expect([1, 2, 3].map((i) => item(res, i).errors)).toEqual([
      [{ path: 'properties.url', message: 'not an http(s) URL: javascript: URLs are not accepted' }],
      [{ path: 'context.page.url', message: 'not an http(s) URL: data: URLs are not accepted' }],
      [{ path: 'properties.url', message: 'not an http(s) URL: javascript: URLs are not accepted' }],
    ]);
    expect(await stored('s-url-ok', 'segment')).toBeDefined();
    expect(await stored('s-url-track', 'segment')).toBeUndefined();
  });
});

test('malformed JSON is answered with where it broke, never what it said, in the answer or the log', async () => {
  const secret = 'sk_live_51HqLyjWDarjtT1zdp7dc';
  const bodies = [
    `{"events": [{"id": "${secret}" "type": "web_visit"}]}`,
    `{"events": [{"id": ${secret}}]}`,
    `"${secret}"`,
    `{"events": [{"id": "${secret}`,
    `{"k": "a"}\n{"token": "${secret}"}`,
  ];
  const answers: request.Response[] = [];
  for (const body of bodies) {
    logged = '';
    const res = await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${keyA}`)
      .set('Content-Type', 'application/json')
      .send(body);
    // The request log line is written when the response finishes.
    await new Promise((r) => setImmediate(r));
    expect(res.text).not.toContain('sk_live');
    expect(logged).toContain('BAD_JSON');
    expect(logged).not.toContain('sk_live');
    answers.push(res);
  }
  for (const res of answers) {
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_JSON');
    expect(res.body.error).toMatch(/position \d+ \(line \d+, column \d+\)/);
  }
  const first = await request(app)
    .post('/v1/events')
    .set('Authorization', `Bearer ${keyA}`)
    .set('Content-Type', 'application/json')
    .send(`{"events": [{"id": "x" "type": 1}]}`);
  expect(first.body.error).toBe('request body is not valid JSON: it breaks at position 23 (line 1, column 24)');
  const early = await request(app)
    .post('/v1/events')
    .set('Authorization', `Bearer ${keyA}`)
    .set('Content-Type', 'application/json')
    .send('{"events": [\n  {"id": "x"');
  expect(early.body.error).toBe('request body is not valid JSON: it ends early, at position 25 (line 2, column 13)');
});

describe('the answer says accepted or rejected, never what an item matched in the CRM', () => {
  test('a customer domain and an unknown one get the same answer; the match is in the store only', async () => {
    const customer = await post('/v1/events', { events: [visit('leak-1', { domain: 'acme.com' })] });
    const stranger = await post('/v1/events', { events: [visit('leak-1b', { domain: 'initech-leak.com' })] });
    const byEmail = await post('/v1/events', { events: [visit('leak-1c', { email: 'jane@acme.com' })] });
    for (const res of [customer, stranger, byEmail]) {
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['accepted', 'items', 'rejected']);
      expect(Object.keys(res.body.items[0]).sort()).toEqual(['id', 'index', 'status', 'type']);
    }
    expect({ ...customer.body, items: [{ ...customer.body.items[0], id: 'x' }] }).toEqual({
      ...stranger.body,
      items: [{ ...stranger.body.items[0], id: 'x' }],
    });
    expect(await stored('leak-1')).toMatchObject({ account_id: 'A1' });
    expect(await stored('leak-1b')).toMatchObject({ account_id: null });
    expect(await stored('leak-1c')).toMatchObject({ account_id: 'A1' });
  });

  test('Segment answers the same way, in a batch and alone', async () => {
    const batch = await post('/v1/segment', {
      batch: [
        page('leak-s1', { context: { traits: { email: 'jane@acme.com' } } }),
        page('leak-s2', { context: { traits: { email: 'who@initech-leak.com' } } }),
      ],
    });
    const single = await post('/v1/segment', page('leak-s3', { context: { traits: { email: 'jane@acme.com' } } }));
    for (const res of [batch, single]) {
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['accepted', 'items', 'rejected']);
      for (const it of res.body.items) expect(Object.keys(it).sort()).toEqual(['id', 'index', 'status', 'type']);
    }
    expect(await stored('leak-s1', 'segment')).toMatchObject({ account_id: 'A1' });
    expect(await stored('leak-s2', 'segment')).toMatchObject({ account_id: null });
    expect(await stored('leak-s3', 'segment')).toMatchObject({ account_id: 'A1' });
  });
});
