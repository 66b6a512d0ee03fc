/**
 * OAuth 2.0 through jsforce: grants, error bodies, token expiry and transparent refresh.
 * Error bodies: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 */
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { startEmulator, type Emulator } from '../server';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

let t = Date.parse('2026-11-24T10:00:00Z');
let emu: Emulator;

/** Signs an RS256 JWT (what a client of the JWT bearer flow does). */
function signJwt(claims: Record<string, unknown>, key = privateKey): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

const oauth = () => ({
  loginUrl: emu.loginUrl,
  clientId: emu.clientId,
  clientSecret: emu.clientSecret,
  redirectUri: 'http://localhost:3000/cb',
});

beforeAll(async () => {
  emu = await startEmulator({
    forceAppDir: null,
    tokenTtlSeconds: 600,
    now: () => new Date(t),
    jwtCertificate: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
});
afterAll(() => emu.close());

describe('token endpoint grants', () => {
  // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm
  it('client_credentials with the default pulse-local client returns the documented token fields', async () => {
    const conn = new Connection({ oauth2: oauth(), version: '62.0' });
    const info = await conn.authorize({ grant_type: 'client_credentials' });
    expect(emu.clientId).toBe('pulse-local');
    expect(emu.clientSecret).toBe('pulse-local-secret');
    expect(conn.instanceUrl).toBe(emu.instanceUrl);
    expect(info).toMatchObject({ id: emu.userId, organizationId: emu.orgId });
    const body = (await new OAuth2(oauth()).requestToken({ grant_type: 'client_credentials' })) as unknown as Record<
      string,
      string
    >;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'id',
      'instance_url',
      'issued_at',
      'scope',
      'signature',
      'token_type',
    ]);
    expect(body.token_type).toBe('Bearer');
    expect(body.issued_at).toBe(String(t));
    expect(body.id).toBe(`${emu.instanceUrl}/id/${emu.orgId}/${emu.userId}`);
    expect((await conn.limits()).DailyApiRequests).toBeDefined();
  });

  it('password grant via conn.login', async () => {
    const conn = new Connection({ oauth2: oauth(), version: '62.0' });
    await conn.login(emu.username, emu.password);
    expect(conn.accessToken).toBeTruthy();
    await expect(new Connection({ oauth2: oauth() }).login(emu.username, 'wrong')).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'authentication failure',
    });
  });

  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
  it('JWT bearer verifies the RS256 signature, iss, sub, aud and exp', async () => {
    const good = { iss: emu.clientId, sub: emu.username, aud: emu.loginUrl, exp: Math.floor(t / 1000) + 180 };
    const conn = new Connection({ loginUrl: emu.loginUrl, version: '62.0' });
    const grant = (assertion: string) =>
      conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    await expect(grant(signJwt(good))).resolves.toMatchObject({ organizationId: emu.orgId });
    expect(conn.refreshToken).toBeUndefined();
    await expect(grant(signJwt(good, other.privateKey))).rejects.toMatchObject({ name: 'invalid_grant' });
    await expect(grant(signJwt({ ...good, exp: Math.floor(t / 1000) - 1 }))).rejects.toMatchObject({
      name: 'invalid_grant',
    });
    await expect(grant(signJwt({ ...good, aud: 'https://evil.example' }))).rejects.toMatchObject({
      name: 'invalid_grant',
    });
    await expect(grant(signJwt({ ...good, sub: 'someone@else' }))).rejects.toMatchObject({ name: 'invalid_grant' });
    await expect(grant(signJwt({ ...good, iss: 'other-app' }))).rejects.toMatchObject({ name: 'invalid_client_id' });
  });

  it('answers invalid_client, invalid_client_id and unsupported_grant_type like Salesforce', async () => {
    await expect(
      new Connection({ oauth2: { ...oauth(), clientSecret: 'bad' } }).authorize({ grant_type: 'client_credentials' }),
    ).rejects.toMatchObject({ name: 'invalid_client', message: 'invalid client credentials' });
    await expect(
      new Connection({ oauth2: { ...oauth(), clientId: 'nope' } }).authorize({ grant_type: 'client_credentials' }),
    ).rejects.toMatchObject({ name: 'invalid_client_id', message: 'client identifier invalid' });
    await expect(new Connection({ oauth2: oauth() }).authorize({ grant_type: 'magic' })).rejects.toMatchObject({
      name: 'unsupported_grant_type',
      message: 'grant type not supported',
    });
  });
});

describe('authorization code flow (admin Connect button)', () => {
  // https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_web_server_flow_ca.htm
  it('redirects with code and state, exchanges it for tokens with a refresh token, and refreshes on expiry', async () => {
    const oauth2 = new OAuth2(oauth());
    const res = await fetch(oauth2.getAuthorizationUrl({ state: 'xyz' }), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://localhost:3000/cb');
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;

    const conn = new Connection({ oauth2, version: '62.0' });
    await conn.authorize(code);
    expect(conn.refreshToken).toBeTruthy();
    await expect(new Connection({ oauth2 }).authorize(code)).rejects.toMatchObject({ name: 'invalid_grant' });

    const firstToken = conn.accessToken;
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    t += 601_000; // past tokenTtlSeconds
    emu.callLog.clear();
    const limits = await conn.limits();
    expect(limits.DailyApiRequests).toBeDefined();
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).not.toBe(firstToken);
    expect(emu.callLog.entries.map((e) => [e.path, e.status])).toEqual([
      ['/services/data/v62.0/limits', 401],
      ['/services/oauth2/token', 200],
      ['/services/data/v62.0/limits', 200],
    ]);
  });
});

describe('the read-only user (login_hint on the authorize page)', () => {
  // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm (login_hint)
  const signInAs = async (hint: string) => {
    const url = new URL(new OAuth2(oauth()).getAuthorizationUrl({ state: 's' }));
    url.searchParams.set('login_hint', hint);
    const res = await fetch(url, { redirect: 'manual' });
    return new URL(res.headers.get('location')!).searchParams;
  };

  it('signs the hinted user in: their identity, and UserPermissionAccess without Customize Application', async () => {
    const code = (await signInAs(emu.readOnlyUser.username.toUpperCase())).get('code')!;
    const conn = new Connection({ oauth2: new OAuth2(oauth()), version: '62.0' });
    await expect(conn.authorize(code)).resolves.toMatchObject({ id: emu.readOnlyUser.userId });
    const info = (await (
      await fetch(`${emu.instanceUrl}/services/oauth2/userinfo`, {
        headers: { Authorization: `Bearer ${conn.accessToken}` },
      })
    ).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ user_id: emu.readOnlyUser.userId, preferred_username: 'viewer@pulse.local' });
    const q =
      'SELECT PermissionsApiEnabled, PermissionsCustomizeApplication, PermissionsModifyAllData FROM UserPermissionAccess';
    expect((await conn.query(q)).records[0]).toMatchObject({
      PermissionsApiEnabled: true,
      PermissionsCustomizeApplication: false,
      PermissionsModifyAllData: false,
    });
    // The refresh token stays the read-only user's.
    await conn.oauth2.refreshToken(conn.refreshToken!).then((r) => expect(r.id).toContain(emu.readOnlyUser.userId));
    // The integration user's own session still reads its own permissions.
    const admin = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
    expect((await admin.query(q)).records[0]).toMatchObject({ PermissionsCustomizeApplication: true });
    expect((await admin.query("SELECT Id FROM User WHERE Username = 'viewer@pulse.local'")).totalSize).toBe(1);
  });

  it('refuses an unknown username as access_denied back to the app', async () => {
    const p = await signInAs('nobody@pulse.local');
    expect(p.get('error')).toBe('access_denied');
    expect(p.get('code')).toBeNull();
    expect(p.get('state')).toBe('s');
  });
});

describe('revoke and PKCE', () => {
  it('revokes an access token (jsforce logout) so it answers 401 afterwards', async () => {
    const conn = new Connection({ oauth2: oauth(), version: '62.0' });
    await conn.authorize({ grant_type: 'client_credentials' });
    const token = conn.accessToken!;
    await new OAuth2(oauth()).revokeToken(token);
    const stale = new Connection({ instanceUrl: emu.instanceUrl, accessToken: token, version: '62.0' });
    await expect(stale.limits()).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
  });

  it('checks the PKCE code_verifier against the code_challenge', async () => {
    const oauth2 = new OAuth2({ ...oauth(), useVerifier: true });
    const authorize = async () => {
      const res = await fetch(oauth2.getAuthorizationUrl({}), { redirect: 'manual' });
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    const conn = new Connection({ oauth2, version: '62.0' });
    await expect(conn.authorize(await authorize())).resolves.toMatchObject({ organizationId: emu.orgId });
    const tampered = new OAuth2({ ...oauth(), useVerifier: true });
    const code = await authorize();
    await expect(new Connection({ oauth2: tampered }).authorize(code)).rejects.toMatchObject({
      name: 'invalid_request',
    });
  });
});

describe('session expiry', () => {
  it('an expired token gets 401 INVALID_SESSION_ID and no refresh without a delegate', async () => {
    const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
    emu.faults.expireSessions();
    await expect(conn.limits()).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
  });

  it('refreshFn (client credentials / JWT style) refreshes and retries transparently after expireSessions()', async () => {
    const oauth2 = new OAuth2(oauth());
    let calls = 0;
    const conn = new Connection({
      instanceUrl: emu.instanceUrl,
      accessToken: emu.issueToken(),
      version: '62.0',
      refreshFn: (_c, callback) => {
        calls++;
        oauth2.requestToken({ grant_type: 'client_credentials' }).then(
          (r) => callback(null, r.access_token, r),
          (e: Error) => callback(e),
        );
      },
    });
    emu.faults.expireSessions();
    const res = await conn.query('SELECT Id FROM User');
    expect(res.totalSize).toBeGreaterThan(0);
    expect(calls).toBe(1);
  });
});

// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_userinfo_endpoint.htm&type=5
describe('OpenID Connect UserInfo', () => {
  it('names the user of a token, and refuses without one', async () => {
    const token = emu.issueToken();
    const res = await fetch(`${emu.loginUrl}/services/oauth2/userinfo`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      sub: `${emu.instanceUrl}/id/${emu.orgId}/${emu.userId}`,
      user_id: emu.userId,
      organization_id: emu.orgId,
      preferred_username: emu.username,
      email: emu.username,
    });
    expect((await fetch(`${emu.loginUrl}/services/oauth2/userinfo`)).status).toBe(403);
  });
});

describe('web-server flow with PKCE, as Salesforce documents it', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.222.0.api_rest.meta/api/intro_understanding_web_server_oauth_flow.htm
  // and https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm:
  // redirect_uri is the connected app's Callback URL; code_challenge is the base64url SHA-256 of the
  // code_verifier; a challenge that does not match fails with invalid_request, a missing verifier
  // with invalid_grant.
  const CALLBACK = 'http://127.0.0.1:3999/auth/salesforce/callback';
  let app: Emulator;
  beforeAll(async () => {
    app = await startEmulator({ forceAppDir: null, callbackUrls: [CALLBACK] });
  });
  afterAll(() => app.close());

  const verifier = 'v'.repeat(43);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = async (redirectUri = CALLBACK) => {
    const url = new URL(`${app.loginUrl}/services/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: redirectUri,
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    return fetch(url, { redirect: 'manual' });
  };
  const codeOf = async () => new URL((await authorize()).headers.get('location')!).searchParams.get('code')!;
  const token = (fields: Record<string, string>) =>
    fetch(`${app.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, ...fields }),
    });

  it('refuses a redirect_uri that is not a callback URL of the connected app, without redirecting', async () => {
    const res = await authorize('https://evil.example/cb');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri_mismatch');
  });

  it('exchanges a code with the matching verifier once, and only with the same redirect_uri', async () => {
    const code = await codeOf();
    const other = await token({
      code: await codeOf(),
      redirect_uri: 'http://127.0.0.1:3999/other',
      code_verifier: verifier,
    });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: string }).error).toBe('redirect_uri_mismatch');
    const ok = await token({ code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
    const again = await token({ code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('fails a wrong verifier with invalid_request and a missing one with invalid_grant', async () => {
    const wrong = await token({ code: await codeOf(), redirect_uri: CALLBACK, code_verifier: 'w'.repeat(43) });
    expect(await wrong.json()).toMatchObject({ error: 'invalid_request' });
    const missing = await token({ code: await codeOf(), redirect_uri: CALLBACK });
    expect(await missing.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it("tells the signed-in user's Customize Application and Modify All Data in UserPermissionAccess", async () => {
    const conn = new Connection({ instanceUrl: app.instanceUrl, accessToken: app.issueToken(), version: '62.0' });
    const soql = 'SELECT PermissionsCustomizeApplication, PermissionsModifyAllData FROM UserPermissionAccess';
    expect((await conn.query(soql)).records[0]).toMatchObject({
      PermissionsCustomizeApplication: true,
      PermissionsModifyAllData: true,
    });
    app.user.revoke('CustomizeApplication', 'ModifyAllData');
    expect((await conn.query(soql)).records[0]).toMatchObject({
      PermissionsCustomizeApplication: false,
      PermissionsModifyAllData: false,
    });
    app.user.reset();
  });
});
