import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { fetchToken, withCallTimeout } from '../connection';
import type { SalesforceAuth } from '../../../config';

const auth: SalesforceAuth = {
  kind: 'client_credentials',
  loginUrl: 'https://login.example.com',
  clientId: 'id',
  clientSecret: 'secret',
};
const ok = () =>
  new Response(JSON.stringify({ access_token: 'tok', instance_url: 'https://org.example.com' }), { status: 200 });

/** A fetch whose first `failures` calls never reach the server (`why` is the socket's error), then answers ok. */
function unreachable(failures: number, why: string): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  const fetchFn = (async () => {
    calls++;
    if (calls <= failures) throw new TypeError('fetch failed', { cause: new Error(why) });
    return ok();
  }) as typeof fetch;
  return { fetch: fetchFn, calls: () => calls };
}

describe('fetchToken', () => {
  it('tries again when the token request never reached the server (a closed kept-alive socket)', async () => {
    const flaky = unreachable(1, 'other side closed');
    await expect(fetchToken(auth, flaky.fetch)).resolves.toEqual({
      accessToken: 'tok',
      instanceUrl: 'https://org.example.com',
    });
    expect(flaky.calls()).toBe(2);
  });

  it('names SF_LOGIN_URL when the endpoint cannot be reached at all, after three tries', async () => {
    const down = unreachable(Infinity, 'ECONNREFUSED');
    await expect(fetchToken(auth, down.fetch)).rejects.toMatchObject({
      code: 'SF_AUTH',
      message: 'cannot reach https://login.example.com: check SF_LOGIN_URL',
    });
    expect(down.calls()).toBe(3);
  });

  it('backs off between tries in jittered windows of 100 and 200 ms', async () => {
    const down = unreachable(Infinity, 'ECONNREFUSED').fetch;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    await expect(fetchToken(auth, down, { sleep, random: () => 1 })).rejects.toMatchObject({ code: 'SF_AUTH' });
    expect(waits).toEqual([100, 200]);
    await expect(fetchToken(auth, down, { sleep, random: () => 0.25 })).rejects.toMatchObject({ code: 'SF_AUTH' });
    expect(waits).toEqual([100, 200, 25, 50]);
  });

  it('does not retry a refusal: the message says which grant and what to check', async () => {
    let calls = 0;
    const refuse = (async () => {
      calls++;
      return new Response(JSON.stringify({ error: 'invalid_client', error_description: 'bad secret' }), {
        status: 400,
      });
    }) as typeof fetch;
    await expect(fetchToken(auth, refuse)).rejects.toThrow(
      /Salesforce refused the client_credentials sign-in \(invalid_client: bad secret\); check SF_CLIENT_ID/,
    );
    expect(calls).toBe(1);
  });
});

describe('withCallTimeout', () => {
  it("gives up a jsforce call that gets no answer (jsforce's own default is 30 minutes)", async () => {
    // A Salesforce that accepts the connection and never answers.
    const held: import('node:net').Socket[] = [];
    const server = createServer((req) => held.push(req.socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const conn = withCallTimeout(
      new Connection({ instanceUrl: `http://127.0.0.1:${port}`, accessToken: 'tok', version: '62.0' }),
      200,
    );
    try {
      // jsforce aborts the fetch (node-fetch's AbortError; its message always says "10 minutes").
      await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ name: 'AbortError' });
      expect(held).toHaveLength(1);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
