import { createApp } from '@pulse/server/src/http/app';
import { startServer, type RunningServer } from '@pulse/server/src/http/server';
import { DEFAULT_MODEL_DOCUMENT } from '@pulse/server/src/model/defaults';
import { publishModel, scoreOrg } from '@pulse/server/src/engine/engine';
import type { Db } from '@pulse/server/src/store/db';
import { seedIngestOrgs, segmentPage } from '@pulse/server/src/http/__tests__/fixtures';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';

// The whole chain over real HTTP: ingest web, ad, intent and Segment events → score → the right account moves.
const AS_OF = '2026-11-24';
let db: Db;
let server: RunningServer;
let key: string;

async function post(
  path: string,
  body: unknown,
): Promise<{ status: number; body: { accepted: number; rejected: number } }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { accepted: number; rejected: number } };
}

async function scores() {
  const r = await scoreOrg(db, { orgId: 'org-a', asOf: AS_OF });
  return new Map(r.scores.map((s) => [s.accountId, s]));
}

beforeAll(async () => {
  db = await createTestDb();
  ({ keyA: key } = await seedIngestOrgs(db));
  await publishModel(db, 'org-a', DEFAULT_MODEL_DOCUMENT, AS_OF);
  server = await startServer(createApp({ db, now: () => new Date(`${AS_OF}T18:00:00Z`) }), 0, '127.0.0.1');
});

afterAll(async () => {
  await server.close();
  await dropTestDb(db);
});

test('before any ingestion neither account has a score', async () => {
  const s = await scores();
  expect(s.has('A1')).toBe(false);
  expect(s.has('A2')).toBe(false);
});

test("Acme's web visits, ad engagement and intent surge score Acme, and only Acme", async () => {
  const res = await post('/v1/events', {
    events: [
      {
        id: 'e1',
        type: 'web_visit',
        occurredAt: '2026-11-23T10:00:00Z',
        url: 'https://vendor.example/pricing',
        email: 'jane@acme.com',
      },
      {
        id: 'e2',
        type: 'web_visit',
        occurredAt: '2026-11-22T10:00:00Z',
        url: 'https://vendor.example/blog',
        domain: 'acme.com',
      },
      { id: 'e3', type: 'ad_impression', occurredAt: '2026-11-22', domain: 'acme.com', quantity: 400 },
      { id: 'e4', type: 'ad_click', occurredAt: '2026-11-22', domain: 'acme.com', quantity: 9 },
      { id: 'e5', type: 'intent', occurredAt: '2026-11-20', domain: 'acme.com', topic: 'ABM', strength: 80 },
    ],
  });
  expect(res).toMatchObject({ status: 200, body: { accepted: 5, rejected: 0 } });
  const s = await scores();
  const acme = s.get('A1');
  expect(acme).toBeDefined();
  expect(acme!.score).toBeGreaterThan(0);
  for (const kpi of ['web_high_intent', 'web_other', 'ad_impressions', 'ad_clicks', 'intent']) {
    expect(acme!.kpis[kpi]?.points ?? 0).toBeGreaterThan(0);
  }
  expect(acme!.topPeople.map((p) => p.personId)).toContain('P1');
  expect(s.has('A2')).toBe(false);
});

test("a Segment page view by a visitor who joined Globex's group raises Globex, leaving Acme as it was", async () => {
  const acmeBefore = (await scores()).get('A1')!.scoreExact;
  const res = await post('/v1/segment', {
    batch: [
      { type: 'group', messageId: 'g1', anonymousId: 'v-9', groupId: 'globex', traits: { website: 'globex.com' } },
      segmentPage('p1', {
        anonymousId: 'v-9',
        timestamp: '2026-11-24T09:00:00Z',
        properties: { url: 'https://vendor.example/demo' },
      }),
    ],
  });
  expect(res.status).toBe(200);
  const s = await scores();
  expect(s.get('A2')!.score).toBeGreaterThan(0);
  expect(s.get('A2')!.kpis.web_high_intent!.points).toBeGreaterThan(0);
  expect(s.get('A1')!.scoreExact).toBeCloseTo(acmeBefore, 12);
});

test('an unresolved event changes no score', async () => {
  const before = await scores();
  const res = await post('/v1/events', {
    events: [{ id: 'e9', type: 'intent', occurredAt: '2026-11-23', domain: 'initech.com', topic: 'CRM', strength: 95 }],
  });
  expect(res.status).toBe(200);
  const after = await scores();
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [id, s] of after) expect(s.scoreExact).toBeCloseTo(before.get(id)!.scoreExact, 12);
});
