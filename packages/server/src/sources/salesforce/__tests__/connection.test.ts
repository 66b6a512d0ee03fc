import { fetchToken } from '../connection';
import type { SalesforceAuth } from '../../../config';

const auth: SalesforceAuth = {
  kind: 'client_credentials',
  loginUrl: 'https://login.example.com',
  clientId: 'id',
  clientSecret: 'secret',
};
const ok = () =>
  new Response(JSON.stringify({ access_token: 'tok', instance_url: 'https://org.example.com' }), { status: 200 });

describe('fetchToken', () => {
  it('tries again when the token request never reached the server (a closed kept-alive socket)', async () => {
    let calls = 0;
    const flaky = (async () => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed', { cause: new Error('other side closed') });
      return ok();
    }) as typeof fetch;
    await expect(fetchToken(auth, flaky)).resolves.toEqual({
      accessToken: 'tok',
      instanceUrl: 'https://org.example.com',
    });
    expect(calls).toBe(2);
  });

  it('names SF_LOGIN_URL when the endpoint cannot be reached at all, after three tries', async () => {
    let calls = 0;
    const down = (async () => {
      calls++;
      throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    }) as typeof fetch;
    await expect(fetchToken(auth, down)).rejects.toMatchObject({
      code: 'SF_AUTH',
      message: 'cannot reach https://login.example.com: check SF_LOGIN_URL',
    });
    expect(calls).toBe(3);
  });

  it('backs off between tries in jittered windows of 100 and 200 ms', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    }) as typeof fetch;
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
