import { marketo } from '../connector';
import { MarketoClient } from '../client';

/** A fetch answering the identity endpoint and types.json, recording the URLs asked. */
function fakeMarketo() {
  const urls: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    const body = url.includes('/identity/')
      ? { access_token: 'tok:int', token_type: 'bearer', expires_in: 3599 }
      : { requestId: 'r', success: true, result: [{ id: 1, name: 'Visit Webpage' }] };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { urls, fetchFn };
}

describe('pacing', () => {
  test('waits when the window is full, for as long as its oldest call needs to leave it', async () => {
    const { urls, fetchFn } = fakeMarketo();
    let clock = 0;
    const waits: number[] = [];
    const client = new MarketoClient({
      baseUrl: 'https://123-ABC-456.mktorest.com/',
      clientId: 'id',
      clientSecret: 's',
      fetch: fetchFn,
      countCall: () => {},
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      clock: () => clock,
      pacing: { calls: 3, windowMs: 20_000 },
    });
    for (let i = 0; i < 4; i++) {
      await client.activityTypes();
      clock += 1_000;
    }
    // Token and types at 0 s, types at 1 s and 2 s: the one at 2 s waits until the token call is 20 s old.
    expect(urls).toHaveLength(5);
    expect(urls[0]).toBe(
      'https://123-ABC-456.mktorest.com/identity/oauth/token?grant_type=client_credentials&client_id=id&client_secret=s',
    );
    expect(waits).toEqual([18_000]);
  });

  test('maxCallsPer20s is validated: a whole number, at most Marketo’s 100', () => {
    const base = {
      settings: { baseUrl: 'https://123-ABC-456.mktorest.com', clientId: 'id' },
      secrets: { clientSecret: 's' },
    };
    expect(
      marketo.validate({ ...base, settings: { ...base.settings, maxCallsPer20s: '50' } }).settings.maxCallsPer20s,
    ).toBe('50');
    expect(() => marketo.validate({ ...base, settings: { ...base.settings, maxCallsPer20s: '500' } })).toThrow(
      /settings\.maxCallsPer20s: Marketo allows 100 calls/,
    );
    expect(() => marketo.validate({ ...base, settings: { ...base.settings, maxCallsPer20s: 'fast' } })).toThrow(
      /whole number/,
    );
  });
});
