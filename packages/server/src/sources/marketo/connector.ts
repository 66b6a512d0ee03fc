/**
 * The Marketo connector: configuration (instance host, LaunchPoint client id and secret) and the
 * pull. A pull follows one paging-token chain over the activity types Pulse maps, page by page;
 * each page's leads not yet seen this run are looked up (≤300 ids per call) for email, title,
 * company and the Salesforce ids Marketo's CRM sync keeps. Every page is handed over with the
 * checkpoint a later pull resumes from: the next page's token, and the newest activity time
 * yielded. Storing, matching and bot flagging happen in sources/map/.
 */
import { z } from 'zod';
import { ValidationError, type Issue } from '../../errors';
import { log } from '../../log';
import type {
  MapActivity,
  MapCheckpoint,
  MapConnectionConfig,
  MapConnector,
  MapConnectorFactory,
  MapPage,
  MapPerson,
  MapPullContext,
} from '../map/types';
import { MapSourceError } from '../map/types';
import { resolveTypeIds, toMapActivity } from './activityTypes';
import { DEFAULT_PACING, MarketoClient, type MarketoLead, type Pacing, type MarketoRetryPolicy } from './client';

/**
 * A pull without a stored cursor starts this long before the watermark, so activities Marketo
 * records a little late (web visits attach to a lead when it becomes known) are read again;
 * storing is idempotent.
 */
export const OVERLAP_MS = 60 * 60 * 1000;

const KEYS = {
  settings: {
    baseUrl: 'REST host of the instance, e.g. https://123-ABC-456.mktorest.com (Admin > Integration > Web Services)',
    clientId: 'Client Id of the LaunchPoint custom service (Admin > Integration > LaunchPoint > View Details)',
    maxCallsPer20s: `optional: most calls Pulse makes per 20 s (default ${DEFAULT_PACING.calls} of the instance's 100; 0 = no pacing)`,
  },
  secrets: { clientSecret: 'Client Secret of the same custom service' },
};

const ENV: Record<string, string> = {
  baseUrl: 'MARKETO_BASE_URL',
  clientId: 'MARKETO_CLIENT_ID',
  clientSecret: 'MARKETO_CLIENT_SECRET',
  maxCallsPer20s: 'MARKETO_MAX_CALLS_PER_20S',
};

const hint = (key: string) => `set it with \`pulse connect marketo --set ${key}=…\` or ${ENV[key]}`;

const ConfigSchema = z.object({
  settings: z.object({
    baseUrl: z
      .string({ required_error: `required: ${hint('baseUrl')}` })
      .trim()
      .min(1, `required: ${hint('baseUrl')}`)
      .url('not a URL: use the REST host, e.g. https://123-ABC-456.mktorest.com')
      .refine((u) => /^https?:\/\//i.test(u), 'must start with https://')
      // Admins paste the REST endpoint or the identity URL as shown in Web Services; keep the host.
      .transform((u) => u.replace(/\/+$/, '').replace(/\/(rest|identity)$/i, '')),
    clientId: z
      .string({ required_error: `required: ${hint('clientId')}` })
      .trim()
      .min(1, `required: ${hint('clientId')}`),
    maxCallsPer20s: z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number of calls (0 = no pacing)')
      .refine((v) => Number(v) <= 100, 'Marketo allows 100 calls per 20 s per instance: use 100 or fewer')
      .optional(),
  }),
  secrets: z.object({
    clientSecret: z
      .string({ required_error: `required: ${hint('clientSecret')}` })
      .min(1, `required: ${hint('clientSecret')}`),
  }),
});

/** Checks a Marketo configuration; ValidationError names each bad or missing key. */
export function validateMarketoConfig(config: MapConnectionConfig): MapConnectionConfig {
  const parsed = ConfigSchema.safeParse({ settings: config.settings ?? {}, secrets: config.secrets ?? {} });
  if (!parsed.success) {
    const issues: Issue[] = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError('Marketo connection', issues, { object: 'marketo' });
  }
  const { maxCallsPer20s, ...settings } = parsed.data.settings;
  return {
    settings: { ...config.settings, ...settings, ...(maxCallsPer20s !== undefined ? { maxCallsPer20s } : {}) },
    secrets: { ...config.secrets, ...parsed.data.secrets },
  };
}

/** Test and tuning knobs of one connector (production uses the defaults). */
export interface MarketoConnectorOptions {
  retry?: MarketoRetryPolicy;
  /** Milliseconds now for access-token expiry (default Date.now). */
  clock?: () => number;
}

/** A Marketo connector for one configured instance. */
export class MarketoConnector implements MapConnector {
  readonly source = 'marketo' as const;

  constructor(
    private readonly config: MapConnectionConfig,
    private readonly options: MarketoConnectorOptions = {},
  ) {}

  /** Pages from the stored checkpoint (or `firstPullDays` back) up to `ctx.now`. */
  async *pull(ctx: MapPullContext): AsyncIterable<MapPage> {
    const client = new MarketoClient({
      baseUrl: this.config.settings.baseUrl ?? '',
      clientId: this.config.settings.clientId ?? '',
      clientSecret: this.config.secrets.clientSecret ?? '',
      fetch: ctx.fetch,
      sleep: ctx.sleep,
      random: ctx.random,
      countCall: ctx.countCall,
      clock: this.options.clock,
      retry: this.options.retry,
      pacing: pacingOf(this.config.settings.maxCallsPer20s),
    });
    const logger = log.child({ org: ctx.orgId, source: 'marketo' });
    const types = resolveTypeIds(await client.activityTypes());
    const typeIds = [...types.keys()];
    const nowMs = ctx.now.getTime();

    let watermark = ctx.since.watermark;
    let token: string;
    let resumed = false;
    if (ctx.since.cursor) {
      token = ctx.since.cursor;
      resumed = true;
    } else {
      token = await client.pagingToken(startFrom(ctx));
    }

    const seen = new Map<number, MapPerson | null>();
    for (let page = 1; ; page++) {
      let res;
      try {
        res = await client.activities(token, typeIds, `activities page ${page} (nextPageToken ${token})`);
      } catch (e) {
        // A stored token Marketo no longer accepts (1001/1003 invalid value): fall back to the watermark.
        if (page === 1 && resumed && e instanceof MapSourceError && (e.code === '1001' || e.code === '1003')) {
          logger.warn({ code: e.code }, 'stored Marketo paging token refused; restarting from the watermark');
          resumed = false;
          token = await client.pagingToken(startFrom({ ...ctx, since: { watermark, cursor: null } }));
          page--;
          continue;
        }
        throw e;
      }
      const inRange = res.activities.filter((a) => Date.parse(a.activityDate) <= nowMs && types.has(a.activityTypeId));
      const pastNow = res.activities.some((a) => Date.parse(a.activityDate) > nowMs);

      const unknown = [...new Set(inRange.map((a) => a.leadId))].filter((id) => !seen.has(id));
      const people: MapPerson[] = [];
      if (unknown.length > 0) {
        const found = new Map((await client.leadsById(unknown)).map((l) => [l.id, l]));
        for (const id of unknown) {
          const lead = found.get(id);
          const person = lead ? toMapPerson(lead) : null;
          seen.set(id, person);
          if (person) people.push(person);
        }
      }
      const activities: MapActivity[] = [];
      let dropped = 0;
      for (const a of inRange) {
        const mapped = seen.get(a.leadId) ? toMapActivity(a, types) : null;
        if (mapped) {
          activities.push(mapped);
          if (!watermark || mapped.occurredAt > watermark) watermark = mapped.occurredAt;
        } else dropped++;
      }
      // Leads merged away or deleted since the activity: Marketo no longer returns them by id.
      if (dropped > 0) logger.info({ page, dropped }, 'activities of leads Marketo no longer has were skipped');

      // A page reaching past the run's clock is read again next run (its own token), never skipped.
      const done = pastNow || !res.moreResult;
      const checkpoint: MapCheckpoint = { watermark, cursor: pastNow ? token : res.nextPageToken };
      yield { people, activities, checkpoint };
      if (done) return;
      token = res.nextPageToken;
    }
  }
}

/** The client's pacing from the `maxCallsPer20s` setting (absent: the default; 0: none). */
function pacingOf(setting: string | undefined): Pacing | null {
  if (setting === undefined || setting === '') return DEFAULT_PACING;
  const calls = Number(setting);
  return calls > 0 ? { calls, windowMs: 20_000 } : null;
}

/** Where a pull without a cursor starts: the watermark less the overlap, but never before `firstPullDays`. */
export function startFrom(ctx: Pick<MapPullContext, 'since' | 'now' | 'firstPullDays'>): Date {
  const floor = ctx.now.getTime() - ctx.firstPullDays * 86_400_000;
  const fromWatermark = ctx.since.watermark ? ctx.since.watermark.getTime() - OVERLAP_MS : floor;
  return new Date(Math.max(floor, fromWatermark));
}

/** A Marketo lead as a MapPerson: the CRM id is the Contact id for contacts, the Lead id otherwise. */
export function toMapPerson(lead: MarketoLead): MapPerson {
  const name = [lead.firstName, lead.lastName].filter((s) => s && s.trim()).join(' ');
  const isContact = (lead.sfdcType ?? '').toLowerCase() === 'contact';
  const crmId = (isContact ? lead.sfdcContactId || lead.sfdcLeadId : lead.sfdcLeadId || lead.sfdcContactId) || null;
  return {
    id: String(lead.id),
    email: lead.email || null,
    name: name || lead.email || `Marketo lead ${lead.id}`,
    title: lead.title || null,
    department: lead.department || null,
    company: lead.company || null,
    crmId,
    crmAccountId: lead.sfdcAccountId || null,
  };
}

/** Marketo's factory: keys, validation, MARKETO_* environment variables, connectors. */
export const marketo: MapConnectorFactory = {
  source: 'marketo',
  keys: KEYS,
  validate: validateMarketoConfig,
  fromEnv(env) {
    const baseUrl = env.MARKETO_BASE_URL;
    const clientId = env.MARKETO_CLIENT_ID;
    const clientSecret = env.MARKETO_CLIENT_SECRET;
    const maxCallsPer20s = env.MARKETO_MAX_CALLS_PER_20S;
    if (!baseUrl && !clientId && !clientSecret) return null;
    return validateMarketoConfig({
      settings: {
        ...(baseUrl ? { baseUrl } : {}),
        ...(clientId ? { clientId } : {}),
        ...(maxCallsPer20s ? { maxCallsPer20s } : {}),
      },
      secrets: clientSecret ? { clientSecret } : {},
    });
  },
  create: (config) => new MarketoConnector(validateMarketoConfig(config)),
};
