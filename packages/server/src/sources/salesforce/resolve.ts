/**
 * Set-based steps run after every pull (and safe to repeat): history follows converted and
 * merged people, unconverted leads are matched to accounts by email domain, every
 * Salesforce event gets its account (its own, else its person's), events of deleted records stop
 * counting, and a campaign response counts once per person. The statements are in
 * store/salesforceResolution.ts; the lead matching is decided here.
 */
import { domainOfEmail, matchAccountByDomain, normalizeDomain, type AccountCandidate } from '../../identity/domain';
import type { Db } from '../../store/db';
import {
  dedupeCampaignResponses,
  excludeDeletedRecords,
  followMergedPeople,
  leadMatchCandidates,
  leadsToMatch,
  resolveEventAccounts,
  saveLeadMatches,
  type LeadMatch,
} from '../../store/salesforceResolution';
import { SOURCE } from './records';

/**
 * Matches unconverted leads without a Salesforce account to an account by email domain
 * (identity/matchAccountByDomain: personal mail ignored, subdomains handled, most contacts
 * then company name wins). Leads are never converted; only method and confidence are stored.
 */
export async function matchOrphanLeads(db: Db, orgId: string): Promise<number> {
  // matchAccountByDomain only ever picks among accounts of the email's registrable domain, so
  // index candidates by it once instead of scanning every account for every lead.
  const byDomain = new Map<string, AccountCandidate[]>();
  for (const c of await leadMatchCandidates(db, orgId)) {
    const d = normalizeDomain(c.domain);
    if (!d) continue;
    const list = byDomain.get(d);
    if (list) list.push(c);
    else byDomain.set(d, [c]);
  }
  const matches: LeadMatch[] = [];
  for (const l of await leadsToMatch(db, orgId)) {
    const host = domainOfEmail(l.email);
    const pool = host ? (byDomain.get(normalizeDomain(host) ?? '') ?? []) : [];
    const company = l.company && l.company !== '[not provided]' ? l.company : null;
    const m = pool.length > 0 ? matchAccountByDomain(pool, l.email, company) : null;
    matches.push({
      id: l.id,
      accountId: m?.accountId ?? null,
      method: m?.method ?? null,
      confidence: m?.confidence ?? null,
    });
  }
  return saveLeadMatches(db, orgId, matches);
}

/** All post-pull steps in order; returns what each changed. */
export async function resolveAll(db: Db, orgId: string): Promise<Record<string, number>> {
  const followed = await followMergedPeople(db, orgId, SOURCE);
  const matched = await matchOrphanLeads(db, orgId);
  const resolved = await resolveEventAccounts(db, orgId, SOURCE);
  const deleted = await excludeDeletedRecords(db, orgId);
  const duplicates = await dedupeCampaignResponses(db, orgId, SOURCE);
  return { followed, matched, resolved, deleted, duplicates };
}
