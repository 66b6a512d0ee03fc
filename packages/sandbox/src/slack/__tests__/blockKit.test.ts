/**
 * The receiver's Block Kit check refuses what Slack documents it refuses.
 * https://docs.slack.dev/reference/block-kit/blocks — at most 50 blocks in a message
 * https://docs.slack.dev/reference/block-kit/blocks/header-block — text: plain_text, max 150 characters
 * https://docs.slack.dev/reference/block-kit/blocks/section-block — text max 3000; fields max 10 items of 2000
 * https://docs.slack.dev/reference/block-kit/block-elements/button-element — text plain_text max 75
 */
import { validateBlocks } from '../blockKit';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

it('accepts a well-formed message', () => {
  expect(
    validateBlocks([
      { type: 'header', text: { type: 'plain_text', text: 'Hello', emoji: true } },
      section('*bold*'),
      { type: 'divider' },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, url: 'https://x.example' }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }] },
    ]),
  ).toEqual([]);
});

it('refuses 51 blocks', () => {
  expect(validateBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toEqual([
    { path: 'blocks', message: 'must contain at most 50 items' },
  ]);
});

it('refuses a mrkdwn header and one over 150 characters', () => {
  expect(validateBlocks([{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }])).toEqual([
    { path: 'blocks[0].text.type', message: 'must be plain_text' },
  ]);
  expect(validateBlocks([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }])).toEqual([
    { path: 'blocks[0].text.text', message: 'must be at most 150 characters' },
  ]);
});

it('refuses section text over 3000, eleven fields, an empty text and an unknown type', () => {
  expect(validateBlocks([section('x'.repeat(3001))])[0]?.path).toBe('blocks[0].text.text');
  expect(
    validateBlocks([{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }])[0]
      ?.path,
  ).toBe('blocks[0].fields');
  expect(validateBlocks([section('')])[0]?.message).toBe('must be a non-empty string');
  expect(validateBlocks([{ type: 'banner' }])[0]?.path).toBe('blocks[0].type');
  expect(validateBlocks([{ type: 'section', text: { type: 'markdown', text: 'x' } }])[0]?.path).toBe(
    'blocks[0].text.type',
  );
});

it('refuses a button with 76 characters or a mrkdwn label, and duplicate block ids', () => {
  const button = (text: object) => ({ type: 'actions', elements: [{ type: 'button', text }] });
  expect(validateBlocks([button({ type: 'plain_text', text: 'x'.repeat(76) })])[0]?.path).toBe(
    'blocks[0].elements[0].text.text',
  );
  expect(validateBlocks([button({ type: 'mrkdwn', text: 'Go' })])[0]?.path).toBe('blocks[0].elements[0].text.type');
  expect(
    validateBlocks([
      { type: 'divider', block_id: 'a' },
      { type: 'divider', block_id: 'a' },
    ]),
  ).toEqual([{ path: 'blocks[1].block_id', message: 'must be unique within the message' }]);
});
