/**
 * Set-based steps run after every MAP pull (and safe to repeat, e.g. after a Salesforce pull brings
 * the people a MAP named): match MAP people to Salesforce people by CRM id, then email; count the
 * rest for the account of their email's domain (the orphan-lead rules); point every MAP event at
 * its matched person and account; and set aside bot opens and clicks.
 */
import { DomainIndex, matchAccountByDomain } from '../../identity/domain';
import type { Db } from '../../store/db';
import { listAccountDomains } from '../../store/accounts';
import {
  countBotEvents,
  countMapPeopleByMatch,
  flagBotEvents,
  listUnmatchedMapPeople,
  matchMapPeople,
  repointMapEvents,
  setDomainMatches,
} from '../../store/mapResolution';
import { excludeDeletedRecords } from '../../store/salesforceResolution';
import { MAP_SOURCES } from './types';

/** Opens and clicks this soon after the send of the same email are a mail scanner, not a person. */
export const BOT_WINDOW_SECONDS = 60;

/** What one resolve changed and where the MAP people stand. */
export interface MapResolution {
  matchedByCrmId: number;
  matchedByEmail: number;
  matchedByDomain: number;
  unmatched: number;
  eventsRepointed: number;
  bot: number;
}

const SOURCES = [...MAP_SOURCES];

/** Unmatched MAP people with a company email domain count for that domain's account. */
async function matchByDomain(db: Db, orgId: string): Promise<void> {
  const index = new DomainIndex(await listAccountDomains(db, orgId));
  const people = await listUnmatchedMapPeople(db, orgId, SOURCES);
  await setDomainMatches(
    db,
    orgId,
    people.map((p) => {
      const m = matchAccountByDomain(index, p.email, p.company);
      return {
        id: p.id,
        accountId: m?.accountId ?? null,
        method: m?.method ?? null,
        confidence: m?.confidence ?? null,
      };
    }),
  );
}

/** Runs every MAP resolve step for an org; returns the counts a run reports. */
export async function resolveMapPeople(db: Db, orgId: string): Promise<MapResolution> {
  await matchMapPeople(db, orgId, SOURCES);
  await matchByDomain(db, orgId);
  const eventsRepointed = await repointMapEvents(db, orgId, SOURCES);
  // Security scanners fetch every link on delivery: their opens and clicks stay in the receipt, set aside.
  await flagBotEvents(db, orgId, SOURCES, BOT_WINDOW_SECONDS);
  // A re-pulled event arrives without its reason: events on deleted Salesforce records are set aside again.
  await excludeDeletedRecords(db, orgId);
  const counts = await countMapPeopleByMatch(db, orgId, SOURCES);
  const out: MapResolution = {
    matchedByCrmId: 0,
    matchedByEmail: 0,
    matchedByDomain: 0,
    unmatched: 0,
    eventsRepointed,
    bot: 0,
  };
  for (const row of counts) {
    if (!row.linked) out.unmatched += row.n;
    else if (row.method === 'crm_id') out.matchedByCrmId += row.n;
    else if (row.method === 'email') out.matchedByEmail += row.n;
    else out.matchedByDomain += row.n;
  }
  out.bot = await countBotEvents(db, orgId, SOURCES);
  return out;
}
