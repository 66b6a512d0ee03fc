/**
 * Salesforce record ids, to the emulator's spec (test/salesforce-emulator/ids.ts):
 * 15 case-sensitive chars `prefix(3) + pod(2) + '0' + base62(counter, 9)`, plus the
 * 3-char case-safe checksum that makes the 18-char form.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Key prefixes of the objects the generator fills (case-sensitive: `00v` is not `00V`). */
export const KEY_PREFIX = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Task: '00T',
  Event: '00U',
  CampaignMember: '00v',
  Campaign: '701',
} as const;

/** The 3-char checksum of a 15-char id: per 5-char chunk, a bit per uppercase letter (first char = lowest bit). */
export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const c = id15.charCodeAt(chunk * 5 + j);
      if (c >= 65 && c <= 90) bits |= 1 << j;
    }
    out += CHECKSUM_CHARS[bits];
  }
  return out;
}

/** The 18-char form of a 15- or 18-char id (an 18-char id is returned re-suffixed from its first 15 chars). */
export function toId18(id: string): string {
  if (id.length !== 15 && id.length !== 18) throw new Error(`Not a Salesforce id (length ${id.length}): ${id}`);
  const id15 = id.slice(0, 15);
  return id15 + idChecksum(id15);
}

/** The 15-char case-sensitive form of an id. */
export function toId15(id: string): string {
  if (id.length !== 15 && id.length !== 18) throw new Error(`Not a Salesforce id (length ${id.length}): ${id}`);
  return id.slice(0, 15);
}

/** True when `id` is a well-formed 18-char id whose checksum matches. */
export function isValidId18(id: string): boolean {
  return /^[0-9A-Za-z]{18}$/.test(id) && idChecksum(id.slice(0, 15)) === id.slice(15);
}

/** Base-62 digits of a non-negative integer, left-padded with '0' to `width`. */
export function base62(n: number, width: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`base62 needs a non-negative safe integer, got ${n}`);
  let s = '';
  let v = n;
  do {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  } while (v > 0);
  if (s.length > width) throw new Error(`${n} does not fit in ${width} base-62 digits`);
  return s.padStart(width, '0');
}

/** A deterministic 18-char id for record number `counter` of the object with key prefix `prefix`. */
export function mintId(prefix: string, counter: number, pod = '0G'): string {
  return toId18(prefix + pod + '0' + base62(counter, 9));
}
