/**
 * Record ids for the generated org, minted with the emulator's id helpers
 * (test/salesforce-emulator/ids.ts) so both agree on format and checksum.
 */
import { KEY_PREFIXES, isValidId, makeId } from '../salesforce/ids';

export { toId15, toId18, idChecksum } from '../salesforce/ids';

/** Key prefixes of the objects the generator fills. */
export const KEY_PREFIX = {
  Account: KEY_PREFIXES.Account ?? '001',
  Contact: KEY_PREFIXES.Contact ?? '003',
  User: KEY_PREFIXES.User ?? '005',
  Opportunity: KEY_PREFIXES.Opportunity ?? '006',
  Lead: KEY_PREFIXES.Lead ?? '00Q',
  Task: KEY_PREFIXES.Task ?? '00T',
  Event: KEY_PREFIXES.Event ?? '00U',
  CampaignMember: KEY_PREFIXES.CampaignMember ?? '00v',
  Campaign: KEY_PREFIXES.Campaign ?? '701',
} as const;

/** True when `id` is an 18-char id whose checksum matches. */
export function isValidId18(id: string): boolean {
  return id.length === 18 && isValidId(id) && id === id.slice(0, 15) + id.slice(15).toUpperCase();
}

/**
 * The id of record number `counter` for key prefix `prefix`. The generator's counters start at
 * 62^8 (see ID_BASE), far above the emulator's own counter, so ids it mints later never collide.
 */
export function mintId(prefix: string, counter: number): string {
  return makeId(prefix, counter);
}
