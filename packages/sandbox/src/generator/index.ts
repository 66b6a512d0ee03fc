/** The generated org: `generateOrg`, its CSV export for `pulse score --data`, and the shapes they use. */
export { generateOrg } from './generateOrg';
export { toCsvExport } from './csvExport';
export { STORY_NAMES, SELLER_SITE } from './context';
export { TITLES } from './vocabulary';
export { mintId, toId15, toId18, isValidId18, KEY_PREFIX } from './ids';
export type * from './types';
