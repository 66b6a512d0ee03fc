/** The signed webhook: signature scheme, verification helper and how answers become outcomes. */
import { createHmac } from 'node:crypto';
import { sampleContext, sampleDelivery } from '../../../testing/actions';
import { pulseSignature, verifyPulseSignature, webhookBody, webhookDestination, WebhookSettings } from '../webhook';

const SECRET = 'whsec_0123456789abcdef';
const NOW = Date.parse('2026-12-04T06:00:00Z');

function recorder(answer: () => Response | Promise<Response>) {
  const sent: { url: string; init: RequestInit }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return answer();
  }) as unknown as typeof fetch;
  return { sent, fetchFn };
}

const settings = WebhookSettings.parse({ url: 'https://hooks.example.com/pulse', secret: SECRET });

describe('signature', () => {
  it('is v1= hex HMAC-SHA256 over "timestamp.body"', () => {
    const mac = createHmac('sha256', SECRET).update('1764828000.{"a":1}').digest('hex');
    expect(pulseSignature(SECRET, 1764828000, '{"a":1}')).toBe(`v1=${mac}`);
  });

  it('verifies within the tolerance and refuses a changed body, another secret, an old timestamp', () => {
    const ts = '1764828000';
    const sig = pulseSignature(SECRET, ts, 'body');
    expect(verifyPulseSignature(SECRET, ts, 'body', sig, 300, 1764828000 + 300)).toBe(true);
    expect(verifyPulseSignature(SECRET, ts, 'body', sig, 300, 1764828000 + 301)).toBe(false);
    expect(verifyPulseSignature(SECRET, ts, 'body!', sig, 300, 1764828000)).toBe(false);
    expect(verifyPulseSignature('another-secret-16ch', ts, 'body', sig, 300, 1764828000)).toBe(false);
    expect(verifyPulseSignature(SECRET, ts, 'body', 'v1=00', 300, 1764828000)).toBe(false);
    expect(verifyPulseSignature(SECRET, 'abc', 'body', sig, 300, 1764828000)).toBe(false);
  });
});

describe('webhookDestination', () => {
  it('posts the delivery as JSON with the delivery id, timestamp and a signature over them', async () => {
    const { sent, fetchFn } = recorder(() => new Response(null, { status: 204 }));
    const d = sampleDelivery();
    const out = await webhookDestination({ fetch: fetchFn, now: () => NOW }).deliver(d, settings, sampleContext());
    expect(out).toEqual({ status: 'delivered' });
    const { url, init } = sent[0]!;
    const headers = init.headers as Record<string, string>;
    expect(url).toBe('https://hooks.example.com/pulse');
    expect(headers['x-pulse-delivery']).toBe('d-7f3c2a');
    expect(headers['x-pulse-timestamp']).toBe(String(NOW / 1000));
    expect(JSON.parse(init.body as string)).toEqual(webhookBody(d));
    expect(
      verifyPulseSignature(
        SECRET,
        headers['x-pulse-timestamp']!,
        init.body as string,
        headers['x-pulse-signature']!,
        300,
        NOW / 1000,
      ),
    ).toBe(true);
  });

  it.each([
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [400, 'failed'],
    [404, 'failed'],
    [410, 'failed'],
  ])('HTTP %i → %s', async (status, expected) => {
    const { fetchFn } = recorder(() => new Response('nope', { status }));
    const out = await webhookDestination({ fetch: fetchFn, now: () => NOW }).deliver(
      sampleDelivery(),
      settings,
      sampleContext(),
    );
    expect(out.status).toBe(expected);
  });

  it('429 retries not before its Retry-After', async () => {
    const { fetchFn } = recorder(() => new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }));
    const out = await webhookDestination({ fetch: fetchFn, now: () => NOW }).deliver(
      sampleDelivery(),
      settings,
      sampleContext(),
    );
    expect(out).toMatchObject({ status: 'retry', afterMs: 30_000 });
  });

  it('a network error or a timeout retries', async () => {
    const fetchFn = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    }) as unknown as typeof fetch;
    const out = await webhookDestination({ fetch: fetchFn }).deliver(sampleDelivery(), settings, sampleContext());
    expect(out).toMatchObject({ status: 'retry', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('a secret named by an unset variable fails the delivery, naming the variable', async () => {
    const s = WebhookSettings.parse({ url: 'https://hooks.example.com/pulse', secret: { env: 'PULSE_HOOK_SECRET' } });
    const out = await webhookDestination({ env: {} }).deliver(sampleDelivery(), s, sampleContext());
    expect(out).toMatchObject({ status: 'failed', error: expect.stringContaining('PULSE_HOOK_SECRET') });
  });

  it('settings: a short secret and a non-URL are refused by path', () => {
    const r = WebhookSettings.safeParse({ url: 'ftp:/x', secret: 'short' });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['url', 'secret']));
  });
});
