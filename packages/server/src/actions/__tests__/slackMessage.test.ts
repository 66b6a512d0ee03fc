/** The Slack message's text: mrkdwn escaping (https://docs.slack.dev/messaging/formatting-message-text#escaping) and limits. */
import { sampleChange, sampleDelivery } from '../../../testing/actions';
import { accountUrl, mrkdwnEscape, slackBlocks } from '../slackMessage';

it('escapes &, < and > in mrkdwn so names cannot mention or link', () => {
  expect(mrkdwnEscape('<!channel> & <https://evil|x>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil|x&gt;');
  const d = sampleDelivery({ change: sampleChange({ ownerName: '<!here>' }) });
  const json = JSON.stringify(slackBlocks(d));
  expect(json).not.toContain('<!here>');
  expect(json).toContain('&lt;!here&gt;');
});

it('no instance URL: no button', () => {
  expect(accountUrl(undefined, '001')).toBeNull();
  expect(JSON.stringify(slackBlocks(sampleDelivery()))).not.toContain('"actions"');
  expect(accountUrl('https://acme.my.salesforce.com/', '001X')).toBe(
    'https://acme.my.salesforce.com/lightning/r/Account/001X/view',
  );
});

it('a first day (no previous score) shows the score without a change', () => {
  const d = sampleDelivery({ change: sampleChange({ previousScore: null, previousBand: null }) });
  const fields = (slackBlocks(d)[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
  expect(fields[0]).toBe('*Score*\n72');
  expect(fields[1]).toBe('*Band*\nHigh');
});
