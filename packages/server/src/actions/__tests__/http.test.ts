/** One delivery attempt: a timeout is a network attempt (retried), Retry-After in seconds or as a date. */
import { attempt, outcomeOfStatus, retryAfterMs } from '../http';

it('a receiver that does not answer in time is a network attempt, and retries', async () => {
  const hang = ((_url: string, init: RequestInit) =>
    new Promise((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    })) as unknown as typeof fetch;
  const a = await attempt(hang, 'https://slow.example/hook', { method: 'POST' }, 20);
  expect(a).toMatchObject({ kind: 'network', message: expect.stringMatching(/timeout|aborted/i) });
  expect(outcomeOfStatus(a, 'webhook').status).toBe('retry');
});

it('reads Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3)', () => {
  const now = () => Date.parse('2026-12-04T06:00:00Z');
  expect(retryAfterMs(new Headers({ 'retry-after': '120' }), now)).toBe(120_000);
  expect(retryAfterMs(new Headers({ 'retry-after': 'Fri, 04 Dec 2026 06:00:30 GMT' }), now)).toBe(30_000);
  expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  expect(retryAfterMs(new Headers(), now)).toBeUndefined();
});

it('a redirect is a failure: the signed body is not sent on to another host', () => {
  const a = { kind: 'answer' as const, status: 302, headers: new Headers({ location: 'https://elsewhere' }), text: '' };
  expect(outcomeOfStatus(a, 'webhook').status).toBe('failed');
});
