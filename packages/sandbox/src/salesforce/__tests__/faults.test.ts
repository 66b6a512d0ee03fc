/**
 * Switchable faults through jsforce: 503 (JSON and HTML), connection resets, slow responses,
 * and the call log. Retry options keep jsforce's back-off short (it is ~15 s by default).
 * 503 wording: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
import { Connection } from 'jsforce';
import type { Emulator } from '../server';
import { withJsforceEmulator } from './jsforceEmulator';

let emu: Emulator;
let conn: Connection;
const fastRetry = { retry: { maxRetries: 3, minTimeout: 5, timeoutFactor: 1 } };

withJsforceEmulator({ forceAppDir: null }, (e, c) => ((emu = e), (conn = c)));

describe('serviceUnavailable', () => {
  it('jsforce retries a GET through N 503s and succeeds; the call log shows each attempt', async () => {
    emu.faults.serviceUnavailable({ count: 2 });
    const res = await conn.request<Record<string, unknown>>({ method: 'GET', url: '/limits' }, fastRetry);
    expect(res).toHaveProperty('DailyApiRequests');
    expect(emu.callLog.entries.map((e) => e.status)).toEqual([503, 503, 200]);
    expect(emu.callLog.entries.every((e) => e.method === 'GET' && e.path === '/services/data/v62.0/limits')).toBe(true);
  });

  it('a POST is not retried: the 503 surfaces as SERVER_UNAVAILABLE', async () => {
    emu.faults.serviceUnavailable({ count: 1 });
    await expect(conn.sobject('Account').create({ Name: 'Nope' })).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
    expect(emu.callLog.entries).toHaveLength(1);
    expect(emu.store.count('Account')).toBe(0);
  });

  it('an HTML 503 surfaces as ERROR_HTTP_503 once retries run out', async () => {
    emu.faults.serviceUnavailable({ count: 10, html: true });
    await expect(
      conn.request({ method: 'GET', url: '/limits' }, { retry: { maxRetries: 1, minTimeout: 5 } }),
    ).rejects.toMatchObject({
      errorCode: 'ERROR_HTTP_503',
    });
    expect(emu.callLog.entries.map((e) => e.status)).toEqual([503, 503]);
  });

  it('503s do not count against the daily API allowance', async () => {
    const before = emu.context.limits.used();
    emu.faults.serviceUnavailable({ count: 1 });
    await conn.request({ method: 'GET', url: '/limits' }, fastRetry);
    expect(emu.context.limits.used() - before).toBe(1);
  });
});

describe('resetConnections', () => {
  it('destroys the socket; jsforce retries a GET on the socket error', async () => {
    emu.faults.resetConnections({ count: 1 });
    const res = await conn.request<Record<string, unknown>>({ method: 'GET', url: '/limits' }, fastRetry);
    expect(res).toHaveProperty('DailyApiRequests');
    expect(emu.callLog.entries.map((e) => e.status)).toEqual([0, 200]);
  });

  it('a POST on a reset connection fails', async () => {
    emu.faults.resetConnections({ count: 1 });
    await expect(conn.sobject('Account').create({ Name: 'Reset Co' })).rejects.toThrow();
  });
});

describe('slow', () => {
  it('delays responses enough to trip a client timeout', async () => {
    emu.faults.slow({ ms: 400 });
    await expect(
      conn.request({ method: 'GET', url: '/limits' }, { timeout: 20, retry: { maxRetries: 0 } }),
    ).rejects.toThrow();
    emu.faults.slow({ ms: 0 });
    await expect(conn.request({ method: 'GET', url: '/limits' })).resolves.toHaveProperty('DailyApiRequests');
  });
});

describe('expireSessionsOn', () => {
  it('expires the sessions only when a call on the matching path arrives, once', async () => {
    const own = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
    emu.faults.expireSessionsOn(/\/sobjects$/);
    await expect(own.request({ method: 'GET', url: '/limits' })).resolves.toHaveProperty('DailyApiRequests');
    await expect(own.request({ method: 'GET', url: '/sobjects' })).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
    });
    expect(emu.callLog.entries.map((e) => e.status)).toEqual([200, 401]);
    // A token issued afterwards works on the same path: the fault fired once.
    const fresh = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
    await expect(fresh.request({ method: 'GET', url: '/sobjects' })).resolves.toHaveProperty('sobjects');
  });
});
