/**
 * Pulse's signed webhook against a receiver written from the documented scheme: the receiver verifies
 * each request; while it is down the destination says retry, and once it is up the delivery arrives once.
 */
import { sampleContext, sampleDelivery } from '@pulse/server/testing/actions';
import { webhookDestination, WebhookSettings } from '@pulse/server/src/actions/webhook';
import { startWebhookReceiver, type WebhookReceiver } from '../server';

const SECRET = 'whsec_receiver_test_key';
let rx: WebhookReceiver;

beforeEach(async () => {
  rx = await startWebhookReceiver({ secret: SECRET });
});
afterEach(() => rx.close());

const destination = webhookDestination();
const settings = () => WebhookSettings.parse({ url: `${rx.url}/hooks/pulse`, secret: SECRET });

it('the receiver verifies the signature and gets the body', async () => {
  const out = await destination.deliver(sampleDelivery(), settings(), sampleContext());
  expect(out).toEqual({ status: 'delivered' });
  expect(rx.received).toHaveLength(1);
  expect(rx.received[0]).toMatchObject({
    deliveryId: 'd-7f3c2a',
    body: { deliveryId: 'd-7f3c2a', rule: 'surging-high', trigger: 'entered High', change: { score: 72 } },
  });
  expect(rx.calls.entries.map((c) => c.verdict)).toEqual(['accepted']);
});

it('a request signed with another secret is refused (401) and fails', async () => {
  const out = await destination.deliver(
    sampleDelivery(),
    WebhookSettings.parse({ url: `${rx.url}/hooks/pulse`, secret: 'not-the-receiver-secret' }),
    sampleContext(),
  );
  expect(out.status).toBe('failed');
  expect(rx.calls.entries.map((c) => c.verdict)).toEqual(['bad-signature']);
  expect(rx.received).toHaveLength(0);
});

it('down: retry on every attempt; up again: delivered once, and a resend is deduped', async () => {
  await rx.down();
  for (let attempt = 1; attempt <= 3; attempt++) {
    const out = await destination.deliver(sampleDelivery({ attempt }), settings(), sampleContext());
    expect(out).toMatchObject({ status: 'retry', error: expect.stringContaining('no answer') });
  }
  await rx.up();
  expect(await destination.deliver(sampleDelivery({ attempt: 4 }), settings(), sampleContext())).toEqual({
    status: 'delivered',
  });
  // At least once: a crash between send and mark sends again; the receiver dedupes by delivery id.
  expect(await destination.deliver(sampleDelivery({ attempt: 5 }), settings(), sampleContext())).toEqual({
    status: 'delivered',
  });
  expect(rx.received.map((r) => r.deliveryId)).toEqual(['d-7f3c2a']);
  expect(rx.calls.entries.map((c) => c.verdict)).toEqual(['accepted', 'duplicate']);
});

it('5xx retries and 410 Gone fails', async () => {
  rx.answers.queue(503).queue(410);
  expect((await destination.deliver(sampleDelivery(), settings(), sampleContext())).status).toBe('retry');
  expect((await destination.deliver(sampleDelivery(), settings(), sampleContext())).status).toBe('failed');
  expect(rx.received).toHaveLength(0);
});
