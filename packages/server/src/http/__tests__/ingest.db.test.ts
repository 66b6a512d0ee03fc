import request from 'supertest';
import type express from 'express';
import { createApp } from '../app';
import type { Db } from '../../store/db';
import { countEvents } from '../../store/events';
import { upsertAccounts } from '../../store/accounts';
import { createApiKey, revokeApiKey } from '../../store/apiKeys';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { seedIngestOrgs, visit } from './fixtures';

let db: Db;
let app: express.Express;
let keyA: string;
let keyB: string;
const NOW = new Date('2026-11-24T12:00:00Z');

interface StoredRow {
  source: string;
  source_id: string;
  type: string;
  account_id: string | null;
  person_id: string | null;
  domain: string | null;
  url: string | null;
  quantity: number;
  strength: number | null;
  attributes: Record<string, unknown>;
  occurred_at: Date;
}

async function stored(org: string, id: string, source = 'api'): Promise<StoredRow | undefined> {
  const r = await db.query<StoredRow>('SELECT * FROM events WHERE org_id = $1 AND source = $2 AND source_id = $3', [
    org,
    source,
    id,
  ]);
  return r.rows[0];
}

const post = (body: unknown, key = keyA, path = '/v1/events') =>
  request(app)
    .post(path)
    .set('Authorization', `Bearer ${key}`)
    .send(body as object);

beforeAll(async () => {
  db = await createTestDb();
  ({ keyA, keyB } = await seedIngestOrgs(db));
  app = createApp({ db, now: () => NOW });
});

afterAll(async () => {
  await dropTestDb(db);
});

describe('POST /v1/events', () => {
  test('stores every kind, resolved to the right account, and answers 200 with a per-item report', async () => {
    const res = await post({
      events: [
        visit('v-email', { email: 'Jane@Acme.com' }),
        visit('v-domain', { domain: 'www.globex.com', url: 'https://vendor.example/demo' }),
        {
          id: 'imp-1',
          type: 'ad_impression',
          occurredAt: '2026-11-22',
          domain: 'acme.com',
          quantity: 340,
          platform: 'linkedin',
        },
        { id: 'clk-1', type: 'ad_click', occurredAt: '2026-11-22', domain: 'eu.acme.com', quantity: 12 },
        { id: 'lead-1', type: 'ad_lead', occurredAt: '2026-11-22', domain: 'globex.com' },
        { id: 'int-1', type: 'intent', occurredAt: '2026-11-20', domain: 'acme.com', topic: 'ABM', strength: 72 },
        { id: 'int-2', type: 'intent', occurredAt: '2026-11-20', domain: 'globex.com', topic: 'CRM', strength: 41.5 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 7, rejected: 0 });
    const ids = ['v-email', 'v-domain', 'imp-1', 'clk-1', 'lead-1', 'int-1', 'int-2'];
    expect(res.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual(
      ids.map((id) => [id, 'accepted']),
    );
    const accounts = await Promise.all(ids.map(async (id) => (await stored('org-a', id))?.account_id));
    expect(accounts).toEqual(['A1', 'A2', 'A1', 'A1', 'A2', 'A1', 'A2']);
    const byEmail = await stored('org-a', 'v-email');
    expect(byEmail).toMatchObject({ type: 'web_visit', person_id: 'P1', account_id: 'A1', domain: 'acme.com' });
    expect(byEmail?.url).toBe('https://vendor.example/pricing');
    expect(await stored('org-a', 'v-domain')).toMatchObject({
      person_id: null,
      account_id: 'A2',
      domain: 'globex.com',
    });
    expect(await stored('org-a', 'imp-1')).toMatchObject({ type: 'ad_impression', quantity: 340, account_id: 'A1' });
    expect((await stored('org-a', 'imp-1'))?.attributes).toEqual({ platform: 'linkedin' });
    expect(new Date((await stored('org-a', 'imp-1'))!.occurred_at).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(await stored('org-a', 'lead-1')).toMatchObject({ quantity: 1 });
    expect(await stored('org-a', 'int-1')).toMatchObject({ type: 'intent', strength: 72 });
    expect((await stored('org-a', 'int-1'))?.attributes).toEqual({ topic: 'ABM', surge: true });
    expect((await stored('org-a', 'int-2'))?.attributes).toEqual({ topic: 'CRM', surge: false });
  });

  test('a person found by email places the event even when the mailbox is personal', async () => {
    const res = await post({ events: [visit('v-kim', { email: 'kim@gmail.com' })] });
    expect(res.body.items[0]).toEqual({ index: 0, id: 'v-kim', status: 'accepted', type: 'web_visit' });
    expect(await stored('org-a', 'v-kim')).toMatchObject({ person_id: 'P2', account_id: 'A2' });
  });

  test('unknown or personal domains are stored unresolved, and the answer does not say so', async () => {
    const res = await post({
      events: [
        visit('v-unknown', { domain: 'initech.com' }),
        visit('v-personal', { email: 'someone@yahoo.com' }),
        { id: 'imp-gmail', type: 'ad_impression', occurredAt: '2026-11-22', domain: 'gmail.com', quantity: 3 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 3,
      rejected: 0,
      items: ['v-unknown', 'v-personal', 'imp-gmail'].map((id, index) => ({
        index,
        id,
        status: 'accepted',
        type: id === 'imp-gmail' ? 'ad_impression' : 'web_visit',
      })),
    });
    expect(await stored('org-a', 'v-unknown')).toMatchObject({ account_id: null, domain: 'initech.com' });
    expect((await stored('org-a', 'v-personal'))?.attributes).toEqual({ email: 'someone@yahoo.com' });
    expect(await stored('org-a', 'imp-gmail')).toMatchObject({ account_id: null });
    // Once Initech is an account, sending the same event again resolves it, still one row.
    await upsertAccounts(db, 'org-a', [{ id: 'A3', name: 'Initech', domain: 'initech.com' }]);
    const again = await post({ events: [visit('v-unknown', { domain: 'initech.com' })] });
    expect(again.body).toEqual({
      accepted: 1,
      rejected: 0,
      items: [{ index: 0, id: 'v-unknown', status: 'accepted', type: 'web_visit' }],
    });
    expect(await stored('org-a', 'v-unknown')).toMatchObject({ account_id: 'A3' });
  });

  test('is idempotent by id: a replay stores nothing new, a correction updates the event', async () => {
    const before = await countEvents(db, 'org-a');
    const body = { events: [visit('v-replay', { domain: 'acme.com' })] };
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    expect(await countEvents(db, 'org-a')).toBe(before + 1);
    await post({ events: [visit('v-replay', { domain: 'globex.com' })] });
    expect(await countEvents(db, 'org-a')).toBe(before + 1);
    expect((await stored('org-a', 'v-replay'))?.account_id).toBe('A2');
  });

  test('concurrent requests sharing ids in opposite orders all succeed and store each id once', async () => {
    const before = await countEvents(db, 'org-a');
    const ids = Array.from({ length: 50 }, (_, i) => `conc-${String(i).padStart(2, '0')}`);
    const bodies = Array.from({ length: 8 }, (_, r) => ({
      events: (r % 2 ? [...ids].reverse() : ids).map((id) => visit(id, { domain: 'acme.com' })),
    }));
    const answers = await Promise.all(bodies.map((b) => post(b)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(await countEvents(db, 'org-a')).toBe(before + ids.length);
  });

  test('bad items are rejected with precise errors (207) while the good ones are stored', async () => {
    const before = await countEvents(db, 'org-a');
    const res = await post({
      events: [
        visit('ok-1', { domain: 'acme.com' }),
        { type: 'web_visit', occurredAt: '2026-11-23T10:00:00Z', url: 'https://x.example/', domain: 'acme.com' },
        visit('bad-url', { url: 'not a url', domain: 'acme.com' }),
        { id: 'bad-qty', type: 'ad_click', occurredAt: '2026-11-22', domain: 'acme.com', quantity: '12' },
        { id: 'bad-strength', type: 'intent', occurredAt: '2026-11-22', domain: 'acme.com', topic: 'x', strength: 140 },
        { id: 'bad-type', type: 'pageview', occurredAt: '2026-11-22' },
        visit('bad-time', { domain: 'acme.com', occurredAt: '23/11/2026' }),
        visit('future', { domain: 'acme.com', occurredAt: '2026-12-01T00:00:00Z' }),
        visit('nobody'),
        { id: 'bad-domain', type: 'ad_impression', occurredAt: '2026-11-22', domain: 'not a domain' },
        'just a string',
        visit('ok-1', { domain: 'globex.com' }),
        visit('ok-2', { email: 'jane@acme.com' }),
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 11 });
    const byIndex = (i: number) => res.body.items.find((it: { index: number }) => it.index === i);
    expect(byIndex(0)).toEqual({ index: 0, status: 'accepted', id: 'ok-1', type: 'web_visit' });
    expect(byIndex(1)).toMatchObject({ status: 'rejected', id: null, errors: [{ path: 'id', message: 'Required' }] });
    expect(byIndex(2).errors).toEqual([{ path: 'url', message: 'not a URL (expected e.g. https://acme.com/pricing)' }]);
    expect(byIndex(3).errors).toEqual([{ path: 'quantity', message: 'Expected number, received string' }]);
    expect(byIndex(4).errors).toEqual([{ path: 'strength', message: 'must be between 0 and 100' }]);
    expect(byIndex(5).errors[0]).toEqual({
      path: 'type',
      message: '"pageview" is not an event type: expected one of web_visit, ad_impression, ad_click, ad_lead, intent',
    });
    expect(byIndex(6).errors[0].path).toBe('occurredAt');
    expect(byIndex(6).errors[0].message).toMatch(/^expected an ISO 8601 date-time/);
    expect(byIndex(7).errors[0].message).toMatch(/more than a day ahead of the server clock/);
    expect(byIndex(8).errors[0]).toEqual({
      path: 'email',
      message: 'a web visit needs an email, a company domain or a visitorId to tie it to an account',
    });
    expect(byIndex(9).errors[0]).toEqual({
      path: 'domain',
      message: 'not a domain: expected a company domain such as acme.com',
    });
    expect(byIndex(10).errors[0]).toEqual({ path: '', message: 'each event must be a JSON object' });
    expect(byIndex(11).errors[0]).toEqual({
      path: 'id',
      message: 'the same id is already at index 0 of this request: ids must be unique',
    });
    expect(byIndex(12)).toMatchObject({ status: 'accepted', id: 'ok-2' });
    expect((await stored('org-a', 'ok-2'))?.account_id).toBe('A1');
    expect(await countEvents(db, 'org-a')).toBe(before + 2);
    expect((await stored('org-a', 'ok-1'))?.account_id).toBe('A1');
    for (const id of ['bad-url', 'bad-qty', 'bad-strength', 'bad-type', 'bad-time', 'future', 'nobody', 'bad-domain']) {
      expect(await stored('org-a', id)).toBeUndefined();
    }
  });

  test('400 when no item is valid, with the per-item report; nothing stored', async () => {
    const before = await countEvents(db, 'org-a');
    const res = await post({ events: [{ id: 'x' }, visit('y', { url: 42, domain: 'acme.com' })] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'NO_VALID_ITEMS', accepted: 0, rejected: 2 });
    expect(res.body.items[1].errors).toEqual([{ path: 'url', message: 'Expected string, received number' }]);
    expect(await countEvents(db, 'org-a')).toBe(before);
  });

  test('bad JSON, a wrong envelope, an empty batch and a non-JSON body get 400/415 saying what is wrong', async () => {
    const bad = await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${keyA}`)
      .set('Content-Type', 'application/json')
      .send('{"events": [ {"id": "a",, } ]}');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BAD_JSON');
    expect(bad.body.error).toMatch(/^request body is not valid JSON: .*position \d+/);
    const arr = await post([visit('a', { domain: 'acme.com' })]);
    expect(arr.status).toBe(400);
    expect(arr.body).toMatchObject({ code: 'BAD_BODY', issues: [{ path: 'events' }] });
    expect((await post({ events: [] })).body.code).toBe('EMPTY_BATCH');
    const text = await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${keyA}`)
      .type('text')
      .send('hello');
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('NOT_JSON');
  });

  test('a body over the size limit is 413, and so is a batch of more than 1,000 items; nothing stored', async () => {
    const before = await countEvents(db, 'org-a');
    const small = createApp({ db, now: () => NOW, ingest: { maxBodyBytes: 2048 } });
    const big = { events: Array.from({ length: 40 }, (_, i) => visit(`big-${i}`, { domain: 'acme.com' })) };
    const res = await request(small).post('/v1/events').set('Authorization', `Bearer ${keyA}`).send(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(res.body.error).toContain('2048 byte limit');
    const many = { events: Array.from({ length: 1001 }, (_, i) => visit(`many-${i}`, { domain: 'acme.com' })) };
    const tooMany = await post(many);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toMatchObject({ code: 'TOO_MANY_ITEMS' });
    expect(tooMany.body.error).toBe('events has 1001 items; at most 1000 per request: split the batch');
    expect(await countEvents(db, 'org-a')).toBe(before);
  });

  test('missing, unknown and revoked keys are 401; another org named with this key is 403', async () => {
    const before = await countEvents(db, 'org-a');
    const body = { events: [visit('auth-1', { domain: 'acme.com' })] };
    const none = await request(app).post('/v1/events').send(body);
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('MISSING_KEY');
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const unknown = await post(body, `${keyA.slice(0, -2)}xx`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('UNKNOWN_KEY');
    const made = await createApiKey(db, 'org-a', 'short-lived');
    await revokeApiKey(db, made.prefix);
    const revoked = await post(body, made.key);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ code: 'REVOKED_KEY' });
    expect(revoked.body.error).toContain(`${made.prefix}… was revoked`);
    const inBody = await post({ org: 'org-a', ...body }, keyB);
    expect(inBody.status).toBe(403);
    expect(inBody.body.error).toMatch(/^the body org names org org-a, but this API key belongs to another org/);
    const inPath = await post(body, keyB, '/v1/orgs/org-a/events');
    expect(inPath.status).toBe(403);
    const inHeader = await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${keyB}`)
      .set('X-Pulse-Org', 'org-a')
      .send(body);
    expect(inHeader.status).toBe(403);
    expect(await countEvents(db, 'org-a')).toBe(before);
    expect(await stored('org-b', 'auth-1')).toBeUndefined();
  });

  test("a key writes to its own org: the same payload with org-b's key lands in org-b", async () => {
    const res = await post(
      { org: 'org-b', events: [visit('own-1', { domain: 'acme.com' })] },
      keyB,
      '/v1/orgs/org-b/events',
    );
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ id: 'own-1', status: 'accepted' });
    expect(await stored('org-b', 'own-1')).toMatchObject({ account_id: 'B1' });
    expect(await stored('org-a', 'own-1')).toBeUndefined();
  });

  test('the rate limit per key answers 429 with Retry-After, and other keys are unaffected', async () => {
    const limited = createApp({ db, now: () => NOW, ingest: { rateLimit: { perSecond: 0.01, burst: 2 } } });
    const body = { events: [visit('rl-1', { domain: 'acme.com' })] };
    const send = (key: string) => request(limited).post('/v1/events').set('Authorization', `Bearer ${key}`).send(body);
    expect((await send(keyA)).status).toBe(200);
    expect((await send(keyA)).status).toBe(200);
    const third = await send(keyA);
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('RATE_LIMITED');
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await send(keyB)).status).toBe(200);
  });

  test('two web processes share one limit per key: the store keeps the buckets', async () => {
    const rateLimit = { perSecond: 0.01, burst: 2 };
    const first = createApp({ db, now: () => NOW, ingest: { rateLimit } });
    const second = createApp({ db, now: () => NOW, ingest: { rateLimit } });
    const body = { events: [visit('rl-shared', { domain: 'acme.com' })] };
    const send = (app: typeof first, key: string) =>
      request(app).post('/v1/events').set('Authorization', `Bearer ${key}`).send(body);
    // keyB's bucket: its earlier requests in this file took from it too; drain it on the first app.
    while ((await send(first, keyB)).status !== 429);
    const other = await send(second, keyB);
    expect(other.status).toBe(429);
    expect(other.body.error).toMatch(/for this key/);
  });

  test('unknown keys from one address are refused after ten tries, before the key is looked up', async () => {
    const app2 = createApp({ db, now: () => new Date(NOW.getTime() + 86_400_000) });
    const body = { events: [visit('guess', { domain: 'acme.com' })] };
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await request(app2).post('/v1/events').set('Authorization', `Bearer pk_guess${i}`).send(body);
      codes.push(r.status);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual([429, 429]);
    const again = await request(app2).post('/v1/events').set('Authorization', `Bearer ${keyA}`).send(body);
    // The address itself is held back for a second, valid key or not; then it may go on.
    expect([again.status, Number(again.headers['retry-after'])]).toEqual([429, 1]);
  });

  test('ingestion outcomes are counted in /metrics', async () => {
    const res = await request(app).get('/metrics');
    expect(res.text).toMatch(/pulse_ingest_events_total\{result="accepted"\} [1-9]\d*/);
    expect(res.text).toMatch(/pulse_ingest_events_total\{result="rejected"\} [1-9]\d*/);
    expect(res.text).toMatch(
      /pulse_http_request_duration_seconds_count\{method="POST",route="\/v1\/events",status="207"\} 1/,
    );
  });
});
