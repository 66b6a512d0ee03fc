/**
 * System alerts through Slack and the signed webhook, when those are the only alert destinations:
 * a run whose Salesforce sign-in is refused alerts the admins' channel with a Block Kit message the
 * local Slack receiver checks, and the webhook receiver gets a signed `system-alert` body it
 * verifies — once per code and day, however many runs fail that day.
 */
import { saveRulesDocument } from '@pulse/server/src/store/actions';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import { startSlackReceiver, type SlackReceiver } from '@pulse/sandbox/src/slack/server';
import { startWebhookReceiver, type WebhookReceiver } from '@pulse/sandbox/src/webhook/server';
import { startScenario, type Scenario } from '../run/harness';

const ORG = 'e2e-alerts-wire';
const SECRET = 'an-alert-signing-secret';
// The receiver's one incoming webhook, bound to the channel C0ALERTS.
const HOOK = 'T0PULSE/B0ALERTS/hooksecret';

describe('a credential-refused alert reaches Slack and the signed webhook', () => {
  let s: Scenario;
  let slack: SlackReceiver;
  let hook: WebhookReceiver;
  beforeAll(async () => {
    s = await startScenario(ORG, 50);
    slack = await startSlackReceiver();
    hook = await startWebhookReceiver({ secret: SECRET, now: () => s.clock.now.getTime() });
    await ensureOrg(s.db, ORG);
    await saveRulesDocument(s.db, ORG, {
      rules: [],
      alerts: {
        destinations: [
          { kind: 'slack', settings: { mode: 'webhook', webhookUrl: slack.hookUrl(HOOK) } },
          { kind: 'webhook', settings: { url: hook.url, secret: SECRET } },
        ],
      },
    });
  }, 180_000);
  afterAll(async () => {
    await hook?.close();
    await slack?.close();
    await s?.close();
  });

  it('one Block Kit message and one verified signed body, still one each after a second failed run', async () => {
    const refused = { ...s.auth, clientSecret: 'not-the-secret' };
    const r = await s.run({ salesforce: refused });
    expect(r.status).toBe('failed');
    expect(r.alert).toMatchObject({ code: 'CREDENTIAL_REFUSED', raised: 2, delivered: 2 });

    expect(slack.messages).toHaveLength(1);
    const msg = slack.messages[0]!;
    expect(msg).toMatchObject({ via: 'webhook', channel: 'C0ALERTS' });
    expect(msg.text).toContain('CREDENTIAL_REFUSED');
    expect(msg.blocks![0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Pulse system alert: CREDENTIAL_REFUSED', emoji: true },
    });
    expect(JSON.stringify(msg.blocks)).toContain(`run ${r.runId}`);

    expect(hook.calls.filter(() => true).map((c) => c.verdict)).toEqual(['accepted']);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toMatchObject({
      type: 'system-alert',
      alert: { orgId: ORG, code: 'CREDENTIAL_REFUSED', runId: r.runId, day: '2026-11-24' },
    });

    s.clock.now = new Date(s.clock.now.getTime() + 10 * 60_000);
    const again = await s.run({ salesforce: refused });
    expect(again.alert).toMatchObject({ code: 'CREDENTIAL_REFUSED', raised: 0 });
    expect(slack.messages).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
  });
});
