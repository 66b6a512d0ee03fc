/**
 * Block Kit as Slack documents it for messages, checked the way Slack refuses a message
 * (`invalid_blocks`): which block types exist, which text object each field takes, and the limits.
 * https://docs.slack.dev/reference/block-kit/blocks (50 blocks per message)
 * https://docs.slack.dev/reference/block-kit/blocks/header-block (plain_text, 150 characters)
 * https://docs.slack.dev/reference/block-kit/blocks/section-block (text 3000; fields ≤10 of 2000)
 * https://docs.slack.dev/reference/block-kit/blocks/context-block (≤10 elements)
 * https://docs.slack.dev/reference/block-kit/blocks/actions-block (≤25 elements)
 * https://docs.slack.dev/reference/block-kit/block-elements/button-element (text plain_text 75, url 3000, value 2000)
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object (plain_text | mrkdwn, ≥1 character)
 * Only what Pulse sends is checked element by element; other known block types pass by type.
 */

/** One problem, with the JSON path Slack's `response_metadata.messages` would name. */
export interface BlockProblem {
  path: string;
  message: string;
}

export const LIMITS = {
  blocks: 50,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  buttonValue: 2000,
  actionId: 255,
  imageUrl: 3000,
  altText: 2000,
  /** chat.postMessage: `text` is truncated past 40,000 characters; the emulator refuses it instead. */
  messageText: 40_000,
} as const;

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'video',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem with a message's `blocks` (none: Slack would accept them). */
export function validateBlocks(blocks: unknown): BlockProblem[] {
  const out: BlockProblem[] = [];
  const bad = (path: string, message: string) => out.push({ path, message });
  if (!Array.isArray(blocks)) return [{ path: 'blocks', message: 'must be an array' }];
  if (blocks.length > LIMITS.blocks) bad('blocks', `must contain at most ${LIMITS.blocks} items`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const p = `blocks[${i}]`;
    if (!isObj(b)) return bad(p, 'must be an object');
    if (typeof b.type !== 'string' || !BLOCK_TYPES.has(b.type))
      return bad(`${p}.type`, `unknown block type ${JSON.stringify(b.type)}`);
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== 'string' || b.block_id.length === 0 || b.block_id.length > LIMITS.blockId)
        bad(`${p}.block_id`, `must be a string of 1 to ${LIMITS.blockId} characters`);
      else if (ids.has(b.block_id)) bad(`${p}.block_id`, 'must be unique within the message');
      else ids.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        textObject(b.text, `${p}.text`, LIMITS.headerText, bad, 'plain_text');
        break;
      case 'section':
        section(b, p, bad);
        break;
      case 'divider':
        for (const k of Object.keys(b))
          if (k !== 'type' && k !== 'block_id') bad(`${p}.${k}`, 'is not a divider field');
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > LIMITS.contextElements)
          bad(`${p}.elements`, `must be an array of 1 to ${LIMITS.contextElements} items`);
        else
          b.elements.forEach((e, j) => {
            const ep = `${p}.elements[${j}]`;
            if (isObj(e) && e.type === 'image') image(e, ep, bad);
            else textObject(e, ep, LIMITS.sectionText, bad);
          });
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > LIMITS.actionsElements)
          bad(`${p}.elements`, `must be an array of 1 to ${LIMITS.actionsElements} items`);
        else b.elements.forEach((e, j) => element(e, `${p}.elements[${j}]`, bad));
        break;
      case 'image':
        image(b, p, bad);
        break;
    }
  });
  return out;
}

function section(b: Obj, p: string, bad: (path: string, message: string) => void) {
  if (b.text === undefined && b.fields === undefined) bad(p, 'must have text or fields');
  if (b.text !== undefined) textObject(b.text, `${p}.text`, LIMITS.sectionText, bad);
  if (b.fields !== undefined) {
    if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > LIMITS.sectionFields)
      bad(`${p}.fields`, `must be an array of 1 to ${LIMITS.sectionFields} items`);
    else b.fields.forEach((f, j) => textObject(f, `${p}.fields[${j}]`, LIMITS.fieldText, bad));
  }
  if (b.accessory !== undefined) element(b.accessory, `${p}.accessory`, bad);
}

function textObject(
  t: unknown,
  p: string,
  max: number,
  bad: (path: string, message: string) => void,
  only?: 'plain_text' | 'mrkdwn',
) {
  if (!isObj(t)) return bad(p, 'must be a text object');
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return bad(`${p}.type`, 'must be plain_text or mrkdwn');
  if (only && t.type !== only) bad(`${p}.type`, `must be ${only}`);
  if (typeof t.text !== 'string' || t.text.length === 0) bad(`${p}.text`, 'must be a non-empty string');
  else if (t.text.length > max) bad(`${p}.text`, `must be at most ${max} characters`);
  if (t.emoji !== undefined && t.type !== 'plain_text') bad(`${p}.emoji`, 'is only for plain_text');
  if (t.verbatim !== undefined && t.type !== 'mrkdwn') bad(`${p}.verbatim`, 'is only for mrkdwn');
}

function image(e: Obj, p: string, bad: (path: string, message: string) => void) {
  if (typeof e.image_url !== 'string' || e.image_url.length === 0 || e.image_url.length > LIMITS.imageUrl)
    bad(`${p}.image_url`, `must be a URL of at most ${LIMITS.imageUrl} characters`);
  if (typeof e.alt_text !== 'string' || e.alt_text.length === 0 || e.alt_text.length > LIMITS.altText)
    bad(`${p}.alt_text`, `must be a string of 1 to ${LIMITS.altText} characters`);
}

function element(e: unknown, p: string, bad: (path: string, message: string) => void) {
  if (!isObj(e) || typeof e.type !== 'string') return bad(p, 'must be a block element');
  if (e.type !== 'button') return;
  textObject(e.text, `${p}.text`, LIMITS.buttonText, bad, 'plain_text');
  if (e.action_id !== undefined && (typeof e.action_id !== 'string' || e.action_id.length > LIMITS.actionId))
    bad(`${p}.action_id`, `must be a string of at most ${LIMITS.actionId} characters`);
  if (
    e.url !== undefined &&
    (typeof e.url !== 'string' || e.url.length > LIMITS.buttonUrl || !/^https?:\/\//.test(e.url))
  )
    bad(`${p}.url`, `must be a URL of at most ${LIMITS.buttonUrl} characters`);
  if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > LIMITS.buttonValue))
    bad(`${p}.value`, `must be a string of at most ${LIMITS.buttonValue} characters`);
  if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
    bad(`${p}.style`, 'must be primary or danger');
}
