/**
 * Pulse's Slack destination against the local Slack receiver, which checks the Block Kit shape.
 * Incoming webhooks: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * (plain-text answers `ok`, `invalid_payload`, `no_service`); Web API errors as `{ok: false, error}`
 * (https://docs.slack.dev/apis/web-api/); users.lookupByEmail → `users_not_found`
 * (https://docs.slack.dev/reference/methods/users.lookupByEmail); chat.postMessage
 * (https://docs.slack.dev/reference/methods/chat.postMessage); 429 with Retry-After
 * (https://docs.slack.dev/apis/web-api/rate-limits).
 */
import { sampleChange, sampleContext, sampleDelivery } from '@pulse/server/testing/actions';
import { slackDestination, SlackSettings } from '@pulse/server/src/actions/slack';
import { validateBlocks } from '../blockKit';
import { startSlackReceiver, type SlackReceiver } from '../server';

const HOOK = 'T0PULSE/B0ALERTS/hooksecret';
const TOKEN = 'xoxb-pulse-test';
const SF = 'https://acme.my.salesforce.com';
let slack: SlackReceiver;

beforeAll(async () => {
  slack = await startSlackReceiver({
    tokens: [TOKEN],
    hooks: { [HOOK]: 'C0ALERTS' },
    channels: [
      { id: 'C0ALERTS', name: 'pulse-alerts' },
      { id: 'C0OLD', name: 'old-alerts', archived: true },
    ],
    users: [{ id: 'U0DANA', email: 'Dana@acme.example', name: 'dana' }],
  });
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.messages.length = 0;
  slack.calls.clear();
  slack.faults.clear();
});

const destination = slackDestination();
const viaHook = (over: Record<string, unknown> = {}) =>
  SlackSettings.parse({ mode: 'webhook', webhookUrl: slack.hookUrl(HOOK), salesforceUrl: SF, ...over });
const viaBot = (over: Record<string, unknown> = {}) =>
  SlackSettings.parse({
    mode: 'dm',
    botToken: TOKEN,
    apiUrl: slack.apiUrl,
    fallbackChannel: 'pulse-alerts',
    salesforceUrl: SF,
    ...over,
  });

describe('incoming webhook', () => {
  it('posts a Block Kit message the receiver accepts: header, score, drivers, top three, a link to the Account', async () => {
    expect(await destination.deliver(sampleDelivery(), viaHook(), sampleContext())).toEqual({ status: 'delivered' });
    expect(slack.messages).toHaveLength(1);
    const m = slack.messages[0]!;
    expect(m).toMatchObject({ via: 'webhook', channel: 'C0ALERTS' });
    expect(validateBlocks(m.blocks)).toEqual([]);
    const json = JSON.stringify(m.blocks);
    expect(m.blocks![0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Globex & Sons <EU>: entered High', emoji: true },
    });
    // mrkdwn escapes &, < and >; the header is plain_text and is not escaped.
    expect(json).toContain('72 (+24)');
    expect(json).toContain('High (was Medium)');
    expect(json).toContain('web_visits: +12');
    expect(json).toContain('Fox Mulder, VP Engineering');
    expect(json).toContain('Walter Skinner, CTO');
    expect(json).toContain('Unnamed person');
    expect(json).toContain(`${SF}/lightning/r/Account/001000000000001AAA/view`);
    expect(m.text).toContain('Globex & Sons <EU>: entered High');
  });

  it('a name longer than a header allows is cut to 150 characters, and Slack still accepts it', async () => {
    const d = sampleDelivery({ change: sampleChange({ accountName: 'A'.repeat(400) }) });
    expect(await destination.deliver(d, viaHook(), sampleContext())).toEqual({ status: 'delivered' });
    const header = slack.messages[0]!.blocks![0] as { text: { text: string } };
    expect(header.text.text).toHaveLength(150);
  });

  it('429 with Retry-After: retry not before it, then delivered', async () => {
    slack.faults.rateLimited(7, 1);
    expect(await destination.deliver(sampleDelivery(), viaHook(), sampleContext())).toMatchObject({
      status: 'retry',
      afterMs: 7_000,
    });
    expect(slack.calls.entries.map((c) => c.status)).toEqual([429]);
    expect(await destination.deliver(sampleDelivery({ attempt: 2 }), viaHook(), sampleContext())).toEqual({
      status: 'delivered',
    });
    expect(slack.messages).toHaveLength(1);
  });

  it('a 5xx retries; an unknown hook (no_service) fails', async () => {
    slack.faults.httpError(503, 1);
    expect((await destination.deliver(sampleDelivery(), viaHook(), sampleContext())).status).toBe('retry');
    const out = await destination.deliver(
      sampleDelivery(),
      viaHook({ webhookUrl: slack.hookUrl('T0/B0/wrong') }),
      sampleContext(),
    );
    expect(out).toMatchObject({ status: 'failed', error: expect.stringContaining('no_service') });
  });
});

describe('direct message from the bot', () => {
  it('finds the owner by email (any case) and posts to them', async () => {
    const out = await destination.deliver(sampleDelivery(), viaBot(), sampleContext());
    expect(out).toEqual({ status: 'delivered', externalId: expect.stringMatching(/^DU?0DANA\/\d+\.\d{6}$/) });
    expect(slack.messages[0]).toMatchObject({ via: 'chat.postMessage', channel: 'U0DANA' });
    expect(validateBlocks(slack.messages[0]!.blocks)).toEqual([]);
  });

  it('an owner Slack does not know goes to the fallback channel', async () => {
    const d = sampleDelivery({ change: sampleChange({ ownerEmail: 'nobody@acme.example' }) });
    expect((await destination.deliver(d, viaBot(), sampleContext())).status).toBe('delivered');
    expect(slack.messages[0]).toMatchObject({ channel: 'C0ALERTS' });
    expect(slack.calls.entries.map((c) => c.error)).toEqual(['users_not_found', null]);
  });

  it('no fallback and no such user: failed, saying so', async () => {
    const d = sampleDelivery({ change: sampleChange({ ownerEmail: null }) });
    const out = await destination.deliver(d, viaBot({ fallbackChannel: undefined }), sampleContext());
    expect(out).toMatchObject({ status: 'failed', error: expect.stringContaining('no fallbackChannel') });
  });

  it('a wrong token and an archived or unknown channel fail; 429 retries after Retry-After', async () => {
    expect(
      await destination.deliver(sampleDelivery(), viaBot({ botToken: 'xoxb-wrong' }), sampleContext()),
    ).toMatchObject({
      status: 'failed',
      error: 'Slack users.lookupByEmail: invalid_auth',
    });
    const nobody = sampleDelivery({ change: sampleChange({ ownerEmail: null }) });
    expect(await destination.deliver(nobody, viaBot({ fallbackChannel: 'old-alerts' }), sampleContext())).toMatchObject(
      {
        status: 'failed',
        error: 'Slack chat.postMessage: is_archived',
      },
    );
    expect(await destination.deliver(nobody, viaBot({ fallbackChannel: 'C0NOPE' }), sampleContext())).toMatchObject({
      status: 'failed',
      error: 'Slack chat.postMessage: channel_not_found',
    });
    slack.faults.rateLimited(3, 1, '/api/chat.postMessage');
    expect(await destination.deliver(sampleDelivery(), viaBot(), sampleContext())).toMatchObject({
      status: 'retry',
      afterMs: 3_000,
    });
    expect(slack.messages).toHaveLength(0);
  });

  it('a 5xx from the Web API retries; a token named by a variable is read from it', async () => {
    slack.faults.httpError(502, 1, '/api/users.lookupByEmail');
    expect((await destination.deliver(sampleDelivery(), viaBot(), sampleContext())).status).toBe('retry');
    const fromEnv = slackDestination({ env: { PULSE_SLACK_BOT: TOKEN } });
    expect(
      (await fromEnv.deliver(sampleDelivery(), viaBot({ botToken: { env: 'PULSE_SLACK_BOT' } }), sampleContext()))
        .status,
    ).toBe('delivered');
    expect(
      await slackDestination({ env: {} }).deliver(
        sampleDelivery(),
        viaBot({ botToken: { env: 'PULSE_SLACK_BOT' } }),
        sampleContext(),
      ),
    ).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('PULSE_SLACK_BOT'),
    });
  });
});
