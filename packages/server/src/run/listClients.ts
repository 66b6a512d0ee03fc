/**
 * The MAP list clients a push of the map-list rules uses, one per source, opened on first use with
 * the org's MAP connection as the pull finds it (null when the org has none). Shared by the daily
 * run's actions stage and `pulse actions run`.
 */
import type { Config, SalesforceAuth } from '../config';
import { mapListClient } from '../actions/mapLists';
import type { MapListClient } from '../sources/map/lists';
import { mapConnectionFor } from '../sources/map/sync';
import type { MapSourceName } from '../sources/map/types';
import { realSleep } from '../sources/retry';
import { signInFor } from '../sources/salesforce/signIn';
import type { Db } from '../store/db';

/** What opening a list client needs (tests pass the emulators' network and instant sleeps). */
export interface ListClientDeps {
  db: Db;
  orgId: string;
  config: Pick<Config, 'maps' | 'salesforce' | 'secretKeys'>;
  /** Pardot's list calls sign in to Salesforce; the run's sign-in when it has one. */
  salesforce?: SalesforceAuth;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now(): Date;
}

/** `clientFor(source)` for pushRuleLists: each source's client opened once. */
export function listClientsFor(deps: ListClientDeps): (source: MapSourceName) => Promise<MapListClient | null> {
  const clients = new Map<MapSourceName, MapListClient | null>();
  return async (source) => {
    if (!clients.has(source)) {
      const config = await mapConnectionFor(deps.db, deps.orgId, source, deps.config.maps, deps.config.secretKeys);
      const salesforce =
        source === 'pardot' ? (deps.salesforce ?? (await signInFor(deps.db, deps.orgId, deps.config))) : null;
      clients.set(
        source,
        config &&
          mapListClient(source, config, {
            fetch: deps.fetch ?? fetch,
            sleep: deps.sleep ?? realSleep,
            random: deps.random,
            // MAP calls: not the Salesforce API budget the run counts.
            countCall: () => undefined,
            now: () => deps.now().getTime(),
            salesforce,
          }),
      );
    }
    return clients.get(source)!;
  };
}
