/**
 * Sign in with Salesforce end to end: Pulse's /auth/salesforce → the emulator's authorize page
 * (PKCE S256 and state; the callback URL registered on the connected app) → the callback, which
 * trades the code with the verifier, reads UserInfo and UserPermissionAccess, stores the connection
 * and starts the session. Then the Salesforce-backed console routes: permissions and field mapping.
 */
import { createServer } from 'node:net';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { readConfig } from '@pulse/server/src/config';
import { createApp } from '@pulse/server/src/http/app';
import { startServer, type RunningServer } from '@pulse/server/src/http/server';
import { loadConnectionSummary } from '@pulse/server/src/store/connections';
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';

let emu: Emulator;
let db: Db;
let pulse: RunningServer;

/** A free loopback port, so the connected app's callback URL can name Pulse before it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const cookieOf = (res: Response, name: string): string | null => {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line ? line.split(';')[0]! : null;
};

/** Walks the whole redirect dance as a browser would; returns the session cookie and the callback's answer. */
async function signInWithSalesforce(): Promise<{ session: string | null; callback: Response }> {
  const start = await fetch(`${pulse.url}/auth/salesforce?env=production`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emu.loginUrl}/services/oauth2/authorize`);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(authorize.searchParams.get('state')).toBeTruthy();
  const stateCookie = cookieOf(start, 'pulse_oauth')!;
  const approved = await fetch(authorize, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  const back = approved.headers.get('location')!;
  expect(back.startsWith(`${pulse.url}/auth/salesforce/callback?`)).toBe(true);
  const callback = await fetch(back, { redirect: 'manual', headers: { Cookie: stateCookie } });
  return { session: cookieOf(callback, 'pulse_session'), callback };
}

beforeAll(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  emu = await startEmulator({ callbackUrls: [`${origin}/auth/salesforce/callback`] });
  db = await createTestDb();
  const config = readConfig({
    SF_LOGIN_URL: emu.loginUrl,
    SF_SANDBOX_LOGIN_URL: emu.loginUrl,
    SF_CLIENT_ID: emu.clientId,
    SF_CLIENT_SECRET: emu.clientSecret,
    PULSE_SECRET_KEY: 'e2e-console-secret-key-0123456789',
    PULSE_SESSION_SECRET: 'e2e-console-session-secret-0123456789abcdef',
  });
  const app = createApp({ db, console: { config, sessionSecret: config.console.sessionSecret! } });
  pulse = await startServer(app, port, '127.0.0.1');
});
afterAll(async () => {
  await pulse.close();
  await emu.close();
  await dropTestDb(db);
});

test('an admin signs in with Salesforce: PKCE code exchange, session, stored connection', async () => {
  const { session, callback } = await signInWithSalesforce();
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe('/');
  expect(session).toBeTruthy();
  const token = emu.callLog.entries.filter((e) => e.path === '/services/oauth2/token');
  expect(token.at(-1)?.status).toBe(200);
  const me = await fetch(`${pulse.url}/api/session`, { headers: { Cookie: session! } });
  expect(await me.json()).toMatchObject({
    role: 'admin',
    org: 'default',
    user: { username: emu.username, orgId: emu.orgId },
  });
  const stored = await loadConnectionSummary(db, 'default');
  expect(stored).toMatchObject({ authKind: 'refresh_token', identity: { sfOrgId: emu.orgId } });
});

test('a user without Customize Application or Modify All Data is a viewer', async () => {
  emu.user.revoke('CustomizeApplication', 'ModifyAllData');
  try {
    const { session } = await signInWithSalesforce();
    const me = (await (await fetch(`${pulse.url}/api/session`, { headers: { Cookie: session! } })).json()) as {
      role: string;
      csrfToken: string;
    };
    expect(me.role).toBe('viewer');
    const write = await fetch(`${pulse.url}/api/preflight`, {
      method: 'POST',
      headers: { Cookie: session!, 'X-CSRF-Token': me.csrfToken },
    });
    expect(write.status).toBe(403);
  } finally {
    emu.user.reset();
  }
});

test("a callback whose state is not the browser's is 400 BAD_STATE", async () => {
  const start = await fetch(`${pulse.url}/auth/salesforce`, { redirect: 'manual' });
  const approved = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(approved.headers.get('location')!);
  back.searchParams.set('state', 'forged');
  const res = await fetch(back, { redirect: 'manual', headers: { Cookie: cookieOf(start, 'pulse_oauth')! } });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { code: string }).code).toBe('BAD_STATE');
  const noCookie = await fetch(approved.headers.get('location')!, { redirect: 'manual' });
  expect(noCookie.status).toBe(400);
});

test('permissions are all green on the demo permissions, and a mapping is remapped and back', async () => {
  const { session } = await signInWithSalesforce();
  const me = (await (await fetch(`${pulse.url}/api/session`, { headers: { Cookie: session! } })).json()) as {
    csrfToken: string;
  };
  const headers = { Cookie: session!, 'X-CSRF-Token': me.csrfToken, 'Content-Type': 'application/json' };
  const preflight = (await (await fetch(`${pulse.url}/api/preflight`, { method: 'POST', headers })).json()) as {
    read: Array<{ ok: boolean }>;
    write: Array<{ ok: boolean; field: string }>;
  };
  expect(preflight.read.length).toBeGreaterThan(10);
  expect(preflight.read.filter((i) => !i.ok)).toEqual([]);
  expect(preflight.write.filter((i) => !i.ok)).toEqual([]);
  expect(preflight.write.map((i) => i.field)).toContain('Engagement_Score__c');

  const mapping = (await (await fetch(`${pulse.url}/api/mapping`, { headers })).json()) as {
    outputs: Array<{ output: string; field: string | null; ok: boolean }>;
    fields: Array<{ name: string }>;
  };
  expect(mapping.outputs.find((o) => o.output === 'score')).toMatchObject({ field: 'Engagement_Score__c', ok: true });
  expect(mapping.fields.map((f) => f.name)).toContain('Name');
  const put = (field: string | null) =>
    fetch(`${pulse.url}/api/mapping/score`, { method: 'PUT', headers, body: JSON.stringify({ field }) });
  const wrongType = await put('Name');
  expect(wrongType.status).toBe(400);
  expect(((await wrongType.json()) as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('field');
  const off = await put(null);
  expect(await off.json()).toMatchObject({ output: 'score', field: null, ok: true });
  const back = await put('Engagement_Score__c');
  expect(await back.json()).toMatchObject({ output: 'score', field: 'Engagement_Score__c', ok: true });
});
