/**
 * Company domains: normalizing websites and emails to a registrable domain, and matching
 * a person to an account by email domain (how orphan leads find their account).
 */

/** Free-mail providers: an address there says nothing about the employer. */
export const PERSONAL_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'zoho.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  '126.com',
  'fastmail.com',
  'tutanota.com',
  'hey.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'btinternet.com',
  'orange.fr',
  'free.fr',
  't-online.de',
  'libero.it',
]);

// Second-level labels under which companies register (acme.co.uk, acme.com.au).
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ltd', 'plc', 'ne', 'or', 'gob', 'nic']);

/**
 * The registrable domain of a website, URL or domain: scheme, credentials, `www.`, path,
 * query, port and case removed; subdomains dropped ("https://EU.Shop.Acme.co.uk:443/x" →
 * "acme.co.uk"). Null when nothing domain-like is left.
 */
export function normalizeDomain(websiteOrDomain: string | null | undefined): string | null {
  const labels = hostLabels(websiteOrDomain);
  if (!labels) return null;
  const tld = labels[labels.length - 1] ?? '';
  const sld = labels[labels.length - 2] ?? '';
  const take = tld.length === 2 && SECOND_LEVEL.has(sld) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-take).join('.');
}

/** The host of a website or domain without scheme, `www.`, path or port, subdomains kept. */
export function normalizeHost(websiteOrDomain: string | null | undefined): string | null {
  return hostLabels(websiteOrDomain)?.join('.') ?? null;
}

function hostLabels(websiteOrDomain: string | null | undefined): string[] | null {
  if (!websiteOrDomain) return null;
  let s = websiteOrDomain.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.replace(/^[^/@]*@/, '');
  s = s.split(/[/?#]/)[0] ?? '';
  s = s.replace(/:\d*$/, '').replace(/\.+$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s)) return null;
  const labels = s.split('.');
  if (labels[0] === 'www') labels.shift();
  return labels.length >= 2 ? labels : null;
}

/** The full host part of an email address, lower-cased; null when it isn't an address. */
export function domainOfEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const m = /^[^@\s]+@([^@\s]+)$/.exec(email.trim().toLowerCase());
  if (!m?.[1]) return null;
  const host = m[1].replace(/\.+$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/** True when the email (or domain) belongs to a free-mail provider. */
export function isPersonalDomain(emailOrDomain: string): boolean {
  const host = emailOrDomain.includes('@') ? domainOfEmail(emailOrDomain) : emailOrDomain.toLowerCase();
  if (!host) return false;
  return PERSONAL_EMAIL_DOMAINS.has(host) || PERSONAL_EMAIL_DOMAINS.has(normalizeDomain(host) ?? '');
}

/** An account a person could belong to. `domain` may be a website; it is normalized here. */
export interface AccountCandidate {
  accountId: string;
  name: string;
  domain: string | null;
  contactCount: number;
}

/** How a person was matched to an account, stored on the person (and later the Lead). */
export interface AccountMatch {
  accountId: string;
  /** 'email_domain' (host equals the account domain) or 'email_subdomain' (a subdomain of it). */
  method: 'email_domain' | 'email_subdomain';
  /** 0–1: 0.95 exact, 0.85 subdomain; lower when several accounts share the domain. */
  confidence: number;
}

const STOP_WORDS = new Set([
  'inc',
  'llc',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'gmbh',
  'plc',
  'sa',
  'ag',
  'the',
  'group',
  'company',
  'holdings',
]);

function nameTokens(name: string): Set<string> {
  return new Set(
    name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 0 && !STOP_WORDS.has(t)),
  );
}

/** Jaccard similarity of company-name words, ignoring legal suffixes ("Acme, Inc." ≈ "ACME"). */
export function companyNameSimilarity(a: string, b: string): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / (ta.size + tb.size - common);
}

/**
 * Candidates indexed by host and by registrable domain, so matching many people against many
 * accounts is a lookup, not a scan. Build once per load.
 */
export class DomainIndex {
  private readonly byHost = new Map<string, AccountCandidate[]>();
  private readonly byRegistrable = new Map<string, AccountCandidate[]>();

  constructor(candidates: readonly AccountCandidate[]) {
    for (const c of candidates) {
      const h = normalizeHost(c.domain);
      if (!h) continue;
      push(this.byHost, h, c);
      const r = normalizeDomain(h);
      if (r) push(this.byRegistrable, r, c);
    }
  }

  /** Accounts on exactly this host, and accounts on any host under the same registrable domain. */
  lookup(host: string): { exact: AccountCandidate[]; related: AccountCandidate[] } {
    const r = normalizeDomain(host);
    return { exact: this.byHost.get(host) ?? [], related: r ? (this.byRegistrable.get(r) ?? []) : [] };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * Picks the account a person belongs to from their email's domain. Exact host matches beat
 * subdomain matches; when several accounts share the domain, the one with most contacts
 * wins, then the closest company name, then the smallest id (deterministic). Personal
 * email domains and unparseable addresses give null.
 */
export function matchAccountByDomain(
  candidates: readonly AccountCandidate[] | DomainIndex,
  email: string | null | undefined,
  company?: string | null,
): AccountMatch | null {
  const host = domainOfEmail(email);
  return host ? matchAccountByHost(candidates, host, company) : null;
}

/** Like matchAccountByDomain, for a bare host or website (an event's or a web visitor's domain). */
export function matchAccountByHost(
  candidates: readonly AccountCandidate[] | DomainIndex,
  hostOrWebsite: string,
  company?: string | null,
): AccountMatch | null {
  const host = normalizeHost(hostOrWebsite);
  if (!host || isPersonalDomain(host)) return null;
  const index = candidates instanceof DomainIndex ? candidates : new DomainIndex(candidates);
  const { exact, related } = index.lookup(host);
  const pool = exact.length > 0 ? exact : related;
  if (pool.length === 0) return null;
  const ranked = [...pool].sort(
    (a, b) =>
      b.contactCount - a.contactCount ||
      (company ? companyNameSimilarity(company, b.name) - companyNameSimilarity(company, a.name) : 0) ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
  const best = ranked[0];
  if (!best) return null;
  const base = exact.length > 0 ? 0.95 : 0.85;
  const confidence = pool.length === 1 ? base : base - 0.25;
  return { accountId: best.accountId, method: exact.length > 0 ? 'email_domain' : 'email_subdomain', confidence };
}
