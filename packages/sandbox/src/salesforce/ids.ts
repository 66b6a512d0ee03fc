/**
 * The emulator's record ids: key prefixes and minting. The 15/18-character forms and the checksum
 * are the server's (identity/salesforceId), so Pulse and the emulator cannot disagree on an id.
 */
import { idChecksum, isValidId, toId15, toId18 } from '@pulse/server/src/identity/salesforceId';

export { idChecksum, isValidId, toId15, toId18 };

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Key prefixes of the objects the emulator knows (case-sensitive: `00v` is not `00V`). */
export const KEY_PREFIXES: Record<string, string> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Task: '00T',
  Event: '00U',
  CampaignMember: '00v',
  Campaign: '701',
  // Not documented; UserPermissionAccess rows are computed per user, their ids are never used.
  UserPermissionAccess: '0Lp',
  Organization: '00D',
  BulkJob: '750',
  QueryCursor: '01g',
};

/**
 * Normalises user input (15 or 18 chars) to the canonical 18-char id, or returns null
 * when it is not an id. Salesforce compares the first 15 chars case-sensitively.
 */
export function normalizeId(id: unknown): string | null {
  return isValidId(id) ? toId18(id) : null;
}

/** base62 of n, left-padded with zeros to `width`. */
function base62(n: number, width: number): string {
  let s = '';
  let v = Math.floor(n);
  while (v > 0) {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
}

/** Mints the 18-char id for record number `n` of an object with key prefix `prefix` (pod `xx` = `5g`, reserved `0`). */
export function makeId(prefix: string, n: number, pod = '5g'): string {
  if (prefix.length !== 3) throw new Error(`Key prefix must be 3 chars: ${prefix}`);
  return toId18(prefix + pod + '0' + base62(n, 9));
}

/** A counter-based id minter: `next('Account')` → a fresh 18-char Account id. */
export class IdMinter {
  private readonly counters = new Map<string, number>();
  constructor(
    private readonly prefixes: Record<string, string> = KEY_PREFIXES,
    private readonly pod = '5g',
  ) {}

  /** The next unused id for `object`. */
  next(object: string): string {
    const prefix = this.prefixes[object];
    if (!prefix) throw new Error(`No key prefix for ${object}`);
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return makeId(prefix, n, this.pod);
  }

  /** Makes sure later ids for `object` do not collide with record number `n`. */
  reserve(object: string, n: number): void {
    const prefix = this.prefixes[object];
    if (prefix && (this.counters.get(prefix) ?? 0) < n) this.counters.set(prefix, n);
  }
}

/** The object whose key prefix starts `id`, if known. */
export function objectForId(id: string, prefixes: Record<string, string> = KEY_PREFIXES): string | undefined {
  const p = id.slice(0, 3);
  for (const [obj, prefix] of Object.entries(prefixes)) if (prefix === p) return obj;
  return undefined;
}
