/**
 * The Pardot (Account Engagement) connector: visitor activities in createdAt order from the
 * watermark (less an overlap) up to the run's clock, with nextPageUrl paging; the prospects and
 * page-view URLs behind each page are looked up by id range. One page out per page in, each with
 * its checkpoint.
 */
import { z } from 'zod';
import type { MapVariables, SalesforceAuth } from '../../config';
import { PulseError, ValidationError } from '../../errors';
import { fetchToken } from '../salesforce/connection';
import {
  MapSourceError,
  type MapActivity,
  type MapConnectionConfig,
  type MapConnector,
  type MapConnectorFactory,
  type MapPage,
  type MapPerson,
  type MapPullContext,
} from '../map/types';
import { PARDOT_CODES, PardotClient } from './client';
import {
  ACTIVITY_FIELDS,
  PAGE_VIEW_FIELDS,
  PROSPECT_FIELDS,
  PageViewSchema,
  ProspectSchema,
  QueryPageSchema,
  VisitorActivitySchema,
  pulseType,
  toMapActivity,
  toMapPerson,
  type VisitorActivity,
} from './activities';

/** Production host; developer orgs and sandboxes use https://pi.demo.pardot.com. */
export const DEFAULT_BASE_URL = 'https://pi.pardot.com';
/** v5's largest page. */
export const PAGE_LIMIT = 1000;
/**
 * How far before the watermark a pull starts again: v5 query results can lag writes by about
 * a minute and activities stamped in the same second may straddle a page; re-reading 15
 * minutes costs little and storing is idempotent.
 */
export const OVERLAP_MS = 15 * 60_000;
/** Ids further apart than this are fetched by separate id-range queries (one page each). */
const ID_RANGE_SPAN = PAGE_LIMIT;

/** What a Pardot connection needs (no secrets: it signs in with the org's Salesforce auth). */
export interface PardotSettings {
  businessUnitId: string;
  baseUrl: string;
}

const SettingsSchema = z.object({
  businessUnitId: z
    .string({ required_error: 'required: the 0Uv… id from Account Engagement Setup' })
    .trim()
    .regex(
      /^0Uv[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/,
      'must be a business unit id: 0Uv followed by 12 or 15 letters/digits',
    ),
  baseUrl: z
    .string()
    .trim()
    .url('must be a URL such as https://pi.pardot.com')
    .refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(u), 'must use https')
    .transform((u) => u.replace(/\/+$/, ''))
    .default(DEFAULT_BASE_URL),
});

/** Checks settings; throws ValidationError naming each bad key. */
export function parseSettings(settings: Record<string, string>): PardotSettings {
  const r = SettingsSchema.safeParse(settings);
  if (!r.success)
    throw new ValidationError(
      'pardot connection',
      r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return r.data;
}

/** The Pardot connector for one org. */
export class PardotConnector implements MapConnector {
  readonly source = 'pardot' as const;
  private token: string | null = null;

  constructor(
    private readonly settings: PardotSettings,
    private readonly salesforce: SalesforceAuth,
  ) {}

  /** Pages of prospects and activities from the checkpoint (less OVERLAP_MS) up to `ctx.now`. */
  async *pull(ctx: MapPullContext): AsyncIterable<MapPage> {
    const client = new PardotClient({
      baseUrl: this.settings.baseUrl,
      businessUnitId: this.settings.businessUnitId,
      fetch: ctx.fetch,
      sleep: ctx.sleep,
      random: ctx.random,
      countCall: ctx.countCall,
      token: async (fresh) => {
        if (fresh || !this.token) this.token = await this.signIn(ctx);
        return this.token;
      },
    });
    const first = new Date(ctx.now.getTime() - ctx.firstPullDays * 86_400_000);
    const since = ctx.since.watermark ? new Date(ctx.since.watermark.getTime() - OVERLAP_MS) : first;
    let watermark = ctx.since.watermark;
    const known = new Set<string>();
    const query = (from: Date) =>
      client.url('/api/v5/objects/visitor-activities', {
        fields: ACTIVITY_FIELDS.join(','),
        createdAtAfterOrEqualTo: iso(from),
        createdAtBeforeOrEqualTo: iso(ctx.now),
        orderBy: 'createdAt ASC,id ASC',
        limit: PAGE_LIMIT,
      });
    let url: string | null = query(since);
    let yielded = false;
    while (url) {
      let res;
      try {
        res = await client.get(url);
      } catch (e) {
        // An expired (4 h) or unreadable page token: start a fresh chain from what is stored.
        if (e instanceof MapSourceError && isPageTokenError(e.code) && url.includes('nextPageToken')) {
          url = query(watermark ?? since);
          continue;
        }
        throw e;
      }
      const page = QueryPageSchema.safeParse(res.body);
      if (!page.success) throw malformed(`visitor-activities page: ${page.error.issues[0]?.message ?? 'bad shape'}`);
      const read: VisitorActivity[] = [];
      let newest: Date | null = null;
      for (const [i, raw] of page.data.values.entries()) {
        const a = VisitorActivitySchema.safeParse(raw);
        if (!a.success) {
          const issue = a.error.issues[0];
          throw malformed(
            `visitor activity ${String((raw as { id?: unknown })?.id ?? `#${i}`)}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
          );
        }
        const at = new Date(a.data.createdAt);
        if (!newest || at > newest) newest = at;
        read.push(a.data);
      }
      const views = read.filter((a) => a.visitorPageViewId != null && pulseType(a) !== null);
      const urls = await this.pageUrls(
        client,
        views.map((a) => a.visitorPageViewId!),
      );
      const activities: MapActivity[] = [];
      for (const a of read) {
        const m = toMapActivity(a, (id) => urls.get(id) ?? null);
        if (m) activities.push(m);
      }
      const wanted = [...new Set(activities.map((a) => a.personId))].filter((id) => !known.has(id));
      const people = await this.prospects(client, wanted);
      for (const p of people) known.add(p.id);
      if (newest && (!watermark || newest > watermark)) watermark = newest > ctx.now ? ctx.now : newest;
      yield { people, activities, checkpoint: { watermark, cursor: null } };
      yielded = true;
      url = page.data.nextPageUrl ?? null;
      // v5 ends a token chain after ~100,000 records with Pardot-Warning 203: go on with a new query.
      if (!url && /\b203\b/.test(res.headers.get('pardot-warning') ?? '') && newest) url = query(newest);
    }
    if (!yielded) yield { people: [], activities: [], checkpoint: { watermark, cursor: null } };
  }

  /**
   * A Salesforce access token for the Pardot calls. fetchToken itself tries again when the token
   * request never reached the server; what still fails is unreachable ('http') or refused ('auth').
   */
  private async signIn(ctx: MapPullContext): Promise<string> {
    try {
      return (await fetchToken(this.salesforce, ctx.fetch)).accessToken;
    } catch (e) {
      // fetchToken says "cannot reach" (with the fetch error as cause) only when no answer came.
      const network = e instanceof Error && e.cause !== undefined && /cannot reach/.test(e.message);
      const message = `Salesforce sign-in for Account Engagement failed: ${e instanceof Error ? e.message : String(e)}`;
      throw new MapSourceError('pardot', 'SF_AUTH', message, network ? 'http' : 'auth', { cause: e });
    }
  }

  /**
   * The prospects with these ids. A prospect that is gone (deleted since) still gets a bare
   * person so its activities have an owner.
   */
  private async prospects(client: PardotClient, ids: string[]): Promise<MapPerson[]> {
    const found = new Map<string, MapPerson>();
    await byIdRanges(client, 'prospects', PROSPECT_FIELDS, ids.map(Number), (raw) => {
      const p = ProspectSchema.safeParse(raw);
      if (!p.success)
        throw malformed(`prospect ${String((raw as { id?: unknown })?.id)}: ${p.error.issues[0]?.message}`);
      found.set(String(p.data.id), toMapPerson(p.data));
    });
    return ids.map(
      (id) =>
        found.get(id) ?? {
          id,
          email: null,
          name: `Prospect ${id}`,
          title: null,
          company: null,
          crmId: null,
          crmAccountId: null,
        },
    );
  }

  /** The URLs of these visitor page views (a View activity's page lives on its page view). */
  private async pageUrls(client: PardotClient, ids: number[]): Promise<Map<number, string | null>> {
    const urls = new Map<number, string | null>();
    await byIdRanges(client, 'visitor-page-views', PAGE_VIEW_FIELDS, ids, (raw) => {
      const v = PageViewSchema.safeParse(raw);
      if (!v.success)
        throw malformed(`visitor page view ${String((raw as { id?: unknown })?.id)}: ${v.error.issues[0]?.message}`);
      urls.set(v.data.id, v.data.url ?? null);
    });
    return urls;
  }
}

/**
 * Reads the records of `collection` with these ids. v5 has no "id in" filter, so the ids are
 * grouped into ranges no wider than a page and each range is one
 * `idGreaterThanOrEqualTo`/`idLessThanOrEqualTo` query: ids are assigned in sequence, so the
 * prospects and page views of one activity page cluster. At worst it is one call per id, what
 * reading them one by one would cost. Records in a range that were not asked for are passed on
 * too (harmless: the callers key by id).
 */
async function byIdRanges(
  client: PardotClient,
  collection: string,
  fields: readonly string[],
  ids: number[],
  each: (raw: unknown) => void,
): Promise<void> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const id of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && id - last[0] < ID_RANGE_SPAN) last[1] = id;
    else ranges.push([id, id]);
  }
  for (const [lo, hi] of ranges) {
    let url: string | null = client.url(`/api/v5/objects/${collection}`, {
      fields: fields.join(','),
      idGreaterThanOrEqualTo: lo,
      idLessThanOrEqualTo: hi,
      orderBy: 'id ASC',
      limit: PAGE_LIMIT,
    });
    while (url) {
      const page = QueryPageSchema.safeParse((await client.get(url)).body);
      if (!page.success) throw malformed(`${collection} page: ${page.error.issues[0]?.message ?? 'bad shape'}`);
      for (const raw of page.data.values) each(raw);
      url = page.data.nextPageUrl ?? null;
    }
  }
}

const isPageTokenError = (code: string) =>
  code === String(PARDOT_CODES.PAGE_TOKEN_EXPIRED) || code === String(PARDOT_CODES.PAGE_TOKEN_INVALID);

const malformed = (what: string) =>
  new MapSourceError(
    'pardot',
    'MALFORMED',
    `malformed ${what}; the run stops so nothing half-read is stored`,
    'malformed',
  );

/** ISO-8601 with an explicit offset, as v5 filters want (`+` goes out as %2B). */
function iso(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

/** Pardot's factory: settings businessUnitId and baseUrl; auth comes from the org's Salesforce sign-in. */
export const pardot: MapConnectorFactory = {
  source: 'pardot',
  keys: {
    settings: {
      businessUnitId: 'Account Engagement business unit id (0Uv…, from Account Engagement Setup)',
      baseUrl: `API host (default ${DEFAULT_BASE_URL}; https://pi.demo.pardot.com for developer orgs and sandboxes)`,
    },
    secrets: {},
  },
  validate(config: MapConnectionConfig): MapConnectionConfig {
    const s = parseSettings(config.settings);
    return { settings: { businessUnitId: s.businessUnitId, baseUrl: s.baseUrl }, secrets: {} };
  },
  fromEnv(env: MapVariables): MapConnectionConfig | null {
    if (!env.PARDOT_BUSINESS_UNIT_ID) return null;
    const settings: Record<string, string> = { businessUnitId: env.PARDOT_BUSINESS_UNIT_ID };
    if (env.PARDOT_BASE_URL) settings.baseUrl = env.PARDOT_BASE_URL;
    return { settings, secrets: {} };
  },
  create(config, deps): MapConnector {
    if (!deps.salesforce)
      throw new PulseError(
        'PARDOT_NO_SALESFORCE',
        'Pardot signs in with the org’s Salesforce connection, and none is configured: set SF_CLIENT_ID with SF_CLIENT_SECRET (or SF_USERNAME and SF_PRIVATE_KEY, or SF_REFRESH_TOKEN) for a user with Account Engagement access',
        { source: 'pardot' },
      );
    return new PardotConnector(parseSettings(config.settings), deps.salesforce);
  },
};
