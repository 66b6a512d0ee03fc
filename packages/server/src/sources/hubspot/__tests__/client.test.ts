/**
 * The HubSpot client's retry and token policy against a scripted fetch: proactive OAuth refresh
 * before expiry, Retry-After, dropped connections, and that every request is counted.
 * https://developers.hubspot.com/docs/api/usage-details
 */
import { MapSourceError } from '../../map/types';
import { HubspotClient, waitFor429, type HubspotAuth } from '../client';

type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'drop';

/** A fetch that answers from a script and records what was asked. */
function scripted(answers: Answer[]) {
  const seen: Array<{ url: string; auth: string | null; body: string | null }> = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({ url: String(input), auth: headers.get('authorization'), body: init?.body ? String(init.body) : null });
    const a = answers.shift();
    if (!a) throw new Error(`unexpected request ${String(input)}`);
    if (a === 'drop') throw new TypeError('fetch failed');
    return new Response(JSON.stringify(a.body), { status: a.status, headers: a.headers });
  }) as typeof fetch;
  return { fetchFn, seen };
}

const oauth: HubspotAuth = { kind: 'oauth', clientId: 'cid', clientSecret: 'sec', refreshToken: 'rt' };
const token = (t: string, expiresIn = 1800): Answer => ({
  status: 200,
  body: { access_token: t, refresh_token: 'rt', expires_in: expiresIn, token_type: 'bearer' },
});
const ok: Answer = { status: 200, body: { results: [] } };

function client(auth: HubspotAuth, answers: Answer[], clock = { t: 0 }) {
  const { fetchFn, seen } = scripted(answers);
  const sleeps: number[] = [];
  let calls = 0;
  const c = new HubspotClient({
    baseUrl: 'https://api.example',
    auth,
    fetch: fetchFn,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1, // each backoff is the top of its jitter window
    countCall: () => {
      calls++;
    },
    now: () => clock.t,
  });
  return { c, seen, sleeps, calls: () => calls };
}

describe('OAuth tokens', () => {
  it('refreshes once, reuses the token, and refreshes again a minute before it expires', async () => {
    const clock = { t: 0 };
    const { c, seen, calls } = client(oauth, [token('A'), ok, ok, token('B'), ok], clock);
    await c.get('/x');
    clock.t = 1_000_000; // 1,000 s of 1,800: still good
    await c.get('/x');
    clock.t = 1_745_000; // 55 s before expiry: refresh first
    await c.get('/x');
    expect(seen.map((s) => [new URL(s.url).pathname, s.auth])).toEqual([
      ['/oauth/v1/token', null],
      ['/x', 'Bearer A'],
      ['/x', 'Bearer A'],
      ['/oauth/v1/token', null],
      ['/x', 'Bearer B'],
    ]);
    expect(new URLSearchParams(seen[0]!.body!).get('grant_type')).toBe('refresh_token');
    expect(calls()).toBe(5);
  });

  it('a 401 after a refresh-and-retry is an auth error', async () => {
    const unauthorized: Answer = {
      status: 401,
      body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'no' },
    };
    const { c } = client(oauth, [token('A'), unauthorized, token('B'), unauthorized]);
    await expect(c.get('/x')).rejects.toMatchObject({ kind: 'auth', code: 'INVALID_AUTHENTICATION' });
  });
});

describe('retries', () => {
  const pat: HubspotAuth = { kind: 'privateApp', accessToken: 'pat' };

  it('honours Retry-After on a 429 before the policy default', async () => {
    const limited: Answer = {
      status: 429,
      body: { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', message: 'slow down' },
      headers: { 'retry-after': '3' },
    };
    const { c, sleeps } = client(pat, [limited, ok]);
    await c.get('/x');
    expect(sleeps).toEqual([3000]);
  });

  it('retries a dropped connection, then gives up with an http error', async () => {
    const { c, sleeps, calls } = client(pat, ['drop', ok]);
    await c.get('/x');
    expect(sleeps).toEqual([1000]);
    const failing = client(pat, ['drop', 'drop', 'drop', 'drop', 'drop']);
    const e = await failing.c.get('/x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MapSourceError);
    expect(e).toMatchObject({ kind: 'http', code: 'NETWORK' });
    expect(failing.calls()).toBe(5);
    expect(calls()).toBe(2);
  });

  it('does not retry a 400, and keeps HubSpot’s category as the code', async () => {
    const bad: Answer = { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'bad limit' } };
    const { c, calls } = client(pat, [bad]);
    await expect(c.get('/x')).rejects.toMatchObject({ kind: 'http', code: 'VALIDATION_ERROR' });
    expect(calls()).toBe(1);
  });

  it('waits per policy: SECONDLY grows by the second, TEN_SECONDLY_ROLLING the announced interval', () => {
    const none = new Headers();
    expect([1, 2, 3].map((n) => waitFor429('SECONDLY', none, n))).toEqual([1000, 2000, 3000]);
    expect(waitFor429('TEN_SECONDLY_ROLLING', none, 1)).toBe(10_000);
    expect(
      waitFor429('TEN_SECONDLY_ROLLING', new Headers({ 'x-hubspot-ratelimit-interval-milliseconds': '20000' }), 1),
    ).toBe(20_000);
  });
});
