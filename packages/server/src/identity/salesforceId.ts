/**
 * Salesforce record ids come in a case-sensitive 15-character form and the 18-character form with a
 * case-check suffix; MAPs store either. Pulse keys people by the 18-character form, so ids from a
 * MAP are converted before matching. The one implementation of the checksum: the sandbox's
 * emulator mints and checks ids with these functions too.
 * Checksum per https://help.salesforce.com/s/articleView?id=000385203 (reference §10).
 */
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[0-9A-Za-z]+$/;

/** The 3-character suffix Salesforce appends to a 15-character id: one letter per 5 characters, a bit per capital. */
export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const c = id15.charCodeAt(chunk * 5 + j);
      if (c >= 65 && c <= 90) bits |= 1 << j;
    }
    out += CHECKSUM_ALPHABET[bits];
  }
  return out;
}

/** The 18-char form of a 15- or 18-char id (an 18-char id gets its suffix recomputed); throws on anything else. */
export function toId18(id: string): string {
  if (id.length === 18 && ID_CHARS.test(id)) return id.slice(0, 15) + idChecksum(id.slice(0, 15));
  if (id.length === 15 && ID_CHARS.test(id)) return id + idChecksum(id);
  throw new Error(`Not a Salesforce id: ${JSON.stringify(id)}`);
}

/** The 15-char (case-sensitive) form of an id. */
export function toId15(id: string): string {
  return toId18(id).slice(0, 15);
}

/** Whether `id` is a well-formed 15- or 18-char id (an 18-char id must carry a matching checksum, ignoring case). */
export function isValidId(id: unknown): id is string {
  if (typeof id !== 'string' || !ID_CHARS.test(id)) return false;
  if (id.length === 15) return true;
  if (id.length !== 18) return false;
  return id.slice(15).toUpperCase() === idChecksum(id.slice(0, 15));
}

/** The 18-character form of a Salesforce id from a MAP; 18-character ids are returned as given, anything else is null. */
export function toSalesforceId18(id: string | null | undefined): string | null {
  const s = id?.trim() ?? '';
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(s)) return null;
  return s.length === 18 ? s : s + idChecksum(s);
}
