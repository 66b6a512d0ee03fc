import { recipientOf } from '../destination';
import { slack } from '../slack';
import { salesforceTaskDestination } from '../task';
import { webhook } from '../webhook';

describe("the weekly cap's recipient of each destination", () => {
  const owned = { ownerId: '005OWNER' };

  it('a Task and a Slack direct message are for the account owner', () => {
    expect(recipientOf(salesforceTaskDestination, salesforceTaskDestination.settings.parse({}), owned)).toBe(
      '005OWNER',
    );
    expect(recipientOf(slack, { mode: 'dm', botToken: 'xoxb-1' }, owned)).toBe('005OWNER');
    expect(recipientOf(slack, { mode: 'dm', botToken: 'xoxb-1' }, { ownerId: null })).toBe('unowned');
  });

  it("a channel message is for the channel its webhook URL names, without storing the URL's secret", () => {
    const url = 'https://hooks.slack.com/services/T0/B0/secretpart';
    const one = recipientOf(slack, { mode: 'webhook', webhookUrl: url }, owned);
    expect(one).toMatch(/^slack-channel:sha256:[0-9a-f]{12}$/);
    expect(one).not.toContain('secretpart');
    // Another account's owner, the same channel: the same recipient; another channel: another.
    expect(recipientOf(slack, { mode: 'webhook', webhookUrl: url }, { ownerId: '005OTHER' })).toBe(one);
    expect(recipientOf(slack, { mode: 'webhook', webhookUrl: `${url}2` }, owned)).not.toBe(one);
    expect(recipientOf(slack, { mode: 'webhook', webhookUrl: { env: 'SLACK_HOOK' } }, owned)).toBe(
      'slack-channel:env:SLACK_HOOK',
    );
  });

  it('a signed webhook is for its URL', () => {
    expect(recipientOf(webhook, { url: 'https://hooks.acme.example/pulse', secret: 'x'.repeat(16) }, owned)).toBe(
      'webhook:https://hooks.acme.example/pulse',
    );
  });
});
