/**
 * MAP list membership: a Marketo static list, a HubSpot static list or a Pardot list holds the people
 * of the accounts a rule matches today. Only the difference from what Pulse last put there is sent
 * (store/listMembers.ts): people of newly matching accounts are added, people Pulse added whose
 * account no longer matches are removed, and a re-run with the same accounts sends nothing. People
 * someone else put in the list are never removed.
 *
 * What was done is stored after each call returns, so a push that stops half way (a vendor error
 * thrown to the caller) resumes with what is left; adds and removes are idempotent at every vendor.
 */
import { z } from 'zod';
import { log } from '../log';
import type { Db } from '../store/db';
import { deleteListMembers, mapPeopleOfAccounts, readListMembers, saveListMembers } from '../store/listMembers';
import type { ListCallResult, MapListClient } from '../sources/map/lists';
import { MAP_SOURCES, type MapConnectionConfig, type MapSourceName } from '../sources/map/types';
import { hubspotLists } from '../sources/hubspot/lists';
import { marketoLists } from '../sources/marketo/lists';
import { pardotLists } from '../sources/pardot/lists';
import type { SalesforceAuth } from '../config';

/** A rule's list destination: which MAP and which of its lists. */
export const MapListSettings = z
  .object({
    source: z.enum(MAP_SOURCES),
    /** The vendor's list id (Marketo static list id, HubSpot ILS list id, Pardot list id). */
    listId: z.string().trim().min(1, 'required: the list id in the MAP'),
  })
  .strict();
export type MapListSettings = z.infer<typeof MapListSettings>;

/** What one push did. */
export interface ListPushResult {
  source: MapSourceName;
  listId: string;
  /** People wanted in the list today. */
  wanted: number;
  added: number;
  removed: number;
  /** People already in the list as Pulse left it: nothing sent for them. */
  unchanged: number;
  /** People the MAP does not know any more (not added; forgotten when removed). */
  unknown: string[];
  /** People the MAP refused, with its words (tried again next push). */
  refused: { memberId: string; reason: string }[];
}

/** Options of one push. */
export interface PushListOptions {
  db: Db;
  orgId: string;
  list: MapListSettings;
  /** The accounts the rule matches today (all of them, not only today's changes). */
  accountIds: string[];
  /** The MAP's list API (from `mapListClient`), signed in with the org's connection. */
  client: MapListClient;
}

/** Adds and removes people so the list holds exactly the people of `accountIds` Pulse manages. */
export async function pushListMembership(opts: PushListOptions): Promise<ListPushResult> {
  const { db, orgId, list, client } = opts;
  if (client.source !== list.source)
    throw new Error(`pushListMembership: a ${client.source} client cannot push to a ${list.source} list`);
  const ref = { source: list.source, listId: list.listId };
  const wanted = new Map(
    (await mapPeopleOfAccounts(db, orgId, list.source, [...new Set(opts.accountIds)])).map((p) => [p.memberId, p]),
  );
  const stored = await readListMembers(db, orgId, ref);
  const adds = [...wanted.keys()].filter((id) => !stored.has(id));
  const removes = [...stored.values()].filter((m) => !wanted.has(m.memberId));
  // Moved to another matching account: no call, only the stored account changes.
  const moved = [...stored.values()].filter(
    (m) => wanted.has(m.memberId) && wanted.get(m.memberId)!.accountId !== m.accountId,
  );
  const result: ListPushResult = {
    source: list.source,
    listId: list.listId,
    wanted: wanted.size,
    added: 0,
    removed: 0,
    unchanged: wanted.size - adds.length,
    unknown: [],
    refused: [],
  };
  const note = (r: ListCallResult) => {
    result.unknown.push(...r.unknown);
    result.refused.push(...r.refused);
  };
  if (moved.length > 0)
    await saveListMembers(
      db,
      orgId,
      ref,
      moved.map((m) => ({ ...m, accountId: wanted.get(m.memberId)!.accountId })),
    );
  if (removes.length > 0) {
    const r = await client.remove(list.listId, removes);
    await deleteListMembers(db, orgId, ref, [...r.done.map((d) => d.memberId), ...r.unknown]);
    result.removed = r.done.length;
    note(r);
  }
  if (adds.length > 0) {
    const r = await client.add(list.listId, adds);
    await saveListMembers(
      db,
      orgId,
      ref,
      r.done.map((d) => ({
        memberId: d.memberId,
        accountId: wanted.get(d.memberId)?.accountId ?? null,
        membershipId: d.membershipId ?? null,
      })),
    );
    result.added = r.done.length;
    note(r);
  }
  log.child({ org: orgId, source: list.source, list: list.listId }).info(
    {
      wanted: result.wanted,
      added: result.added,
      removed: result.removed,
      unknown: result.unknown.length,
      refused: result.refused.length,
    },
    'MAP list membership pushed',
  );
  return result;
}

/** What a MAP list client needs from outside: the network, waits, a call counter, and for Pardot the Salesforce sign-in. */
export interface MapListDeps {
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  /** The retries' jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  countCall(): void;
  /** Milliseconds now, for token expiry (default Date.now). */
  now?: () => number;
  /** Pardot signs in with the org's Salesforce connection. */
  salesforce?: SalesforceAuth | null;
}

/** The list API of an org's connection to `source` (its configuration as `mapConnectionFor` gives it). */
export function mapListClient(source: MapSourceName, config: MapConnectionConfig, deps: MapListDeps): MapListClient {
  const common = { fetch: deps.fetch, sleep: deps.sleep, random: deps.random, countCall: deps.countCall };
  switch (source) {
    case 'marketo':
      return marketoLists(config, { ...common, clock: deps.now });
    case 'hubspot':
      return hubspotLists(config, { ...common, now: deps.now ?? Date.now });
    case 'pardot':
      return pardotLists(config, deps.salesforce ?? null, common);
  }
}
