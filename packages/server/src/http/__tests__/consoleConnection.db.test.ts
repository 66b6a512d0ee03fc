/** The Connect page's routes: the connection summary, MAP settings (secrets never answered), test connection, API keys. */
import request from 'supertest';
import type { Db } from '../../store/db';
import { findApiKey } from '../../store/apiKeys';
import { withTestDb } from '../../../testing/db';
import { consoleApp, sessionCookie } from '../../../testing/console';

let db: Db;
withTestDb((d) => (db = d));
const NOW = new Date('2026-11-24T06:00:00Z');
const now = () => NOW;
const env = { PULSE_SECRET_KEY: 'console-test-secret-key-0123456789' };
const noSalesforce = async () => {
  throw new Error('no Salesforce in this test');
};
const app = () =>
  consoleApp(db, now, {
    env,
    console: {
      connect: noSalesforce,
      fetch: async () => {
        throw new Error('connect ECONNREFUSED vendor.example');
      },
    },
  });

test('no session is 401 on every Connect route; a viewer may read but not write', async () => {
  for (const [method, path] of [
    ['get', '/api/connection'],
    ['put', '/api/connection/maps/hubspot'],
    ['post', '/api/connection/maps/hubspot/test'],
    ['post', '/api/keys'],
    ['delete', '/api/keys/pk_x'],
  ] as const) {
    const res = await request(app())[method](path);
    expect([path, res.status, res.body.code]).toEqual([path, 401, 'NO_SESSION']);
  }
  const viewer = await sessionCookie(db, 'default', 'viewer', NOW);
  expect((await request(app()).get('/api/connection').set(viewer.headers)).status).toBe(200);
  for (const [method, path] of [
    ['put', '/api/connection/maps/hubspot'],
    ['post', '/api/keys'],
    ['delete', '/api/keys/pk_x'],
  ] as const) {
    const res = await request(app())[method](path).set(viewer.headers).send({});
    expect([path, res.status, res.body.code]).toEqual([path, 403, 'FORBIDDEN_ROLE']);
  }
});

test('a key is shown once on create, listed without it, and revoked', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const created = await request(app()).post('/api/keys').set(admin.headers).send({ label: 'website' });
  expect(created.status).toBe(201);
  expect(created.body.key).toMatch(/^pk_/);
  const listed = await request(app()).get('/api/connection').set(admin.headers);
  expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
  expect(listed.body.keys).toEqual([
    expect.objectContaining({ id: created.body.id, label: 'website', revokedAt: null }),
  ]);
  expect((await request(app()).delete(`/api/keys/${created.body.id}`).set(admin.headers)).status).toBe(204);
  expect((await findApiKey(db, created.body.key))?.revokedAt).not.toBeNull();
  const again = await request(app()).delete('/api/keys/pk_notmine').set(admin.headers);
  expect([again.status, again.body.code]).toEqual([404, 'NO_KEY']);
  const bad = await request(app()).post('/api/keys').set(admin.headers).send({ label: 7 });
  expect([bad.status, bad.body.issues[0].path]).toEqual([400, 'label']);
});

test('MAP settings are saved; secrets are never answered; unknown keys are 400 naming the field', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const saved = await request(app())
    .put('/api/connection/maps/hubspot')
    .set(admin.headers)
    .send({ settings: {}, secrets: { accessToken: 'pat-na1-very-secret' } });
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject({ source: 'hubspot', configured: true, from: 'console', secrets: ['accessToken'] });
  const page = await request(app()).get('/api/connection').set(admin.headers);
  expect(JSON.stringify(page.body)).not.toContain('pat-na1-very-secret');
  expect(page.body.salesforce).toBeNull();
  const unknown = await request(app())
    .put('/api/connection/maps/hubspot')
    .set(admin.headers)
    .send({ settings: { colour: 'blue' } });
  expect([unknown.status, unknown.body.issues[0].path]).toEqual([400, 'settings.colour']);
  const badSource = await request(app()).put('/api/connection/maps/eloqua').set(admin.headers).send({});
  expect([badSource.status, badSource.body.issues[0].path]).toEqual([400, 'source']);
});

test('test connection calls the vendor and says what failed; an unconnected MAP is 404', async () => {
  const admin = await sessionCookie(db, 'default', 'admin', NOW);
  const res = await request(app()).post('/api/connection/maps/hubspot/test').set(admin.headers);
  expect(res.status).toBe(200);
  expect(res.body.ok).toBe(false);
  expect(res.body.message).toMatch(/ECONNREFUSED|hubspot/);
  const none = await request(app()).post('/api/connection/maps/marketo/test').set(admin.headers);
  expect([none.status, none.body.code]).toEqual([404, 'NO_CONNECTION']);
});
