import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../app';
import { CONSOLE_PAGES } from '../console';
import type { Db } from '../../store/db';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { seedIngestOrgs } from './fixtures';

let db: Db;
let app: express.Express;
let keyA: string;
let keyB: string;
let doc: { openapi: string; paths: Record<string, Record<string, OperationDoc>> };
let ajv: Ajv2020;

interface OperationDoc {
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

const visit = (id: string) => ({
  id,
  type: 'web_visit',
  occurredAt: '2026-11-23T10:00:00Z',
  url: 'https://vendor.example/pricing',
  domain: 'acme.com',
});

/** Checks a real response against the document: the status is documented and the body fits its schema. */
function expectDocumented(method: string, path: string, res: request.Response): void {
  const op = doc.paths[path]?.[method];
  if (!op) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  const response = op.responses[String(res.status)];
  if (!response) throw new Error(`${method} ${path} answered ${res.status}, which the document does not list`);
  const type = String(res.headers['content-type']).split(';')[0]!;
  const media = response.content?.[type];
  if (!media) throw new Error(`${method} ${path} ${res.status} answered ${type}, which the document does not list`);
  const validate = ajv.compile({
    $ref: `openapi.json#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${res.status}/content/${type.replace('/', '~1')}/schema`,
  });
  const body: unknown = type === 'application/json' ? res.body : res.text;
  if (!validate(body))
    throw new Error(`${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}

function requestSchemaAccepts(path: string, body: unknown): boolean {
  const validate = ajv.compile({
    $ref: `openapi.json#/paths/${path.replace(/\//g, '~1')}/post/requestBody/content/application~1json/schema`,
  });
  return validate(body) as boolean;
}

const ADMIN = 'admin-token-0123456789abcdef';

beforeAll(async () => {
  db = await createTestDb();
  ({ keyA, keyB } = await seedIngestOrgs(db));
  app = createApp({
    db,
    now: () => new Date('2026-11-24T12:00:00Z'),
    ingest: { rateLimit: { perSecond: 0.01, burst: 12 } },
    access: { adminToken: ADMIN, metricsToken: null },
  });
  const res = await request(app).get('/v1/openapi.json');
  doc = res.body;
  // validateFormats off: ajv-formats is not a dependency; formats are checked by zod at the edge.
  ajv = new Ajv2020({ strict: true, validateFormats: false });
  // The document's own sections are declared as keywords, so refs into it resolve without compiling them.
  ajv.addVocabulary(['example', ...Object.keys(doc)]);
  ajv.addSchema(doc as object, 'openapi.json');
});

afterAll(async () => {
  await dropTestDb(db);
});

test('the document is OpenAPI 3.1 and lists every route the app serves', () => {
  expect(doc.openapi).toBe('3.1.0');
  const stack = (
    app as unknown as {
      _router: {
        stack: Array<{
          route?: { path: string | string[] };
          handle: { stack?: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> } }> };
        }>;
      };
    }
  )._router.stack;
  const served = new Set<string>();
  for (const layer of stack) {
    for (const inner of [layer, ...(layer.handle.stack ?? [])]) {
      // The console's pages are HTML, not API routes; everything else must be documented.
      if (!inner.route || inner.route.path === CONSOLE_PAGES) continue;
      for (const p of [inner.route.path].flat()) served.add(p.replace(/:(\w+)/g, '{$1}'));
    }
  }
  expect([...served].sort()).toEqual(Object.keys(doc.paths).sort());
});

test('real ingestion answers match the documented schemas for every status', async () => {
  const auth = `Bearer ${keyA}`;
  const ev = (body: unknown, key = auth, path = '/v1/events') =>
    request(app)
      .post(path)
      .set('Authorization', key)
      .send(body as object);
  expectDocumented('post', '/v1/events', await ev({ events: [visit('oa-1')] }));
  const partial = await ev({ events: [visit('oa-2'), { id: 'bad', type: 'intent' }] });
  expect(partial.status).toBe(207);
  expectDocumented('post', '/v1/events', partial);
  const none = await ev({ events: [{ id: 'bad' }] });
  expect(none.status).toBe(400);
  expectDocumented('post', '/v1/events', none);
  const badJson = await request(app).post('/v1/events').set('Authorization', auth).type('json').send('{"events":');
  expect(badJson.status).toBe(400);
  expectDocumented('post', '/v1/events', badJson);
  expectDocumented('post', '/v1/events', await ev({ events: [visit('oa-3')] }, 'Bearer pk_nope'));
  const forbidden = await ev({ events: [visit('oa-4')] }, `Bearer ${keyB}`, '/v1/orgs/org-a/events');
  expect(forbidden.status).toBe(403);
  expectDocumented('post', '/v1/orgs/{org}/events', forbidden);
  const tooMany = await ev({ events: Array.from({ length: 1001 }, (_, i) => visit(`m${i}`)) });
  expect(tooMany.status).toBe(413);
  expectDocumented('post', '/v1/events', tooMany);
  const text = await request(app).post('/v1/events').set('Authorization', auth).type('text').send('x');
  expect(text.status).toBe(415);
  expectDocumented('post', '/v1/events', text);
  const seg = await ev(
    { type: 'page', messageId: 's-1', anonymousId: 'a', properties: { url: 'https://x.example/' } },
    auth,
    '/v1/segment',
  );
  expect(seg.status).toBe(200);
  expectDocumented('post', '/v1/segment', seg);
  const segPartial = await ev(
    {
      batch: [
        { type: 'page', messageId: 's-2', anonymousId: 'a', properties: { url: 'https://x.example/' } },
        { type: 'alias' },
      ],
    },
    auth,
    '/v1/segment',
  );
  expect(segPartial.status).toBe(207);
  expectDocumented('post', '/v1/segment', segPartial);
  let limited: request.Response | undefined;
  for (let i = 0; i < 20 && !limited; i++) {
    const r = await ev({ events: [visit('oa-rl')] });
    if (r.status === 429) limited = r;
  }
  expect(limited).toBeDefined();
  expectDocumented('post', '/v1/events', limited!);
});

test('health, readiness, status, metrics and the document itself match it too', async () => {
  for (const path of ['/healthz', '/readyz', '/v1/status', '/metrics', '/v1/openapi.json']) {
    const res = await request(app).get(path).set('Authorization', `Bearer ${ADMIN}`);
    expect(res.status).toBe(200);
    expectDocumented('get', path, res);
  }
  const bad = await request(app).get('/v1/status?limit=x').set('Authorization', `Bearer ${ADMIN}`);
  expectDocumented('get', '/v1/status', bad);
  const anonymous = await request(app).get('/v1/status');
  expect(anonymous.status).toBe(401);
  expectDocumented('get', '/v1/status', anonymous);
  const proxied = await request(app).get('/metrics').set('X-Forwarded-For', '203.0.113.9');
  expect(proxied.status).toBe(403);
  expectDocumented('get', '/metrics', proxied);
});

test('the documented request schemas accept what the API accepts and refuse what it refuses', () => {
  const good = {
    events: [
      visit('r-1'),
      { id: 'r-2', type: 'ad_click', occurredAt: '2026-11-22', domain: 'acme.com', quantity: 3 },
      { id: 'r-3', type: 'intent', occurredAt: '2026-11-22', domain: 'acme.com', topic: 'ABM', strength: 61 },
    ],
  };
  expect(requestSchemaAccepts('/v1/events', good)).toBe(true);
  expect(requestSchemaAccepts('/v1/events', { events: [{ ...visit('r'), id: undefined }] })).toBe(false);
  expect(
    requestSchemaAccepts('/v1/events', {
      events: [{ id: 'x', type: 'intent', occurredAt: '2026-11-22', domain: 'a.com', topic: 't', strength: 140 }],
    }),
  ).toBe(false);
  expect(requestSchemaAccepts('/v1/events', { events: [{ ...visit('r'), occurredAt: '23/11/2026' }] })).toBe(false);
  expect(requestSchemaAccepts('/v1/events', { events: [{ ...visit('r'), type: 'pageview' }] })).toBe(false);
  expect(
    requestSchemaAccepts('/v1/segment', {
      batch: [{ type: 'track', messageId: 'm', userId: 'u', event: 'Form Submitted' }],
    }),
  ).toBe(true);
  expect(requestSchemaAccepts('/v1/segment', { type: 'track', userId: 'u', event: 'Form Submitted' })).toBe(false);
});

test('the documented request schemas carry the limits hostile input is refused at', () => {
  const events = (extra: Record<string, unknown>) => ({ events: [{ ...visit('h'), ...extra }] });
  expect(requestSchemaAccepts('/v1/events', events({ url: 'javascript:alert(1)' }))).toBe(false);
  expect(requestSchemaAccepts('/v1/events', events({ url: 'data:text/html,x' }))).toBe(false);
  expect(requestSchemaAccepts('/v1/events', events({ url: 'HTTPS://vendor.example/' }))).toBe(true);
  expect(requestSchemaAccepts('/v1/events', events({ title: 'x'.repeat(501) }))).toBe(false);
  const track = (extra: Record<string, unknown>) => ({
    type: 'track',
    messageId: 'm',
    userId: 'u',
    event: 'Form Submitted',
    ...extra,
  });
  expect(requestSchemaAccepts('/v1/segment', track({ userId: 'u'.repeat(257) }))).toBe(false);
  expect(requestSchemaAccepts('/v1/segment', track({ anonymousId: 'a'.repeat(257) }))).toBe(false);
  expect(requestSchemaAccepts('/v1/segment', track({ event: 'e'.repeat(201) }))).toBe(false);
  expect(requestSchemaAccepts('/v1/segment', track({ userId: 'u'.repeat(256) }))).toBe(true);
  for (const path of ['/v1/events', '/v1/segment']) {
    const description = (doc.paths[path]?.post as { description?: string } | undefined)?.description;
    expect(description).toContain('1970-01-01');
    expect(description).toContain('never which account');
  }
});
