/**
 * The Slack message for one account's change, in Block Kit: a header (account and what fired), the
 * score, band, trend and MQA as fields, the change drivers, the top three people, a button to the
 * Account in Salesforce and a context line naming the rule. Within Slack's limits
 * (https://docs.slack.dev/reference/block-kit/blocks): header plain_text ≤150, section text ≤3000,
 * fields ≤10 of ≤2000, button text ≤75 and url ≤3000, 50 blocks.
 */
import type { ActionDelivery, AccountChange, AlertDelivery } from './destination';

/** The Block Kit limits the message keeps to. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const URL_MAX = 3000;

/**
 * Text for a mrkdwn field: `&`, `<` and `>` are escaped as Slack asks
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping), so an account named
 * "<!channel>" cannot mention everyone or forge a link.
 */
export function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `s` cut to `max` characters, with an ellipsis when cut. */
function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function signed(n: number): string {
  const r = Math.round(n * 10) / 10;
  return r > 0 ? `+${r}` : String(r);
}

/** The Lightning record page of an Account, when the instance URL is known. */
export function accountUrl(instanceUrl: string | undefined, accountId: string): string | null {
  if (!instanceUrl) return null;
  const url = `${instanceUrl.replace(/\/+$/, '')}/lightning/r/Account/${encodeURIComponent(accountId)}/view`;
  return url.length <= URL_MAX ? url : null;
}

function was<T>(now: T, before: T | null): string {
  return before === null || before === now ? '' : ` (was ${String(before)})`;
}

function driversText(c: AccountChange): string {
  if (c.changeDrivers.length === 0) return '*What changed*\nNo single driver stands out.';
  const lines = c.changeDrivers.slice(0, 5).map((d) => `• ${mrkdwnEscape(d.key)}: ${signed(d.change)}`);
  return `*What changed*\n${lines.join('\n')}`;
}

function peopleText(c: AccountChange): string {
  if (c.topPeople.length === 0) return '*Top people*\nNo engaged person is known yet.';
  const lines = c.topPeople.slice(0, 3).map((p) => {
    const who = mrkdwnEscape(p.name ?? 'Unnamed person');
    const title = p.title ? `, ${mrkdwnEscape(p.title)}` : '';
    return `• ${who}${title}: ${Math.round(p.points * 10) / 10} pts (${Math.round(p.share * 100)}%)`;
  });
  return `*Top people*\n${lines.join('\n')}`;
}

/** The one-line text Slack shows in notifications and where blocks cannot be shown. */
export function slackFallbackText(d: ActionDelivery): string {
  const c = d.change;
  return `${c.accountName}: ${d.trigger} (score ${Math.round(c.score)}, ${c.band}, ${c.trend})`;
}

/** The Block Kit blocks of one delivery's message. */
export function slackBlocks(d: ActionDelivery, instanceUrl?: string): unknown[] {
  const c = d.change;
  const delta = c.previousScore === null ? '' : ` (${signed(c.score - c.previousScore)})`;
  const fields = [
    `*Score*\n${Math.round(c.score)}${delta}`,
    `*Band*\n${mrkdwnEscape(c.band)}${mrkdwnEscape(was(c.band, c.previousBand))}`,
    `*Trend*\n${mrkdwnEscape(c.trend)}${mrkdwnEscape(was(c.trend, c.previousTrend))}`,
    `*MQA*\n${c.mqa ? 'Yes' : 'No'}${c.previousMqa !== null && c.previousMqa !== c.mqa ? ` (was ${c.previousMqa ? 'yes' : 'no'})` : ''}`,
  ];
  if (c.ownerName) fields.push(`*Owner*\n${mrkdwnEscape(c.ownerName)}`);
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(`${c.accountName}: ${d.trigger}`, HEADER_MAX), emoji: true },
    },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text: cut(text, FIELD_MAX) })) },
    { type: 'section', text: { type: 'mrkdwn', text: cut(driversText(c), SECTION_MAX) } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(peopleText(c), SECTION_MAX) } },
  ];
  const url = accountUrl(instanceUrl, c.accountId);
  if (url)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in Salesforce' },
          url,
          action_id: 'pulse_open_account',
          style: 'primary',
        },
      ],
    });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: cut(`Pulse · rule ${mrkdwnEscape(d.ruleId)} · ${c.day}`, SECTION_MAX) }],
  });
  return blocks;
}

/** The one-line text of a system alert, for notifications. */
export function slackAlertText(d: AlertDelivery): string {
  return `Pulse system alert ${d.alert.code}: ${d.alert.message}`;
}

/** The Block Kit blocks of a system alert for admins: what happened, and which org, day and run. */
export function slackAlertBlocks(d: AlertDelivery): unknown[] {
  const a = d.alert;
  const where = `Pulse · org ${mrkdwnEscape(a.orgId)} · ${a.day}${a.runId !== null ? ` · run ${a.runId}` : ''}`;
  return [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(`Pulse system alert: ${a.code}`, HEADER_MAX), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: cut(mrkdwnEscape(a.message) || a.code, SECTION_MAX) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: cut(where, SECTION_MAX) }] },
  ];
}
