/**
 * Marketo static lists: POST (add) and DELETE (remove) /rest/v1/lists/{listId}/leads.json, at most
 * 300 lead ids per call, each id's status in `result`: `added`, `removed`, or `skipped` with reasons
 * (1004 lead not found; 1015 lead not in list, on a remove: already out).
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/list-membership
 */
import { emptyListResult, type ListCallResult, type ListRemoval, type MapListClient } from '../map/lists';
import type { MapConnectionConfig } from '../map/types';
import { LEADS_PER_CALL, MarketoClient, type MarketoClientOptions } from './client';
import { validateMarketoConfig } from './connector';

/** What a list client needs besides the connection: the network, the clock for waits, a call counter. */
export type MarketoListDeps = Omit<MarketoClientOptions, 'baseUrl' | 'clientId' | 'clientSecret'>;

const NOT_FOUND = '1004';
const NOT_IN_LIST = '1015';

/** Marketo's static lists through a signed-in client. */
export class MarketoLists implements MapListClient {
  readonly source = 'marketo' as const;
  constructor(private readonly client: MarketoClient) {}

  add(listId: string, memberIds: string[]): Promise<ListCallResult> {
    return this.change('POST', listId, memberIds);
  }

  remove(listId: string, members: ListRemoval[]): Promise<ListCallResult> {
    return this.change(
      'DELETE',
      listId,
      members.map((m) => m.memberId),
    );
  }

  private async change(method: 'POST' | 'DELETE', listId: string, memberIds: string[]): Promise<ListCallResult> {
    const out = emptyListResult();
    const ids = memberIds.map(Number);
    for (let i = 0; i < ids.length; i += LEADS_PER_CALL) {
      for (const r of await this.client.listMembership(method, listId, ids.slice(i, i + LEADS_PER_CALL))) {
        const memberId = String(r.id);
        const codes = (r.reasons ?? []).map((x) => x.code);
        if (r.status === 'added' || r.status === 'removed') out.done.push({ memberId });
        else if (method === 'DELETE' && codes.includes(NOT_IN_LIST)) out.done.push({ memberId });
        else if (codes.includes(NOT_FOUND)) out.unknown.push(memberId);
        else
          out.refused.push({
            memberId,
            reason: (r.reasons ?? []).map((x) => `${x.code} ${x.message ?? ''}`.trim()).join('; ') || r.status,
          });
      }
    }
    return out;
  }
}

/** The static lists of the Marketo instance a connection names (validated as the pull validates it). */
export function marketoLists(config: MapConnectionConfig, deps: MarketoListDeps): MarketoLists {
  const c = validateMarketoConfig(config);
  return new MarketoLists(
    new MarketoClient({
      ...deps,
      baseUrl: c.settings.baseUrl ?? '',
      clientId: c.settings.clientId ?? '',
      clientSecret: c.secrets.clientSecret ?? '',
    }),
  );
}
