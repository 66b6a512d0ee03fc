/**
 * The contract between the marketing-automation connectors (Marketo, HubSpot, Pardot) and the
 * shared MAP sync: a connector only speaks its vendor's API and yields pages of people and
 * activities already mapped to Pulse's vocabulary; storing, identity matching, bot flagging,
 * checkpoints and run records are done once, in sources/map/.
 */
import type { MapVariables, SalesforceAuth } from '../../config';
import type { ActivityType } from '../../model/schema';
import type { Checkpoint } from '../../store/checkpoints';

/** The marketing-automation platforms Pulse pulls from. */
export const MAP_SOURCES = ['marketo', 'hubspot', 'pardot'] as const;
export type MapSourceName = (typeof MAP_SOURCES)[number];

/** A person as the MAP knows them, with the Salesforce ids it keeps after its CRM sync. */
export interface MapPerson {
  /** The vendor's id (Marketo lead id, HubSpot contact id, Pardot prospect id). */
  id: string;
  email: string | null;
  name: string;
  title: string | null;
  /** Department as the MAP stores it, when it does (wins over the title's). */
  department?: string | null;
  company: string | null;
  /** The Salesforce Lead or Contact id the MAP synced this person with, if any. */
  crmId: string | null;
  /** The Salesforce Account id, when the MAP knows it. */
  crmAccountId: string | null;
}

/** One activity, already mapped to a Pulse activity type. */
export interface MapActivity {
  /** Unique within the source (the vendor's activity/event id, or a stable composite). */
  id: string;
  /** The vendor person id (MapPerson.id) the activity belongs to. */
  personId: string;
  type: ActivityType;
  occurredAt: Date;
  url: string | null;
  /** The vendor's own name/code for the activity type, kept for the receipt. */
  vendorType: string;
  /** Campaign, email, form or asset names (kept as attributes; `emailName` pairs clicks with sends). */
  campaignName?: string | null;
  emailName?: string | null;
  assetName?: string | null;
}

/** Where a MAP pull resumes: the newest activity time fully stored and an opaque vendor cursor. */
export type MapCheckpoint = Checkpoint;

/** One page a connector hands over; stored, with its checkpoint, in one transaction. */
export interface MapPage {
  people: MapPerson[];
  activities: MapActivity[];
  /** Resume here if the run stops after this page. */
  checkpoint: MapCheckpoint;
}

/** What a connector is given for one pull. */
export interface MapPullContext {
  orgId: string;
  /** The stored checkpoint, or nulls on a first (or `--full`) pull. */
  since: MapCheckpoint;
  /** The run's clock: nothing after it is asked for. */
  now: Date;
  /** How far back a first pull reaches (days before `now`). */
  firstPullDays: number;
  /** Count one API call (every HTTP request to the vendor, retries included). */
  countCall(): void;
  /** HTTP client (injected so tests can fault it; defaults to global fetch). */
  fetch: typeof fetch;
  /** Waits between retries (injected so tests do not sleep). */
  sleep(ms: number): Promise<void>;
  /** The retries' jitter, in [0, 1) (default Math.random; tests pass () => 1 for exact waits). */
  random?: () => number;
}

/** A vendor connector: pages of people and activities from `ctx.since` up to `ctx.now`. */
export interface MapConnector {
  readonly source: MapSourceName;
  pull(ctx: MapPullContext): AsyncIterable<MapPage>;
}

/**
 * A vendor error the shared sync acts on: `retryable` errors were already retried by the
 * connector and still failed; `quota` means the vendor's daily allowance is spent (stop cleanly,
 * resume next run); anything else fails the run with its message.
 */
export class MapSourceError extends Error {
  constructor(
    readonly source: MapSourceName,
    readonly code: string,
    message: string,
    readonly kind: 'auth' | 'quota' | 'rate' | 'malformed' | 'http' = 'http',
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${message}`, options);
    this.name = 'MapSourceError';
  }
}

/** A connection as configured: non-secret settings and secrets (encrypted at rest when stored). */
export interface MapConnectionConfig {
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

/** What a connector may need besides its own configuration. */
export interface MapConnectorDeps {
  /** The org's Salesforce sign-in (Pardot authenticates with Salesforce OAuth), if configured. */
  salesforce: SalesforceAuth | null;
}

/** How a vendor is configured and its connector built; one per vendor, listed in registry.ts. */
export interface MapConnectorFactory {
  readonly source: MapSourceName;
  /** Every setting/secret key with a one-line description (shown by `pulse connect --help` and errors). */
  readonly keys: { settings: Record<string, string>; secrets: Record<string, string> };
  /** Checks a configuration; throws ValidationError naming each bad or missing key. */
  validate(config: MapConnectionConfig): MapConnectionConfig;
  /** The configuration from environment variables (e.g. MARKETO_CLIENT_ID), or null when none is set. */
  fromEnv(maps: MapVariables): MapConnectionConfig | null;
  create(config: MapConnectionConfig, deps: MapConnectorDeps): MapConnector;
}
