/**
 * Account Engagement (Pardot) lists through the v5 List Membership object: a create
 * (POST /api/v5/objects/list-memberships with `{listId, prospectId}`) per prospect added, a delete
 * (DELETE /api/v5/objects/list-memberships/{id}) per prospect removed, and a query
 * (GET …?listId=&prospectId=) to find a membership Pulse did not create or did not get the id of.
 * https://developer.salesforce.com/docs/marketing/pardot/guide/list-membership-v5.html
 *
 * v5 has no batch membership call: one call per person, paced by the client's retries on 66
 * (concurrency) and 202 (per minute).
 */
import { z } from 'zod';
import type { SalesforceAuth } from '../../config';
import { PulseError } from '../../errors';
import { fetchToken } from '../salesforce/connection';
import { emptyListResult, type ListCallResult, type ListRemoval, type MapListClient } from '../map/lists';
import { MapSourceError, type MapConnectionConfig } from '../map/types';
import { PardotClient, type PardotClientOptions } from './client';
import { parseSettings } from './connector';

const PATH = '/api/v5/objects/list-memberships';
const Membership = z.object({
  id: z.number().int(),
  listId: z.number().int().optional(),
  prospectId: z.number().int().optional(),
});
const Query = z.object({ values: z.array(Membership).default([]) });

/** Pardot's lists through a signed-in client. */
export class PardotLists implements MapListClient {
  readonly source = 'pardot' as const;
  constructor(private readonly client: PardotClient) {}

  async add(listId: string, memberIds: string[]): Promise<ListCallResult> {
    const out = emptyListResult();
    for (const prospectId of memberIds) {
      try {
        const res = await this.client.send('POST', this.client.url(PATH, { fields: 'id,listId,prospectId' }), {
          listId: Number(listId),
          prospectId: Number(prospectId),
        });
        const m = Membership.safeParse(res.body);
        out.done.push({ memberId: prospectId, membershipId: m.success ? String(m.data.id) : null });
      } catch (e) {
        if (!(e instanceof MapSourceError) || e.kind !== 'http') throw e;
        // Refused: already a member (someone else added them, or a create that had arrived was resent)?
        const existing = await this.find(listId, prospectId);
        if (existing !== null) out.done.push({ memberId: prospectId, membershipId: existing });
        else out.refused.push({ memberId: prospectId, reason: e.message });
      }
    }
    return out;
  }

  async remove(listId: string, members: ListRemoval[]): Promise<ListCallResult> {
    const out = emptyListResult();
    for (const m of members) {
      const id = m.membershipId ?? (await this.find(listId, m.memberId));
      if (id === null) {
        out.done.push({ memberId: m.memberId }); // not in the list: already out
        continue;
      }
      try {
        await this.client.send('DELETE', `${this.client.url(`${PATH}/${encodeURIComponent(id)}`, {})}`);
        out.done.push({ memberId: m.memberId });
      } catch (e) {
        if (!(e instanceof MapSourceError) || e.kind !== 'http') throw e;
        // Deleted meanwhile (404): out either way. Anything else: say so, try again next push.
        if ((await this.find(listId, m.memberId)) === null) out.done.push({ memberId: m.memberId });
        else out.refused.push({ memberId: m.memberId, reason: e.message });
      }
    }
    return out;
  }

  /** The id of the prospect's membership of the list, or null. */
  private async find(listId: string, prospectId: string): Promise<string | null> {
    const res = await this.client.get(this.client.url(PATH, { fields: 'id', listId, prospectId }));
    const q = Query.safeParse(res.body);
    const first = q.success ? q.data.values[0] : undefined;
    return first ? String(first.id) : null;
  }
}

/** What a list client needs besides the connection and the Salesforce sign-in. */
export type PardotListDeps = Omit<PardotClientOptions, 'baseUrl' | 'businessUnitId' | 'token'>;

/** The lists of the business unit a connection names, signing in with the org's Salesforce connection. */
export function pardotLists(
  config: MapConnectionConfig,
  salesforce: SalesforceAuth | null,
  deps: PardotListDeps,
): PardotLists {
  if (!salesforce)
    throw new PulseError(
      'PARDOT_NO_SALESFORCE',
      'Pardot signs in with the org’s Salesforce connection, and none is configured',
      { source: 'pardot' },
    );
  const s = parseSettings(config.settings);
  let token: string | null = null;
  return new PardotLists(
    new PardotClient({
      ...deps,
      baseUrl: s.baseUrl,
      businessUnitId: s.businessUnitId,
      token: async (fresh) => {
        if (fresh || !token) token = (await fetchToken(salesforce, deps.fetch)).accessToken;
        return token;
      },
    }),
  );
}
