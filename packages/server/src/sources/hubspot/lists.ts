/**
 * HubSpot contact lists (Lists v3): PUT /crm/v3/lists/{listId}/memberships/add and /remove with a
 * JSON array of record ids. Records that do not exist come back in `recordIdsMissing`; records
 * already members (or, on a remove, already out) are ignored, which is success for Pulse. Only
 * MANUAL and SNAPSHOT lists can be changed.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/lists/memberships/add-to-list
 */
import { z } from 'zod';
import { emptyListResult, type ListCallResult, type ListRemoval, type MapListClient } from '../map/lists';
import { MapSourceError, type MapConnectionConfig } from '../map/types';
import { HubspotClient, type HubspotClientOptions } from './client';
import { resolveHubspot, validateHubspot } from './config';

/**
 * Record ids per call. The docs name no limit for this endpoint; Pulse keeps each request (≈ 15
 * bytes an id) small enough that a retried one costs little.
 */
export const HUBSPOT_IDS_PER_CALL = 10_000;

// The v3 reference spells the added field `recordsIdsAdded`; the newer date-versioned API `recordIdsAdded`.
const MembershipAnswer = z.object({
  recordIdsMissing: z.array(z.coerce.string()).default([]),
  recordIdsRemoved: z.array(z.coerce.string()).optional(),
  recordsIdsAdded: z.array(z.coerce.string()).optional(),
  recordIdsAdded: z.array(z.coerce.string()).optional(),
});

/** What a list client needs besides the connection. */
export type HubspotListDeps = Omit<HubspotClientOptions, 'baseUrl' | 'auth'>;

/** HubSpot's contact lists through a signed-in client. */
export class HubspotLists implements MapListClient {
  readonly source = 'hubspot' as const;
  constructor(private readonly client: HubspotClient) {}

  add(listId: string, memberIds: string[]): Promise<ListCallResult> {
    return this.change('add', listId, memberIds);
  }

  remove(listId: string, members: ListRemoval[]): Promise<ListCallResult> {
    return this.change(
      'remove',
      listId,
      members.map((m) => m.memberId),
    );
  }

  private async change(op: 'add' | 'remove', listId: string, ids: string[]): Promise<ListCallResult> {
    const out = emptyListResult();
    for (let i = 0; i < ids.length; i += HUBSPOT_IDS_PER_CALL) {
      const batch = ids.slice(i, i + HUBSPOT_IDS_PER_CALL);
      const raw = await this.client.put(`/crm/v3/lists/${encodeURIComponent(listId)}/memberships/${op}`, batch);
      const parsed = MembershipAnswer.safeParse(raw);
      if (!parsed.success)
        throw new MapSourceError(
          'hubspot',
          'MALFORMED',
          `list ${listId} ${op}: the answer has no recordIdsMissing array`,
          'malformed',
        );
      const missing = new Set(parsed.data.recordIdsMissing);
      for (const id of batch) {
        if (missing.has(id)) out.unknown.push(id);
        else out.done.push({ memberId: id });
      }
    }
    return out;
  }
}

/** The contact lists of the HubSpot portal a connection names. */
export function hubspotLists(config: MapConnectionConfig, deps: HubspotListDeps): HubspotLists {
  const c = resolveHubspot(validateHubspot(config));
  return new HubspotLists(new HubspotClient({ ...deps, baseUrl: c.baseUrl, auth: c.auth }));
}
