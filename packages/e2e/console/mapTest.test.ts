/** The Connect page's "test connection" against the HubSpot emulator: saved settings, the vendor called, a bad token told. */
import request from 'supertest';
import { startHubspotEmulator, type HubspotEmulator } from '@pulse/sandbox/src/hubspot/server';
import { runAdminToken } from '@pulse/server/src/cli/admin';
import { readConfig } from '@pulse/server/src/config';
import { createApp } from '@pulse/server/src/http/app';
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';

let hs: HubspotEmulator;
let db: Db;
const NOW = new Date('2026-11-24T10:00:00Z');

beforeAll(async () => {
  hs = await startHubspotEmulator({
    seed: { people: [], activities: [] },
    now: () => NOW,
    tenSecondlyLimit: 1_000_000,
  });
  db = await createTestDb();
});
afterAll(async () => {
  await hs.close();
  await dropTestDb(db);
});

test('test connection calls HubSpot with the saved token, and says what is wrong with a bad one', async () => {
  const config = readConfig({ PULSE_SECRET_KEY: 'e2e-map-test-secret-key-0123456789' });
  const app = createApp({
    db,
    now: () => NOW,
    console: { config, sessionSecret: 'e2e-map-test-session-secret-0123456789' },
  });
  const { token } = await runAdminToken({ org: 'default' }, { db, out: { write: () => true }, now: () => NOW });
  const agent = request.agent(app);
  const signIn = await agent.post('/auth/token').send({ token });
  const csrf = { 'X-CSRF-Token': signIn.body.csrfToken as string };
  const save = (accessToken: string) =>
    agent
      .put('/api/connection/maps/hubspot')
      .set(csrf)
      .send({ settings: { baseUrl: hs.url }, secrets: { accessToken } });

  expect((await save(hs.credentials.accessToken)).status).toBe(200);
  hs.calls.clear();
  const ok = await agent.post('/api/connection/maps/hubspot/test').set(csrf);
  expect(ok.body).toMatchObject({ ok: true, message: expect.stringContaining('hubspot answered') });
  expect(ok.body.apiCalls).toBeGreaterThan(0);
  expect(hs.calls.entries.length).toBe(ok.body.apiCalls);

  await save('pat-na1-wrong');
  const bad = await agent.post('/api/connection/maps/hubspot/test').set(csrf);
  expect(bad.body.ok).toBe(false);
  expect(bad.body.message).toMatch(/hubspot/i);
  expect(JSON.stringify(bad.body)).not.toContain('pat-na1-wrong');
});
