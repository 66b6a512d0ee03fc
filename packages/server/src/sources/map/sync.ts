/**
 * One pull of one marketing-automation source for one org: resume from the stored checkpoint,
 * store each page with its checkpoint in one transaction, then match people and flag bots. A run
 * stopped anywhere (crash, quota, API error) resumes from the checkpoint next time and, since every
 * store is an upsert, counts nothing twice.
 */
import type { MapVariables, SalesforceAuth, SecretKeys } from '../../config';
import { PulseError, ValidationError } from '../../errors';
import { log } from '../../log';
import type { Db } from '../../store/db';
import { listMapSources, loadMapConnection } from '../../store/mapConnections';
import { ensureOrg } from '../../store/orgs';
import { getCheckpoint, resetCheckpoint, saveCheckpoint } from '../../store/checkpoints';
import { startRun, updateRun } from '../../store/runs';
import { finishPull, type PullOutcome } from '../pull';
import { storeMapPage } from './load';
import { MAP_CONNECTORS } from './registry';
import { resolveMapPeople, type MapResolution } from './resolve';
import { MAP_SOURCES, MapSourceError, type MapConnectionConfig, type MapConnector, type MapSourceName } from './types';
import { realSleep, timedFetch } from '../retry';

/** Options of one MAP pull. */
export interface MapSyncOptions {
  db: Db;
  orgId: string;
  connector: MapConnector;
  /** The run's clock (default: now). */
  now?: Date;
  /** Forget the checkpoint and pull from `firstPullDays` ago. */
  full?: boolean;
  /** How far back a first pull reaches (default 180 days: the score's window plus its trend). */
  firstPullDays?: number;
  fetch?: typeof fetch;
  /** How long one vendor call may take before it is a network error (default CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called after each stored page (tests use it to crash between pages). */
  afterPage?: (page: number) => void | Promise<void>;
  onProgress?: (p: { source: MapSourceName; pages: number; activities: number; apiCalls: number }) => void;
}

/** What one MAP pull did; a `partial` pull has reason `quota` (the vendor's daily allowance was spent). */
export interface MapSyncResult extends PullOutcome {
  runId: number;
  source: MapSourceName;
  counts: { pages: number; people: number; activities: number } & Omit<MapResolution, 'eventsRepointed'>;
  apiCalls: { total: number };
  error?: string;
}

/** The stream a source's checkpoint is kept under. */
export function checkpointKey(source: MapSourceName): string {
  return `map:${source}`;
}

/** The counts of a pull that has stored nothing yet. */
function noCounts(): MapSyncResult['counts'] {
  return {
    pages: 0,
    people: 0,
    activities: 0,
    matchedByCrmId: 0,
    matchedByEmail: 0,
    matchedByDomain: 0,
    unmatched: 0,
    bot: 0,
  };
}

/** Pulls one source for one org and records the run (kind `sync:<source>`); never throws for vendor errors. */
export async function syncMapSource(opts: MapSyncOptions): Promise<MapSyncResult> {
  const { db, orgId, connector } = opts;
  const source = connector.source;
  await ensureOrg(db, orgId);
  const start = { full: opts.full ?? false };
  const runId = await startRun(db, orgId, `sync:${source}`, start);
  let calls = 0;
  const counts = noCounts();
  let outcome: PullOutcome = { status: 'succeeded' };
  let error: string | undefined;
  const errors: Array<Record<string, unknown>> = [];
  try {
    if (opts.full) await resetCheckpoint(db, orgId, checkpointKey(source));
    const since = await getCheckpoint(db, orgId, checkpointKey(source));
    const pages = connector.pull({
      orgId,
      since,
      now: opts.now ?? new Date(),
      firstPullDays: opts.firstPullDays ?? 180,
      countCall: () => {
        calls++;
      },
      fetch: timedFetch(opts.fetch ?? fetch, opts.callTimeoutMs),
      sleep: opts.sleep ?? realSleep,
    });
    try {
      for await (const page of pages) {
        await db.transaction(async (tx) => {
          await storeMapPage(tx, orgId, source, page);
          await saveCheckpoint(tx, orgId, checkpointKey(source), page.checkpoint, page.activities.length);
        });
        counts.pages++;
        counts.people += page.people.length;
        counts.activities += page.activities.length;
        opts.onProgress?.({ source, pages: counts.pages, activities: counts.activities, apiCalls: calls });
        await updateRun(db, orgId, runId, { counts, apiCalls: { total: calls } });
        await opts.afterPage?.(counts.pages - 1);
      }
    } catch (e) {
      if (!(e instanceof MapSourceError && e.kind === 'quota')) throw e;
      // The vendor's daily allowance is spent: keep what was stored, resume from the checkpoint.
      outcome = { status: 'partial', reason: 'quota' };
      error = e.message;
      errors.push({ code: e.code, kind: e.kind, message: e.message });
    }
    // Local and idempotent: also after a quota stop, so what was stored is attributed.
    const { eventsRepointed: _repointed, ...resolution } = await resolveMapPeople(db, orgId);
    Object.assign(counts, resolution);
  } catch (e) {
    outcome = { status: 'failed' };
    error = e instanceof Error ? e.message : String(e);
    errors.push(errorEntry(e));
    log.warn({ org: orgId, source, runId, err: error }, 'MAP sync failed');
  }
  await finishPull(db, orgId, { id: runId, state: start }, outcome, { counts, apiCalls: { total: calls }, errors });
  return { runId, source, ...outcome, counts, apiCalls: { total: calls }, ...(error ? { error } : {}) };
}

function errorEntry(e: unknown): Record<string, unknown> {
  if (e instanceof MapSourceError) return { code: e.code, kind: e.kind, message: e.message };
  if (e instanceof PulseError) return { code: e.code, message: e.message, context: e.context };
  return { code: 'ERROR', message: e instanceof Error ? e.message : String(e) };
}

/** Reads a source name from user input; an unknown one is a ValidationError listing the known ones. */
export function parseMapSource(name: string): MapSourceName {
  if ((MAP_SOURCES as readonly string[]).includes(name)) return name as MapSourceName;
  throw new ValidationError('source', [
    { path: 'source', message: `unknown source "${name}": use one of salesforce, ${MAP_SOURCES.join(', ')}` },
  ]);
}

/** Where a source's configuration comes from: its environment variables win over the stored connection. */
export async function mapConnectionFor(
  db: Db,
  orgId: string,
  source: MapSourceName,
  maps: MapVariables,
  keys: SecretKeys | null,
): Promise<MapConnectionConfig | null> {
  const factory = MAP_CONNECTORS[source];
  const fromEnv = factory.fromEnv(maps);
  if (fromEnv) return factory.validate(fromEnv);
  const stored = await loadMapConnection(db, orgId, source, keys);
  return stored ? factory.validate({ settings: stored.settings, secrets: stored.secrets }) : null;
}

/** The sources configured for an org (by environment or stored, with or without a key to read them), in MAP_SOURCES order. */
export async function configuredMapSources(db: Db, orgId: string, maps: MapVariables): Promise<MapSourceName[]> {
  const stored = new Set(await listMapSources(db, orgId));
  return MAP_SOURCES.filter((s) => stored.has(s) || MAP_CONNECTORS[s].fromEnv(maps) !== null);
}

/** Options of a pull of every configured MAP source. */
export interface MapSourcesOptions extends Omit<MapSyncOptions, 'connector'> {
  /** The MAP variables of the configuration. */
  maps: MapVariables;
  /** The keys stored connections are sealed with (null: none set, so a stored connection fails its pull). */
  secretKeys: SecretKeys | null;
  /** The org's Salesforce sign-in (Pardot needs it). */
  salesforce: SalesforceAuth | null;
  /** Only these sources (default: every configured one). */
  only?: readonly MapSourceName[];
}

/**
 * Pulls every MAP source configured for the org, one after the other; [] when none is. A stored
 * connection that cannot be read (no key, or not the key it was sealed with) fails that source's
 * pull, recorded and named, and the others still run.
 */
export async function syncMapSources(opts: MapSourcesOptions): Promise<MapSyncResult[]> {
  const sources = opts.only ?? (await configuredMapSources(opts.db, opts.orgId, opts.maps));
  const results: MapSyncResult[] = [];
  for (const source of sources) {
    let config: MapConnectionConfig | null;
    try {
      config = await mapConnectionFor(opts.db, opts.orgId, source, opts.maps, opts.secretKeys);
    } catch (e) {
      if (!(e instanceof PulseError && UNREADABLE.has(e.code))) throw e;
      results.push(await unreadablePull(opts, source, e));
      continue;
    }
    if (!config) {
      throw new PulseError(
        'MAP_NOT_CONFIGURED',
        `no ${source} connection for org ${opts.orgId}: set its environment variables or run \`pulse connect ${source}\``,
        { org: opts.orgId, source },
      );
    }
    const connector = MAP_CONNECTORS[source].create(config, { salesforce: opts.salesforce });
    results.push(await syncMapSource({ ...opts, connector }));
  }
  return results;
}

/** The errors of a stored connection Pulse cannot read. */
const UNREADABLE = new Set(['SECRET_UNREADABLE', 'SECRET_KEY_MISSING']);

/** Records the pull of a source whose stored connection cannot be read: failed, with the error naming it. */
async function unreadablePull(opts: MapSourcesOptions, source: MapSourceName, e: PulseError): Promise<MapSyncResult> {
  await ensureOrg(opts.db, opts.orgId);
  const state = { full: opts.full ?? false };
  const runId = await startRun(opts.db, opts.orgId, `sync:${source}`, state);
  const counts = noCounts();
  await finishPull(
    opts.db,
    opts.orgId,
    { id: runId, state },
    { status: 'failed' },
    {
      counts,
      apiCalls: { total: 0 },
      errors: [errorEntry(e)],
    },
  );
  log.warn({ org: opts.orgId, source, runId, err: e.message }, 'MAP connection unreadable');
  return { runId, source, status: 'failed', counts, apiCalls: { total: 0 }, error: e.message };
}
