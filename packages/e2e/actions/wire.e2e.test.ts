/**
 * Every destination end to end on the emulators, through the daily run: rules send the planted
 * surging account (Northwind Surge Analytics) to a Salesforce Task, a Slack incoming webhook and a
 * signed webhook; the cooling account's (Coldwater Logistics) Marketo people are put in a static list
 * and taken out the day after new meetings and calls make it recover; the weekly digest arrives at a
 * local SMTP server.
 * Vendor behaviour the receivers follow:
 * - Slack incoming webhooks and Block Kit: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * - Slack rate limits (HTTP 429, Retry-After): https://docs.slack.dev/apis/web-api/rate-limits
 * - Marketo list membership: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/list-membership
 * - Pulse's webhook retries (5xx, refused connections, for up to a day): docs/actions-destinations.md
 * - SMTP replies (RFC 5321 §4.2): https://www.rfc-editor.org/rfc/rfc5321#section-4.2
 */
import { taskMarker } from '@pulse/server/src/actions/task';
import { readConfig } from '@pulse/server/src/config';
import { runActions } from '@pulse/server/src/run/actions';
import { listOutbox } from '@pulse/server/src/store/outbox';
import { saveRulesDocument } from '@pulse/server/src/store/actions';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import { listRuns } from '@pulse/server/src/store/runs';
import { digestNow, replayNow, runActionsNow } from '@pulse/server/src/cli/actions';
import { startSlackReceiver, type SlackReceiver } from '@pulse/sandbox/src/slack/server';
import { startWebhookReceiver, type WebhookReceiver } from '@pulse/sandbox/src/webhook/server';
import { startSmtpReceiver, type SmtpReceiver } from '@pulse/sandbox/src/smtp/server';
import { startScenario, type Scenario } from '../run/harness';

const ORG = 'e2e-wire';
const SECRET = 'a-webhook-signing-secret';
const HOOK = 'T0PULSE/B0ALERTS/hooksecret';
const minutes = (s: Scenario, n: number) => (s.clock.now = new Date(s.clock.now.getTime() + n * 60_000));

/** The rules: the surging account to three destinations, the cooling one to a Marketo list, a Tuesday digest. */
function rules(slack: SlackReceiver, hook: WebhookReceiver, smtp: SmtpReceiver, coolingName: string) {
  return {
    capPerRecipientPerWeek: 20,
    rules: [
      {
        id: 'surge',
        trigger: { type: 'trend', becomes: 'Surging' },
        scope: { type: 'filter', where: [{ field: 'Name', op: 'equals', value: 'Northwind Surge Analytics' }] },
        destinations: [
          { kind: 'salesforce-task', settings: { priority: 'High' } },
          { kind: 'slack', settings: { mode: 'webhook', webhookUrl: slack.hookUrl(HOOK) } },
          { kind: 'webhook', settings: { url: hook.url, secret: SECRET } },
        ],
      },
      {
        id: 'cooling-nurture',
        trigger: { type: 'trend', becomes: 'Cooling' },
        scope: { type: 'filter', where: [{ field: 'Name', op: 'equals', value: coolingName }] },
        destinations: [{ kind: 'map-list', settings: { source: 'marketo', listId: '1001' } }],
      },
    ],
    // START (2026-11-24) is a Tuesday.
    digest: { weekday: 'tuesday', smtp: { host: smtp.host, port: smtp.port, from: 'Pulse <pulse@acme.example>' } },
  };
}

describe('Task, Slack, signed webhook, Marketo list and digest from the daily run', () => {
  let s: Scenario;
  let slack: SlackReceiver;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    s = await startScenario(ORG, 60);
    slack = await startSlackReceiver();
    hook = await startWebhookReceiver({ secret: SECRET, now: () => s.clock.now.getTime() });
    smtp = await startSmtpReceiver();
    await ensureOrg(s.db, ORG);
    await saveRulesDocument(s.db, ORG, rules(slack, hook, smtp, 'Coldwater Logistics'));
  }, 180_000);
  afterAll(async () => {
    await smtp?.close();
    await hook?.close();
    await slack?.close();
    await s?.close();
  });

  it('three runs: one Task, one Block Kit message, one verified signed delivery', async () => {
    const first = await s.run();
    expect(first.failures).toEqual([]);
    for (let i = 0; i < 2; i++) {
      minutes(s, 10);
      expect((await s.run()).status).toBe('succeeded');
    }
    const story = s.org.stories.surging;
    const marker = taskMarker('surge', story.accountId);
    const tasks = [...s.emu.store.all('Task')].filter((t) => String(t.Description ?? '').includes(marker));
    expect(tasks).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ via: 'webhook', channel: 'C0ALERTS' });
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('Northwind Surge Analytics');
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toMatchObject({ rule: 'surge', change: { accountId: story.accountId } });
    expect(hook.calls.filter(() => true).map((c) => c.verdict)).toEqual(['accepted']);
    // The weekly cap counts each delivery for its own recipient: the owner, the channel, the URL.
    const owner = s.emu.store.get('Account', story.accountId)!.OwnerId as string;
    const rows = (await listOutbox(s.db, ORG)).filter((x) => x.ruleId === 'surge');
    expect(Object.fromEntries(rows.map((x) => [x.kind, x.recipient]))).toEqual({
      'salesforce-task': owner,
      slack: expect.stringMatching(/^slack-channel:sha256:[0-9a-f]{12}$/),
      webhook: `webhook:${hook.url}`,
    });
  });

  it('the weekly digest arrived once at the SMTP server with the surging account for its owner', async () => {
    const story = s.org.stories.surging;
    const ownerId = s.emu.store.get('Account', story.accountId)!.OwnerId as string;
    const email = s.emu.store.get('User', ownerId)!.Email as string;
    const mails = smtp.messages.filter((m) => m.to.includes(email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Northwind Surge Analytics');
    expect(mails[0]!.headers.get('x-pulse-digest')).toBe(`${ownerId}:2026-11-24`);
    // Asked again on demand: every owner had it already.
    const before = smtp.messages.length;
    const again = await digestNow({ org: ORG }, { db: s.db, out: { write: () => undefined }, now: () => s.clock.now });
    expect(again).toMatchObject({ weekEnd: '2026-11-24', delivered: 0, failed: 0, retrying: 0 });
    expect(again.alreadySent).toBeGreaterThan(0);
    expect(smtp.messages.length).toBe(before);
  });

  it("replay prints the per-rule counts and the map-list rule's adds and removes", async () => {
    let text = '';
    const r = await replayNow({ org: ORG, days: 90 }, { db: s.db, out: { write: (t) => void (text += t) } });
    expect(r.rules.map((x) => x.id)).toEqual(['surge']);
    expect(r.listRules).toEqual(['cooling-nurture']);
    expect(r.destinations).toEqual({
      'salesforce-task': r.rules[0]!.fired,
      slack: r.rules[0]!.fired,
      webhook: r.rules[0]!.fired,
    });
    expect(text).toContain(`  surge: ${r.rules[0]!.fired} would fire`);
    // The list as the daily push would have kept it: whoever entered and left the Cooling set.
    expect(r.lists).toEqual([
      expect.objectContaining({ ruleId: 'cooling-nurture', source: 'marketo', listId: '1001' }),
    ]);
    const list = r.lists[0]!;
    expect(list.accountsAtEnd).toBeGreaterThanOrEqual(1);
    expect(list.accountsAdded - list.accountsRemoved).toBe(list.accountsAtEnd);
    expect(list.peopleAdded).toBeGreaterThanOrEqual(s.marketo.lists.get('1001')!.members.size);
    expect(text).toContain(
      `  cooling-nurture: marketo list 1001 would add ${list.peopleAdded} people (${list.accountsAdded} accounts entering)`,
    );
    expect(r.maxPerRecipientWeek).toBeLessThanOrEqual(r.capPerRecipientPerWeek);
  });
  it("the cooling account's Marketo people are in the list, and out the day after it recovers", async () => {
    const runs = await listRuns(s.db, ORG, 'daily', 3);
    const firstRun = runs.at(-1)!;
    expect(firstRun.counts.listAdds).toBeGreaterThan(0);
    expect(runs[0]!.counts).toMatchObject({ listAdds: 0, listRemoves: 0 });
    const members = s.marketo.lists.get('1001')!.members;
    expect(members.size).toBe(firstRun.counts.listAdds);

    // The next day its people are back: a campaign response, two meetings, a call and two replies each,
    // logged in Salesforce.
    const cooling = s.org.stories.cooling.accountId;
    const trendOf = () => s.emu.store.get('Account', cooling)!.Engagement_Trend__c;
    expect(trendOf()).toBe('Cooling');
    s.clock.now = new Date('2026-11-25T12:00:00Z');
    const contacts = [...s.org.records.Contact].filter((c) => c.AccountId === cooling);
    expect(contacts.length).toBeGreaterThan(0);
    const offer = s.emu.store.insert('Campaign', { Name: 'Renewal offer', Type: 'Email', IsActive: true });
    for (const c of contacts) {
      s.emu.store.insert('CampaignMember', {
        CampaignId: offer.Id,
        ContactId: c.Id as string,
        Status: 'Responded',
        HasResponded: true,
        FirstRespondedDate: '2026-11-25',
      });
      for (const hour of ['09', '14']) {
        s.emu.store.insert('Event', {
          Subject: 'Renewal workshop',
          ActivityDateTime: `2026-11-25T${hour}:00:00.000+0000`,
          StartDateTime: `2026-11-25T${hour}:00:00.000+0000`,
          EndDateTime: `2026-11-25T${hour}:45:00.000+0000`,
          DurationInMinutes: 45,
          WhoId: c.Id as string,
          WhatId: cooling,
        });
      }
      s.emu.store.insert('Task', {
        Subject: 'Call: renewal scope',
        TaskSubtype: 'Call',
        Type: 'Call',
        Status: 'Completed',
        WhoId: c.Id as string,
        WhatId: cooling,
        ActivityDate: '2026-11-25',
        CallDurationInSeconds: 1200,
      });
      // Replies count as emails (sources/salesforce/records.ts: a `RE:` subject is inbound).
      for (const hour of ['10', '16']) {
        s.emu.store.insert('Task', {
          Subject: 'RE: renewal proposal',
          TaskSubtype: 'Email',
          Type: 'Email',
          Status: 'Completed',
          WhoId: c.Id as string,
          WhatId: cooling,
          ActivityDate: '2026-11-25',
          Description: `Reply received ${hour}:00`,
        });
      }
    }
    minutes(s, 10);
    const r = await s.run();
    expect(r.status).toBe('succeeded');
    expect(trendOf()).not.toBe('Cooling');
    expect(r.actions!.lists).toEqual([expect.objectContaining({ ruleId: 'cooling-nurture', accounts: 0 })]);
    expect(r.actions!.lists[0]!.push).toMatchObject({ added: 0, removed: firstRun.counts.listAdds });
    expect(members.size).toBe(0);
  });

  it('pulse actions run on demand decides the newest day with a rule added since, and again sends nothing new', async () => {
    // A rule added after the day's run: the recovered account's climb, to the signed webhook.
    const doc = rules(slack, hook, smtp, 'Coldwater Logistics');
    const climb = {
      id: 'climb',
      trigger: { type: 'change', points: 1, days: 1, direction: 'up' },
      scope: { type: 'filter', where: [{ field: 'Name', op: 'equals', value: 'Coldwater Logistics' }] },
      destinations: [{ kind: 'webhook', settings: { url: hook.url, secret: SECRET } }],
    };
    await saveRulesDocument(s.db, ORG, { ...doc, rules: [...doc.rules, climb] });
    const before = hook.received.length;
    minutes(s, 10);
    const { baseUrl, clientId, clientSecret } = s.marketo.credentials;
    const config = readConfig({
      MARKETO_BASE_URL: baseUrl,
      MARKETO_CLIENT_ID: clientId,
      MARKETO_CLIENT_SECRET: clientSecret,
      MARKETO_MAX_CALLS_PER_20S: '0',
    });
    const onDemand = () =>
      runActionsNow(
        { org: ORG },
        {
          db: s.db,
          out: { write: () => undefined },
          config,
          salesforce: s.auth,
          now: () => s.clock.now,
        },
      );
    const r = await onDemand();
    expect(r.decided).toMatchObject({ day: '2026-11-25', previous: '2026-11-24', fired: 1, rows: 1 });
    expect(r.sent).toMatchObject({ delivered: 1, failed: 0 });
    expect(hook.received.slice(before).map((x) => x.body)).toEqual([
      expect.objectContaining({
        rule: 'climb',
        change: expect.objectContaining({ accountName: 'Coldwater Logistics' }),
      }),
    ]);
    // The list rules are pushed for the day too: already as the run left them, so nothing to send.
    expect(r.lists).toEqual([
      expect.objectContaining({
        ruleId: 'cooling-nurture',
        accounts: 0,
        push: expect.objectContaining({ added: 0, removed: 0 }),
      }),
    ]);

    minutes(s, 10);
    const again = await onDemand();
    expect(again.decided).toMatchObject({ day: '2026-11-25', fired: 0, rows: 0 });
    expect(again.sent.delivered).toBe(0);
    expect(hook.received).toHaveLength(before + 1);
  });
});

describe('faults: a webhook receiver down for an hour, Slack answering 429 with Retry-After', () => {
  let s: Scenario;
  let slack: SlackReceiver;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;
  const org = 'e2e-wire-faults';
  beforeAll(async () => {
    s = await startScenario(org, 60);
    slack = await startSlackReceiver();
    hook = await startWebhookReceiver({ secret: SECRET, now: () => s.clock.now.getTime() });
    smtp = await startSmtpReceiver();
    await ensureOrg(s.db, org);
    await saveRulesDocument(s.db, org, rules(slack, hook, smtp, 'Coldwater Logistics'));
  }, 180_000);
  afterAll(async () => {
    await smtp?.close();
    await hook?.close();
    await slack?.close();
    await s?.close();
  });
  const owed = async (kind: string) => (await listOutbox(s.db, org)).filter((x) => x.kind === kind);
  const sendNow = () =>
    runActions({
      db: s.db,
      orgId: org,
      config: readConfig({}),
      salesforce: s.auth,
      now: () => s.clock.now,
      sleep: async () => undefined,
      random: () => 0.5,
    });

  it('both retry; Slack not before Retry-After; each is delivered once when its receiver is back', async () => {
    await hook.down();
    slack.faults.rateLimited(300, 1);
    const r = await s.run({ actions: { random: () => 0.5 } });
    expect(r.actions!.sent).toMatchObject({ failed: 0, retrying: 2 });
    const [slackItem] = await owed('slack');
    expect(slackItem).toMatchObject({ status: 'pending', attempts: 1 });
    // Retry-After: 300 seconds, longer than the first backoff window (at most a minute).
    expect(slackItem!.nextAttemptAt.getTime() - s.clock.now.getTime()).toBeGreaterThanOrEqual(300_000);
    expect(slack.messages).toHaveLength(0);

    // Two minutes on: the webhook is retried (still down), Slack is not yet due.
    minutes(s, 2);
    const early = await sendNow();
    expect(early.sent.byKind.slack).toBeUndefined();
    expect(early.sent.byKind.webhook).toMatchObject({ retrying: 1 });

    // An hour on the receiver is back: the next pass delivers each once.
    minutes(s, 60);
    await hook.up();
    const back = await sendNow();
    expect(back.sent).toMatchObject({ delivered: 2, failed: 0, retrying: 0 });
    expect(hook.received).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    minutes(s, 10);
    expect((await sendNow()).sent.delivered).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
  });
});

describe("a Slack direct message to the surging account's owner, found by the pulled User's email", () => {
  it('users.lookupByEmail with the owner email, then chat.postMessage to that user', async () => {
    const org = 'e2e-wire-dm';
    const s = await startScenario(org, 60);
    let slack: SlackReceiver | undefined;
    try {
      const story = s.org.stories.surging;
      const ownerId = s.emu.store.get('Account', story.accountId)!.OwnerId as string;
      const email = s.emu.store.get('User', ownerId)!.Email as string;
      slack = await startSlackReceiver({ users: [{ id: 'U0OWNER', email, name: 'Owner' }] });
      await ensureOrg(s.db, org);
      await saveRulesDocument(s.db, org, {
        rules: [
          {
            id: 'surge-dm',
            trigger: { type: 'trend', becomes: 'Surging' },
            scope: { type: 'filter', where: [{ field: 'Name', op: 'equals', value: story.accountName }] },
            destinations: [
              { kind: 'slack', settings: { mode: 'dm', botToken: 'xoxb-pulse-test', apiUrl: slack.apiUrl } },
            ],
          },
        ],
      });
      const r = await s.run();
      expect(r.actions!.sent).toMatchObject({ delivered: 1, failed: 0 });
      expect(slack.messages).toEqual([expect.objectContaining({ via: 'chat.postMessage', channel: 'U0OWNER' })]);
    } finally {
      await slack?.close();
      await s.close();
    }
  }, 180_000);
});
