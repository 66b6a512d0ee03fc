/**
 * Salesforce record ids come in a case-sensitive 15-character form and the 18-character form with a
 * case-check suffix; MAPs store either. Pulse keys people by the 18-character form, so ids from a
 * MAP are converted before matching.
 */
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character form of a Salesforce id; 18-character ids are returned as given, anything else is null. */
export function toSalesforceId18(id: string | null | undefined): string | null {
  const s = id?.trim() ?? '';
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(s)) return null;
  if (s.length === 18) return s;
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = s.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return s + suffix;
}
