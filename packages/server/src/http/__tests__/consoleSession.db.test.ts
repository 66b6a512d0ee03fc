/** Console sign-in and sessions: the bootstrap token, the session cookie, CSRF, roles, sign-out, the rate limit. */
import request from 'supertest';
import { runAdminToken } from '../../cli/admin';
import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { consoleApp, cookieFrom, sessionCookie, signCookie, TEST_SESSION_SECRET } from '../../../testing/console';
import { SESSION_COOKIE } from '../session';

let db: Db;
withTestDb((d) => (db = d));
const NOW = new Date('2026-11-24T06:00:00Z');
const now = () => NOW;
const quiet = { write: () => true };

const setCookies = (res: request.Response) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []).join('\n');

async function bootstrapToken(org = 'default'): Promise<string> {
  return (await runAdminToken({ org }, { db, out: quiet, now })).token;
}

test('the bootstrap token signs in as admin with an http-only, SameSite=Lax, signed session cookie', async () => {
  const token = await bootstrapToken();
  const app = consoleApp(db, now);
  const res = await request(app).post('/auth/token').send({ token });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ user: { name: 'bootstrap' }, role: 'admin', org: 'default' });
  expect(res.body.csrfToken).toEqual(expect.any(String));
  const setCookie = setCookies(res);
  expect(setCookie).toMatch(/pulse_session=s%3A/);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Lax/);
  const me = await request(app).get('/api/session').set('Cookie', cookieFrom(res, SESSION_COOKIE)!);
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ role: 'admin', csrfToken: res.body.csrfToken, org: 'default' });
});

test('the token is stored hashed and a new one replaces the old', async () => {
  const first = await bootstrapToken();
  const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM console_bootstrap_tokens');
  expect(JSON.stringify(stored.rows)).not.toContain(first);
  await bootstrapToken();
  const res = await request(consoleApp(db, now)).post('/auth/token').send({ token: first });
  expect(res.status).toBe(401);
  expect(res.body.code).toBe('BAD_TOKEN');
});

test('a bootstrap token stops working after a day', async () => {
  const token = await bootstrapToken();
  const later = new Date(NOW.getTime() + 25 * 3_600_000);
  const res = await request(consoleApp(db, () => later))
    .post('/auth/token')
    .send({ token });
  expect(res.body.code).toBe('BAD_TOKEN');
});

test('a sign-in body without a token is 400 naming the field', async () => {
  const res = await request(consoleApp(db, now)).post('/auth/token').send({});
  expect(res.status).toBe(400);
  expect(res.body.issues).toEqual([expect.objectContaining({ path: 'token' })]);
});

test('no session: /api answers 401 NO_SESSION and console pages redirect to /signin', async () => {
  const app = consoleApp(db, now);
  const api = await request(app).get('/api/session');
  expect(api.status).toBe(401);
  expect(api.body.code).toBe('NO_SESSION');
  for (const page of ['/', '/console/models']) {
    const res = await request(app).get(page);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/signin');
  }
});

test('a forged or unsigned cookie is no session', async () => {
  const { cookie } = await sessionCookie(db, 'default', 'admin', NOW);
  const value = decodeURIComponent(cookie.split('=')[1]!);
  const unsigned = `${SESSION_COOKIE}=${encodeURIComponent(value.replace(/^s:/, '').replace(/\.[^.]+$/, ''))}`;
  const forged = `${SESSION_COOKIE}=${encodeURIComponent(signCookie('default:made-up', 'another-secret'))}`;
  const unknown = `${SESSION_COOKIE}=${encodeURIComponent(signCookie('default:made-up', TEST_SESSION_SECRET))}`;
  for (const c of [unsigned, forged, unknown]) {
    const res = await request(consoleApp(db, now)).get('/api/session').set('Cookie', c);
    expect(res.status).toBe(401);
  }
});

test('a session expires after 12 hours', async () => {
  const { cookie } = await sessionCookie(db, 'default', 'admin', NOW);
  const later = new Date(NOW.getTime() + 12 * 3_600_000 + 1);
  const res = await request(consoleApp(db, () => later))
    .get('/api/session')
    .set('Cookie', cookie);
  expect(res.status).toBe(401);
});

test('a state-changing request without the CSRF token is 403 CSRF, with a wrong one too', async () => {
  const { cookie } = await sessionCookie(db, 'default', 'admin', NOW);
  const app = consoleApp(db, now);
  const missing = await request(app).post('/auth/signout').set('Cookie', cookie);
  expect(missing.status).toBe(403);
  expect(missing.body.code).toBe('CSRF');
  const wrong = await request(app).post('/api/keys').set('Cookie', cookie).set('X-CSRF-Token', 'nope').send({});
  expect(wrong.status).toBe(403);
  expect(wrong.body.code).toBe('CSRF');
  // Still signed in: the refused sign-out did nothing.
  expect((await request(app).get('/api/session').set('Cookie', cookie)).status).toBe(200);
});

test('a viewer may read but any write is 403 FORBIDDEN_ROLE', async () => {
  const viewer = await sessionCookie(db, 'default', 'viewer', NOW);
  const app = consoleApp(db, now);
  const me = await request(app).get('/api/session').set(viewer.headers);
  expect(me.body.role).toBe('viewer');
  const write = await request(app).post('/api/keys').set(viewer.headers).send({});
  expect(write.status).toBe(403);
  expect(write.body.code).toBe('FORBIDDEN_ROLE');
});

test('sign-out revokes the session server side and clears the cookie', async () => {
  const s = await sessionCookie(db, 'default', 'admin', NOW);
  const app = consoleApp(db, now);
  const out = await request(app).post('/auth/signout').set(s.headers);
  expect(out.status).toBe(204);
  expect(setCookies(out)).toMatch(/pulse_session=;/);
  // The old cookie, replayed, opens nothing.
  expect((await request(app).get('/api/session').set('Cookie', s.cookie)).status).toBe(401);
});

test('failed sign-ins are rate-limited per address: 429 TOO_MANY_SIGNINS with Retry-After', async () => {
  const app = consoleApp(db, now);
  const ip = '203.0.113.9';
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    const res = await request(app)
      .post('/auth/token')
      .set('X-Forwarded-For', ip)
      .send({ token: `wrong-${i}` });
    statuses.push(res.status);
  }
  expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
  const refused = await request(app)
    .post('/auth/token')
    .set('X-Forwarded-For', ip)
    .send({ token: await bootstrapToken() });
  expect(refused.status).toBe(429);
  expect(refused.body.code).toBe('TOO_MANY_SIGNINS');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
});
