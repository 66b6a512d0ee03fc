/**
 * A thin Marketo REST client: client-credentials auth against the instance's identity endpoint,
 * Bearer header on every call, one retry policy for Marketo's documented transient answers, and
 * zod checks on every response. Marketo reports almost every API error as HTTP 200 with
 * `success:false` and a string `code` (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes).
 */
import { z } from 'zod';
import { MapSourceError } from '../map/types';
import type { MarketoActivityRecord, MarketoTypeDef } from './activityTypes';
import { backoffCapMs, withRetry, type RetryPolicy, type Verdict } from '../retry';

/**
 * How the client retries (../retry.ts; reads and list membership changes are made, each safe to repeat).
 * `baseMs` starts the backoff after 615 (10 calls in flight), 5xx, network errors and Marketo's
 * transient 604/608/611/713; `rateWaitMs` starts the waits after 606 (rate: 100 calls per rolling
 * 20 s, so waiting seconds, not millis, helps); `maxMs` caps both (the rate window is 20 s).
 */
export interface MarketoRetryPolicy extends RetryPolicy {
  rateWaitMs: number;
}

/** Defaults: 1 try + 5 retries; waits of 5/10/20/20/20 s after 606, jittered backoff windows of 1/2/4/8/16 s otherwise. */
export const RETRY_POLICY: MarketoRetryPolicy = { attempts: 6, baseMs: 1_000, maxMs: 20_000, rateWaitMs: 5_000 };

/** Codes that mean "not executed, try again later" (the response-level 5xx are Marketo's own). */
const TRANSIENT = new Set(['500', '502', '604', '608', '611', '713']);
/** Expired or unknown access token: get a new one and replay. */
const REAUTH = new Set(['601', '602']);
/** The client asks for a new token this long before Marketo says it expires (as tap-marketo does). */
const TOKEN_MARGIN_S = 15;
/** Re-authentications allowed for one request (a token refused again after that is a real problem). */
const MAX_REAUTH = 2;

/** What the client needs. */
export interface MarketoClientOptions {
  /** The instance's host, e.g. https://123-ABC-456.mktorest.com (no /rest or /identity). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  /** The retries' jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  /** Called once per HTTP request, identity calls and retries included. */
  countCall(): void;
  /** Milliseconds now, for token expiry (default Date.now). */
  clock?: () => number;
  retry?: MarketoRetryPolicy;
  /** At most `calls` requests per `windowMs` from this client (null: no pacing, rely on 606). */
  pacing?: Pacing | null;
}

/** A client-side ceiling on the call rate. */
export interface Pacing {
  calls: number;
  windowMs: number;
}

/**
 * Marketo allows 100 calls per rolling 20 s per instance, shared by every integration; pacing at
 * 90 leaves room for the others and keeps a large pull from spending its retries on 606.
 */
export const DEFAULT_PACING: Pacing = { calls: 90, windowMs: 20_000 };

const ErrorItem = z.object({
  code: z.union([z.string(), z.number()]).transform(String),
  message: z.string().optional(),
});
const Envelope = z.object({ success: z.boolean(), errors: z.array(ErrorItem).optional() }).passthrough();

const TokenBody = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().nonnegative(),
  token_type: z.string().optional(),
});

const Activity = z
  .object({
    id: z.number().int().optional(),
    marketoGUID: z.string().min(1).optional(),
    leadId: z.number().int(),
    activityDate: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 date'),
    activityTypeId: z.number().int(),
    campaignId: z.number().int().nullish(),
    primaryAttributeValueId: z.number().int().nullish(),
    primaryAttributeValue: z.string().nullish(),
    attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).optional(),
  })
  .refine((a) => a.marketoGUID !== undefined || a.id !== undefined, 'has neither marketoGUID nor id');

const ActivitiesBody = z.object({
  nextPageToken: z.string().min(1),
  moreResult: z.boolean(),
  // Marketo leaves `result` out of pages with nothing of the asked types.
  result: z.array(Activity).optional(),
});

const TypesBody = z.object({ result: z.array(z.object({ id: z.number().int(), name: z.string() })).default([]) });
const PagingTokenBody = z.object({ nextPageToken: z.string().min(1) });

const text = z.string().nullish();
/** The lead fields Pulse reads (REST names; the sfdc* ones are filled by Marketo's Salesforce sync). */
export const LEAD_FIELDS = [
  'id',
  'email',
  'firstName',
  'lastName',
  'title',
  'department',
  'company',
  'sfdcType',
  'sfdcLeadId',
  'sfdcContactId',
  'sfdcAccountId',
] as const;
const Lead = z
  .object({
    id: z.number().int(),
    email: text,
    firstName: text,
    lastName: text,
    title: text,
    department: text,
    company: text,
    sfdcType: text,
    sfdcLeadId: text,
    sfdcContactId: text,
    sfdcAccountId: text,
  })
  .passthrough();
export type MarketoLead = z.infer<typeof Lead>;
const LeadsBody = z.object({
  result: z.array(Lead).default([]),
  nextPageToken: z.string().optional(),
  moreResult: z.boolean().optional(),
});

const ListMemberStatus = z.object({
  id: z.number().int(),
  status: z.string(),
  reasons: z.array(ErrorItem).optional(),
});
/** One lead's outcome in a list membership call. */
export type ListMemberStatus = z.infer<typeof ListMemberStatus>;
const ListMembershipBody = z.object({ result: z.array(ListMemberStatus).default([]) });

/** One page of activities. */
export interface ActivitiesPage {
  activities: MarketoActivityRecord[];
  nextPageToken: string;
  moreResult: boolean;
}

/** Most ids one leads.json call takes (filterValues ≤ 300). */
export const LEADS_PER_CALL = 300;

/** Marketo's REST API for one instance. */
export class MarketoClient {
  private access: { token: string; expiresAt: number } | null = null;
  private readonly clock: () => number;
  private readonly retry: MarketoRetryPolicy;
  private readonly base: string;
  private readonly pacing: Pacing | null;
  /** When this client's recent calls were made (oldest first), for pacing. */
  private readonly sent: number[] = [];

  constructor(private readonly opts: MarketoClientOptions) {
    this.clock = opts.clock ?? Date.now;
    this.retry = opts.retry ?? RETRY_POLICY;
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.pacing = opts.pacing === undefined ? DEFAULT_PACING : opts.pacing;
  }

  /** GET /rest/v1/activities/types.json: the instance's activity type catalogue. */
  async activityTypes(): Promise<MarketoTypeDef[]> {
    const body = await this.get('/rest/v1/activities/types.json', {}, TypesBody, 'the activity type list');
    return body.result;
  }

  /** GET /rest/v1/activities/pagingtoken.json: a date-based token for activities after `since`. */
  async pagingToken(since: Date): Promise<string> {
    const sinceDatetime = since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = await this.get(
      '/rest/v1/activities/pagingtoken.json',
      { sinceDatetime },
      PagingTokenBody,
      `the paging token for ${sinceDatetime}`,
    );
    return body.nextPageToken;
  }

  /** GET /rest/v1/activities.json: one page from `token` for ≤10 type ids. `what` names the page in errors. */
  async activities(token: string, typeIds: readonly number[], what: string): Promise<ActivitiesPage> {
    if (typeIds.length === 0 || typeIds.length > 10)
      throw new MapSourceError('marketo', 'TYPE_IDS', `activities.json takes 1 to 10 type ids, not ${typeIds.length}`);
    const body = await this.get(
      '/rest/v1/activities.json',
      { nextPageToken: token, activityTypeIds: typeIds.join(',') },
      ActivitiesBody,
      what,
    );
    return {
      activities: (body.result ?? []) as MarketoActivityRecord[],
      nextPageToken: body.nextPageToken,
      moreResult: body.moreResult,
    };
  }

  /** GET /rest/v1/leads.json?filterType=id: the leads with these ids (≤300 per call; unknown ids are left out). */
  async leadsById(ids: readonly number[]): Promise<MarketoLead[]> {
    const out: MarketoLead[] = [];
    for (let i = 0; i < ids.length; i += LEADS_PER_CALL) {
      const batch = ids.slice(i, i + LEADS_PER_CALL);
      let token: string | undefined;
      do {
        const body = await this.get(
          '/rest/v1/leads.json',
          {
            filterType: 'id',
            filterValues: batch.join(','),
            fields: LEAD_FIELDS.join(','),
            ...(token ? { nextPageToken: token } : {}),
          },
          LeadsBody,
          `the leads ${batch[0]}…${batch[batch.length - 1]} (${batch.length})`,
        );
        out.push(...body.result);
        token = body.moreResult ? body.nextPageToken : undefined;
      } while (token);
    }
    return out;
  }

  /**
   * POST (add) or DELETE (remove) /rest/v1/lists/{listId}/leads.json with ≤300 `id` query parameters:
   * each id's status in `result` (`added`, `removed`, or `skipped` with `reasons`).
   * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/list-membership
   */
  async listMembership(method: 'POST' | 'DELETE', listId: string, ids: readonly number[]): Promise<ListMemberStatus[]> {
    if (ids.length === 0) return [];
    if (ids.length > LEADS_PER_CALL)
      throw new MapSourceError('marketo', 'TOO_MANY_IDS', `a list call takes at most ${LEADS_PER_CALL} lead ids`);
    const body = await this.call(
      method,
      `/rest/v1/lists/${encodeURIComponent(listId)}/leads.json`,
      ids.map((id): [string, string] => ['id', String(id)]),
      ListMembershipBody,
      `${method === 'POST' ? 'adding' : 'removing'} ${ids.length} leads ${method === 'POST' ? 'to' : 'from'} static list ${listId}`,
    );
    return body.result;
  }

  /** One GET with auth, retries and a zod check of the body. */
  private get<T>(
    path: string,
    params: Record<string, string>,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    what: string,
  ): Promise<T> {
    return this.call('GET', path, params, schema, what);
  }

  /**
   * One call with auth, retries and a zod check of the body. Only idempotent calls come here: reads,
   * and list membership adds and removes (a list is a set: adding a member twice leaves one).
   */
  private async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, string> | [string, string][],
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    what: string,
  ): Promise<T> {
    const url = `${this.base}${path}?${new URLSearchParams(params).toString()}`;
    return withRetry(async (attempt): Promise<Verdict<T>> => {
      const token = await this.token();
      const res = await this.send(url, { authorization: `Bearer ${token}`, accept: 'application/json' }, what, method);
      let failure: { code: string; message: string; kind: 'rate' | 'http' };
      if (res.kind === 'http') {
        failure = { code: `HTTP_${res.status}`, message: `HTTP ${res.status}`, kind: 'http' };
        if (res.status < 500)
          return { fail: new MapSourceError('marketo', failure.code, `${what}: Marketo answered HTTP ${res.status}`) };
      } else if (res.kind === 'network') {
        failure = { code: 'NETWORK', message: res.message, kind: 'http' };
      } else {
        const env = Envelope.safeParse(res.body);
        if (!env.success) throw malformed(what, 'it is not a Marketo response (no `success` flag)');
        if (env.data.success) {
          const parsed = schema.safeParse(res.body);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw malformed(what, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unexpected shape'}`);
          }
          return { done: parsed.data };
        }
        const err = env.data.errors?.[0] ?? { code: 'UNKNOWN', message: 'success:false without errors' };
        const message = err.message ?? '';
        if (REAUTH.has(err.code)) {
          this.access = null; // the next attempt asks the identity endpoint
          return {
            reauth: new MapSourceError(
              'marketo',
              err.code,
              `${what}: Marketo refused a fresh access token (${err.code} ${message}); check the API user's role and the IP allowlist`,
              'auth',
            ),
          };
        }
        if (err.code === '607')
          return {
            fail: new MapSourceError(
              'marketo',
              '607',
              `daily API quota reached (${message}); the pull resumes after Marketo resets the quota at midnight US Central`,
              'quota',
            ),
          };
        if (err.code === '603')
          return {
            fail: new MapSourceError(
              'marketo',
              '603',
              `${what}: access denied (${message}); give the API user's role "Read-Only Activity" and "Read-Only Lead" (and "Read-Write Lead" to push static lists), or allow this host's IP`,
              'auth',
            ),
          };
        if (err.code !== '606' && err.code !== '615' && !TRANSIENT.has(err.code))
          return { fail: new MapSourceError('marketo', err.code, `${what}: Marketo error ${err.code} ${message}`) };
        failure = { code: err.code, message, kind: err.code === '606' ? 'rate' : 'http' };
      }
      const error = new MapSourceError(
        'marketo',
        failure.code,
        `${what}: still failing after ${attempt} tries (${failure.code} ${failure.message}); try the sync again later`,
        failure.kind,
      );
      // 606: the rate window is Marketo's (rolling 20 s), so its waits are not jittered.
      return failure.code === '606'
        ? { waitThen: backoffCapMs({ ...this.retry, baseMs: this.retry.rateWaitMs }, attempt), error }
        : { backoff: error };
    }, this.retryOptions(MAX_REAUTH));
  }

  /** The retry loop's policy and side effects; `reauths` re-authentications per call. */
  private retryOptions(reauths = 0) {
    return { policy: this.retry, sleep: this.opts.sleep, random: this.opts.random, reauths };
  }

  /** The current access token, asking the identity endpoint when there is none or it is about to expire. */
  private async token(): Promise<string> {
    if (this.access && this.clock() < this.access.expiresAt) return this.access.token;
    const url = `${this.base}/identity/oauth/token?${new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.opts.clientId,
      client_secret: this.opts.clientSecret,
    }).toString()}`;
    return withRetry(async (attempt): Promise<Verdict<string>> => {
      const res = await this.send(url, { accept: 'application/json' }, 'the access token');
      if (res.kind === 'json') {
        const body = TokenBody.safeParse(res.body);
        if (!body.success) throw malformed('the access token', 'no access_token/expires_in in the identity answer');
        const life =
          body.data.expires_in > TOKEN_MARGIN_S ? body.data.expires_in - TOKEN_MARGIN_S : body.data.expires_in;
        this.access = { token: body.data.access_token, expiresAt: this.clock() + life * 1000 };
        return { done: body.data.access_token };
      }
      if (res.kind === 'http' && res.status < 500)
        return {
          fail: new MapSourceError(
            'marketo',
            `HTTP_${res.status}`,
            `the identity endpoint refused the client id/secret (HTTP ${res.status}); copy clientId and clientSecret from Admin > Integration > LaunchPoint > View Details`,
            'auth',
          ),
        };
      return {
        backoff: new MapSourceError(
          'marketo',
          res.kind === 'http' ? `HTTP_${res.status}` : 'NETWORK',
          `the identity endpoint is not answering (${res.kind === 'http' ? `HTTP ${res.status}` : res.message}) after ${attempt} tries; check baseUrl`,
        ),
      };
    }, this.retryOptions());
  }

  /** Waits, when the pacing window is full, until its oldest call leaves it. */
  private async pace(): Promise<void> {
    if (!this.pacing) return;
    const { calls, windowMs } = this.pacing;
    const now = this.clock();
    while (this.sent.length > 0 && this.sent[0]! <= now - windowMs) this.sent.shift();
    if (this.sent.length >= calls) {
      // One wait, not a loop: the injected sleep may not move the clock (tests).
      await this.opts.sleep(this.sent[0]! + windowMs - now);
      this.sent.shift();
    }
    this.sent.push(this.clock());
  }

  /** One HTTP request, counted; a JSON body, a non-2xx status, or a network failure. */
  private async send(
    url: string,
    headers: Record<string, string>,
    what: string,
    method: 'GET' | 'POST' | 'DELETE' = 'GET',
  ): Promise<
    { kind: 'json'; body: unknown } | { kind: 'http'; status: number } | { kind: 'network'; message: string }
  > {
    await this.pace();
    this.opts.countCall();
    let res: Response;
    try {
      res = await this.opts.fetch(url, { method, headers });
    } catch (e) {
      return { kind: 'network', message: e instanceof Error ? e.message : String(e) };
    }
    const body = await res.text().catch(() => '');
    if (!res.ok) return { kind: 'http', status: res.status };
    try {
      return { kind: 'json', body: JSON.parse(body) as unknown };
    } catch {
      throw malformed(what, `the body is not JSON (${JSON.stringify(body.slice(0, 60))}…)`);
    }
  }
}

/** A response Pulse cannot read: named by what was asked for. */
function malformed(what: string, detail: string): MapSourceError {
  return new MapSourceError('marketo', 'MALFORMED', `${what}: malformed response: ${detail}`, 'malformed');
}
