import request from 'supertest';
import type express from 'express';
import { createApp } from '../app';
import type { Db } from '../../store/db';
import { countEvents } from '../../store/events';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { resolvePendingEvents } from '../../ingest/resolve';
import { seedIngestOrgs, segmentTrack, visit } from './fixtures';

let db: Db;
let app: express.Express;
let keyA: string;
const NOW = new Date('2026-11-24T12:00:00Z');

async function stored(id: string) {
  const r = await db.query<{
    type: string;
    account_id: string | null;
    person_id: string | null;
    url: string | null;
    attributes: Record<string, unknown>;
    excluded_reason: string | null;
    occurred_at: Date;
  }>("SELECT * FROM events WHERE org_id = 'org-a' AND source = 'segment' AND source_id = $1", [id]);
  return r.rows[0];
}

const post = (body: unknown) =>
  request(app)
    .post('/v1/segment')
    .set('Authorization', `Bearer ${keyA}`)
    .send(body as object);
const page = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId,
  timestamp: '2026-11-23T09:30:00.000Z',
  context: { page: { url: 'https://vendor.example/pricing', title: 'Pricing' } },
  ...extra,
});

beforeAll(async () => {
  db = await createTestDb();
  ({ keyA } = await seedIngestOrgs(db));
  app = createApp({ db, now: () => NOW, ingest: { trackEvents: { 'Trial Started': 'form_fill' } } });
});

afterAll(async () => {
  await dropTestDb(db);
});

test("identify ties an anonymous visitor to a person, and that batch's own page view resolves to their account", async () => {
  const res = await post({
    batch: [
      page('p-1', { anonymousId: 'anon-1' }),
      { type: 'identify', messageId: 'i-1', anonymousId: 'anon-1', userId: 'u-1', traits: { email: 'Jane@acme.com' } },
    ],
  });
  expect(res.status).toBe(200);
  expect(res.body.items).toEqual([
    { index: 0, id: 'p-1', status: 'accepted', type: 'web_visit' },
    { index: 1, id: 'i-1', status: 'accepted', type: 'identify' },
  ]);
  const visit = await stored('p-1');
  expect(visit).toMatchObject({
    type: 'web_visit',
    person_id: 'P1',
    account_id: 'A1',
    url: 'https://vendor.example/pricing',
  });
  expect(visit?.attributes).toMatchObject({ title: 'Pricing', anonymousId: 'anon-1' });
  expect(new Date(visit!.occurred_at).toISOString()).toBe('2026-11-23T09:30:00.000Z');
  // A later call by userId alone finds the same person.
  const later = await post(page('p-2', { userId: 'u-1' }));
  expect(later.status).toBe(200);
  expect(await stored('p-2')).toMatchObject({ person_id: 'P1', account_id: 'A1' });
});

test("an API event's visitorId is Segment's anonymous or user id: it finds the person an identify named, also later", async () => {
  const events = (body: unknown) =>
    request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${keyA}`)
      .send(body as object);
  const apiEvent = async (id: string) =>
    (
      await db.query<{ person_id: string | null; account_id: string | null }>(
        "SELECT person_id, account_id FROM events WHERE org_id = 'org-a' AND source = 'api' AND source_id = $1",
        [id],
      )
    ).rows[0];
  // anon-1 and u-1 were identified as Jane (acme.com) by the first test's identify call.
  const res = await events({
    events: [visit('v-anon', { visitorId: 'anon-1' }), visit('v-user', { visitorId: 'u-1' })],
  });
  expect(res.status).toBe(200);
  expect(await apiEvent('v-anon')).toEqual({ person_id: 'P1', account_id: 'A1' });
  expect(await apiEvent('v-user')).toEqual({ person_id: 'P1', account_id: 'A1' });

  // A visit before its visitor is identified waits, and resolves after the identify.
  await events({ events: [visit('v-late', { visitorId: 'anon-late' })] });
  expect(await apiEvent('v-late')).toEqual({ person_id: null, account_id: null });
  await post({ type: 'identify', messageId: 'i-late', anonymousId: 'anon-late', traits: { email: 'jane@acme.com' } });
  expect(await resolvePendingEvents(db, 'org-a', ['api'], new Date('2026-11-01T00:00:00Z'))).toBeGreaterThan(0);
  expect(await apiEvent('v-late')).toEqual({ person_id: 'P1', account_id: 'A1' });
});

test('group ties visitors and the group to a company domain for later anonymous events', async () => {
  const g = await post({
    type: 'group',
    messageId: 'g-1',
    anonymousId: 'anon-2',
    groupId: 'grp-9',
    traits: { name: 'Globex', website: 'https://www.globex.com/about' },
  });
  expect(g.status).toBe(200);
  const res = await post({
    batch: [
      page('p-3', { anonymousId: 'anon-2' }),
      segmentTrack('t-1', { anonymousId: 'anon-new', context: { groupId: 'grp-9' } }),
    ],
  });
  expect(res.status).toBe(200);
  expect(await stored('p-3')).toMatchObject({ account_id: 'A2' });
  expect(await stored('t-1')).toMatchObject({ type: 'form_fill', account_id: 'A2', person_id: null });
});

test('track names map to activity types (defaults plus configured); unmapped ones are kept but excluded', async () => {
  const res = await post({
    context: { traits: { email: 'jane@acme.com' } },
    batch: [
      { type: 'track', messageId: 't-2', userId: 'x', event: 'Content Downloaded' },
      { type: 'track', messageId: 't-3', userId: 'x', event: 'Trial Started' },
      { type: 'track', messageId: 't-4', userId: 'x', event: 'Button Clicked' },
    ],
  });
  expect(res.status).toBe(200);
  expect(res.body.items.map((i: { type: string }) => i.type)).toEqual([
    'content_download',
    'form_fill',
    'segment_track',
  ]);
  expect(await stored('t-2')).toMatchObject({ account_id: 'A1', person_id: 'P1', excluded_reason: null });
  const unmapped = await stored('t-4');
  expect(unmapped?.excluded_reason).toBe(
    'track event "Button Clicked" is not mapped to an activity type (add it to the Segment track-event map)',
  );
  expect(unmapped?.attributes).toMatchObject({ event: 'Button Clicked' });
  // A message without a timestamp happened when it arrived.
  expect(new Date((await stored('t-2'))!.occurred_at).toISOString()).toBe(NOW.toISOString());
});

test('bad messages are rejected with the field and the reason; the good ones are stored', async () => {
  const before = await countEvents(db, 'org-a');
  const res = await post({
    batch: [
      { type: 'page', anonymousId: 'a', context: { page: { url: 'https://x.example/' } } },
      page('no-ids'),
      { type: 'track', messageId: 'no-event', anonymousId: 'a' },
      { type: 'page', messageId: 'no-url', anonymousId: 'a' },
      { type: 'screen', messageId: 'scr', anonymousId: 'a', name: 'Home' },
      { type: 'identify', messageId: 'bad-email', anonymousId: 'a', traits: { email: 'not-an-email' } },
      page('bad-ts', { anonymousId: 'a', timestamp: 'yesterday' }),
      page('good', { anonymousId: 'anon-1' }),
    ],
  });
  expect(res.status).toBe(207);
  expect(res.body).toMatchObject({ accepted: 1, rejected: 7 });
  const errors = res.body.items
    .filter((i: { status: string }) => i.status === 'rejected')
    .map((i: { errors: unknown }) => i.errors);
  expect(errors).toEqual([
    [{ path: 'messageId', message: 'Required' }],
    [{ path: 'userId', message: 'Segment requires userId or anonymousId' }],
    [{ path: 'event', message: 'Required' }],
    [{ path: 'context.page.url', message: 'a page call needs the URL in properties.url or context.page.url' }],
    [{ path: 'type', message: 'screen calls are not accepted: send page, track, identify or group' }],
    [{ path: 'traits.email', message: 'not an email address' }],
    [{ path: 'timestamp', message: expect.stringMatching(/^expected an ISO 8601 date-time/) }],
  ]);
  expect(await countEvents(db, 'org-a')).toBe(before + 1);
  expect(await stored('no-url')).toBeUndefined();
});

test('replaying a message id stores it once; the write key also works as Basic auth (Segment style)', async () => {
  const before = await countEvents(db, 'org-a');
  const basic = Buffer.from(`${keyA}:`).toString('base64');
  for (let i = 0; i < 2; i++) {
    const res = await request(app)
      .post('/v1/segment')
      .set('Authorization', `Basic ${basic}`)
      .send(page('replayed', { anonymousId: 'anon-1' }));
    expect(res.status).toBe(200);
  }
  expect(await countEvents(db, 'org-a')).toBe(before + 1);
});

test('a batch of more than 1,000 messages is 413', async () => {
  const res = await post({ batch: Array.from({ length: 1001 }, (_, i) => page(`m-${i}`, { anonymousId: 'a' })) });
  expect(res.status).toBe(413);
  expect(res.body.error).toBe('batch has 1001 items; at most 1000 per request: split the batch');
});
