/**
 * The HubSpot connector: pulls marketing-email events, form submissions and (Enterprise) page
 * views inside a time window — from the watermark less an overlap, or `firstPullDays` back on a
 * first pull, up to the run's `now` — with each API's own cursor paging, and hands them over page
 * by page with the contacts (and their companies' Salesforce account ids) they belong to.
 *
 * The checkpoint after each page holds the window and where each stream stands, so a run that
 * stops resumes at the next page; the watermark moves to the window's end only once all three
 * streams are through. Pages may repeat after a crash (storing is idempotent).
 */
import { z } from 'zod';
import { log } from '../../log';
import {
  MapSourceError,
  type MapActivity,
  type MapConnector,
  type MapConnectorFactory,
  type MapPage,
  type MapPerson,
  type MapPullContext,
} from '../map/types';
import { HubspotClient } from './client';
import { HUBSPOT_KEYS, hubspotFromEnv, resolveHubspot, validateHubspot, type HubspotConfig } from './config';
import {
  batchReadSchema,
  campaignSchema,
  COMPANY_PROPERTIES,
  CONTACT_PROPERTIES,
  emailActivity,
  emailEventsSchema,
  emailOnlyPerson,
  EMAIL_EVENT_TYPES,
  formsSchema,
  PAGE_VIEW_EVENT,
  submissionActivity,
  submissionEmail,
  submissionsSchema,
  toPerson,
  webActivity,
  webEventsSchema,
  type CrmRecord,
} from './activities';

/** Page sizes: the documented maximum of each endpoint (the Events API's is undocumented; 100 is safe). */
const EMAIL_EVENTS_LIMIT = 1000;
const SUBMISSIONS_LIMIT = 50;
const FORMS_LIMIT = 100;
const WEB_EVENTS_LIMIT = 100;
/** CRM batch reads take at most 100 inputs. */
const BATCH_READ_MAX = 100;

/** Where a pull stands inside its window (the checkpoint's cursor, as JSON). */
const positionSchema = z.object({
  v: z.literal(1),
  start: z.number(),
  end: z.number(),
  stage: z.enum(['email', 'forms', 'web']),
  offset: z.string().optional(),
  form: z.string().optional(),
  after: z.string().optional(),
});
type Position = z.infer<typeof positionSchema>;

/** The wire body checked against its schema; a mismatch is a malformed page. */
function parse<T>(schema: z.ZodType<T>, body: unknown, endpoint: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new MapSourceError(
    'hubspot',
    'MALFORMED',
    `${endpoint} answered a body Pulse cannot read (${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'schema mismatch'}); the next run resumes from the last stored page`,
    'malformed',
  );
}

/** Reads contacts (and their primary companies) for a page, once per pull. */
class People {
  private readonly idByEmail = new Map<string, string>();
  private readonly known = new Set<string>();
  private readonly companies = new Map<string, CrmRecord | null>();

  constructor(private readonly client: HubspotClient) {}

  /** Person ids for `emails`, and the people not yet handed over in this pull. */
  async forEmails(emails: Iterable<string>): Promise<{ idOf: Map<string, string>; people: MapPerson[] }> {
    const wanted = [...new Set(emails)].filter((e) => !this.idByEmail.has(e));
    const people: MapPerson[] = [];
    for (let i = 0; i < wanted.length; i += BATCH_READ_MAX) {
      const chunk = wanted.slice(i, i + BATCH_READ_MAX);
      const contacts = await this.read('contacts', chunk, 'email');
      people.push(...(await this.withCompanies(contacts)));
      const found = new Set<string>();
      for (const c of contacts) {
        const email = c.properties.email?.toLowerCase();
        if (email) {
          this.idByEmail.set(email, c.id);
          found.add(email);
        }
      }
      for (const email of chunk)
        if (!found.has(email)) {
          // A recipient HubSpot no longer has a contact for: keep the activity, matched by email.
          const p = emailOnlyPerson(email);
          this.idByEmail.set(email, p.id);
          people.push(p);
        }
    }
    return { idOf: this.idByEmail, people };
  }

  /** The people for contact ids not yet handed over in this pull. */
  async forIds(ids: Iterable<string>): Promise<MapPerson[]> {
    const wanted = [...new Set(ids)].filter((id) => !this.known.has(id));
    const people: MapPerson[] = [];
    for (let i = 0; i < wanted.length; i += BATCH_READ_MAX) {
      const chunk = wanted.slice(i, i + BATCH_READ_MAX);
      const contacts = await this.read('contacts', chunk, null);
      people.push(...(await this.withCompanies(contacts)));
      const found = new Set(contacts.map((c) => c.id));
      for (const id of chunk)
        if (!found.has(id)) {
          this.known.add(id);
          people.push({
            id,
            email: null,
            name: `HubSpot contact ${id}`,
            title: null,
            company: null,
            crmId: null,
            crmAccountId: null,
          });
        }
    }
    return people;
  }

  private async withCompanies(contacts: CrmRecord[]): Promise<MapPerson[]> {
    const fresh = contacts.filter((c) => !this.known.has(c.id));
    const companyIds = [
      ...new Set(
        fresh
          .map((c) => c.properties.associatedcompanyid)
          .filter((id): id is string => !!id && !this.companies.has(id)),
      ),
    ];
    for (let i = 0; i < companyIds.length; i += BATCH_READ_MAX) {
      const chunk = companyIds.slice(i, i + BATCH_READ_MAX);
      for (const id of chunk) this.companies.set(id, null);
      for (const c of await this.read('companies', chunk, null)) this.companies.set(c.id, c);
    }
    return fresh.map((c) => {
      this.known.add(c.id);
      const companyId = c.properties.associatedcompanyid;
      return toPerson(c, companyId ? (this.companies.get(companyId) ?? null) : null);
    });
  }

  /** CRM batch read by id or email: https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects */
  private async read(
    object: 'contacts' | 'companies',
    ids: string[],
    idProperty: 'email' | null,
  ): Promise<CrmRecord[]> {
    const path = `/crm/v3/objects/${object}/batch/read`;
    const body = await this.client.post(path, {
      properties: object === 'contacts' ? CONTACT_PROPERTIES : COMPANY_PROPERTIES,
      inputs: ids.map((id) => ({ id })),
      ...(idProperty ? { idProperty } : {}),
    });
    return parse(batchReadSchema, body, path).results;
  }
}

/** Pulls one HubSpot portal. */
export class HubspotConnector implements MapConnector {
  readonly source = 'hubspot' as const;

  constructor(private readonly config: HubspotConfig) {}

  /** Pages from `ctx.since` up to `ctx.now`; the last page carries the new watermark. */
  async *pull(ctx: MapPullContext): AsyncIterable<MapPage> {
    const client = new HubspotClient({
      baseUrl: this.config.baseUrl,
      auth: this.config.auth,
      fetch: ctx.fetch,
      sleep: ctx.sleep,
      random: ctx.random,
      countCall: ctx.countCall,
      now: () => Date.now(),
    });
    const people = new People(client);
    const nowMs = ctx.now.getTime();
    let watermark = ctx.since.watermark;
    let pos = resumePosition(ctx.since.cursor, ctx.orgId);
    if (!pos) {
      const start = watermark ? watermark.getTime() - this.config.overlapMs : nowMs - ctx.firstPullDays * 86_400_000;
      pos = { v: 1, start, end: nowMs, stage: 'email' };
    }
    pos.end = Math.min(pos.end, nowMs);
    const campaigns = new Map<number, string | null>();
    for (;;) {
      const win: Position = pos;
      const checkpoint = (p: Position) => ({ watermark, cursor: JSON.stringify(p) });
      if (win.stage === 'email')
        for await (const page of this.emailEvents(client, people, campaigns, win)) {
          yield { ...page, checkpoint: checkpoint(page.next) };
        }
      if (win.stage === 'email' || win.stage === 'forms')
        for await (const page of this.formSubmissions(client, people, win)) {
          yield { ...page, checkpoint: checkpoint(page.next) };
        }
      if (this.config.webAnalytics)
        for await (const page of this.pageViews(client, people, win, ctx.orgId)) {
          yield { ...page, checkpoint: checkpoint(page.next) };
        }
      watermark = new Date(win.end);
      yield { people: [], activities: [], checkpoint: { watermark, cursor: null } };
      // A resumed window ended before this run's `now`: carry on from it.
      if (win.end >= nowMs) return;
      pos = { v: 1, start: win.end - this.config.overlapMs, end: nowMs, stage: 'email' };
    }
  }

  /** Legacy email events in the window: https://developers.hubspot.com/docs/api-reference/legacy/email-analytics-v1/guide */
  private async *emailEvents(
    client: HubspotClient,
    people: People,
    campaigns: Map<number, string | null>,
    w: Position,
  ): AsyncIterable<PageWithNext> {
    let offset = w.stage === 'email' ? w.offset : undefined;
    for (;;) {
      const path = '/email/public/v1/events';
      const body = parse(
        emailEventsSchema,
        await client.get(path, { startTimestamp: w.start, endTimestamp: w.end, limit: EMAIL_EVENTS_LIMIT, offset }),
        path,
      );
      const counted = body.events.filter((e) => EMAIL_EVENT_TYPES[e.type] && e.recipient);
      const { idOf, people: newPeople } = await people.forEmails(counted.map((e) => e.recipient!.toLowerCase()));
      for (const id of new Set(counted.map((e) => e.emailCampaignId))) {
        if (id === null || id === undefined || campaigns.has(id)) continue;
        campaigns.set(id, await campaignName(client, id));
      }
      const activities: MapActivity[] = [];
      for (const e of counted) {
        const name = e.emailCampaignId != null ? (campaigns.get(e.emailCampaignId) ?? null) : null;
        const a = emailActivity(e, idOf.get(e.recipient!.toLowerCase())!, name);
        if (a) activities.push(a);
      }
      if (body.hasMore && !body.offset)
        throw new MapSourceError('hubspot', 'MALFORMED', `${path} said hasMore without an offset`, 'malformed');
      const next: Position = body.hasMore
        ? { v: 1, start: w.start, end: w.end, stage: 'email', offset: body.offset! }
        : { v: 1, start: w.start, end: w.end, stage: 'forms' };
      yield { people: newPeople, activities, next };
      if (!body.hasMore) return;
      offset = body.offset!;
    }
  }

  /**
   * Submissions of every form, newest first (the API has no time filter): each form is read
   * until a page reaches back past the window's start.
   * https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v1/get-form-integrations-v1-submissions-forms-form_guid
   */
  private async *formSubmissions(client: HubspotClient, people: People, w: Position): AsyncIterable<PageWithNext> {
    const forms = await listForms(client);
    // Forms in id order, so a resumed pull skips exactly the forms already read.
    forms.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const resumeForm = w.stage === 'forms' ? w.form : undefined;
    const afterForms: Position = { v: 1, start: w.start, end: w.end, stage: 'web' };
    for (let i = 0; i < forms.length; i++) {
      const form = forms[i]!;
      if (resumeForm && form.id < resumeForm) continue;
      let after = resumeForm === form.id && w.stage === 'forms' ? w.after : undefined;
      const nextForm = forms[i + 1];
      for (;;) {
        const path = `/form-integrations/v1/submissions/forms/${form.id}`;
        const body = parse(submissionsSchema, await client.get(path, { limit: SUBMISSIONS_LIMIT, after }), path);
        const inWindow = body.results.filter((s) => s.submittedAt >= w.start && s.submittedAt <= w.end);
        const reachedStart = body.results.some((s) => s.submittedAt < w.start);
        const cursor = body.paging?.next?.after;
        const done = !cursor || reachedStart;
        const withEmail = inWindow.filter((s) => submissionEmail(s));
        const { idOf, people: newPeople } = await people.forEmails(withEmail.map((s) => submissionEmail(s)!));
        const activities = withEmail.map((s) =>
          submissionActivity(s, idOf.get(submissionEmail(s)!)!, form.name, this.config.downloadForms),
        );
        const next: Position = !done
          ? { v: 1, start: w.start, end: w.end, stage: 'forms', form: form.id, after: cursor }
          : nextForm
            ? { v: 1, start: w.start, end: w.end, stage: 'forms', form: nextForm.id }
            : afterForms;
        yield { people: newPeople, activities, next };
        if (done) break;
        after = cursor;
      }
    }
    if (forms.length === 0) yield { people: [], activities: [], next: afterForms };
  }

  /**
   * Page views in the window from the Events API (Enterprise only; a portal without it answers
   * 403 and the stream is skipped with a warning).
   * https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics
   */
  private async *pageViews(
    client: HubspotClient,
    people: People,
    w: Position,
    orgId: string,
  ): AsyncIterable<PageWithNext> {
    let after = w.stage === 'web' ? w.after : undefined;
    for (;;) {
      const path = '/events/v3/events';
      let raw: unknown;
      try {
        raw = await client.get(path, {
          objectType: 'contact',
          eventType: PAGE_VIEW_EVENT,
          // The API's bounds are exclusive; widen by 1 ms so the window is closed at both ends.
          occurredAfter: new Date(w.start - 1).toISOString(),
          occurredBefore: new Date(w.end + 1).toISOString(),
          limit: WEB_EVENTS_LIMIT,
          after,
        });
      } catch (e) {
        if (
          e instanceof MapSourceError &&
          e.kind === 'auth' &&
          (e.code === 'MISSING_SCOPES' || e.code === 'FORBIDDEN')
        ) {
          log.warn(
            { org: orgId, source: 'hubspot', stream: 'web' },
            'HubSpot refused the Events API (Enterprise only, scope analytics.behavioral_events.send): page views are skipped; set webAnalytics=off to silence this',
          );
          return;
        }
        throw e;
      }
      const body = parse(webEventsSchema, raw, path);
      const events = body.results.filter((e) => e.eventType === PAGE_VIEW_EVENT);
      const newPeople = await people.forIds(events.map((e) => e.objectId));
      const cursor = body.paging?.next?.after;
      const next: Position = { v: 1, start: w.start, end: w.end, stage: 'web', ...(cursor ? { after: cursor } : {}) };
      yield { people: newPeople, activities: events.map(webActivity), next };
      if (!cursor) return;
      after = cursor;
    }
  }
}

interface PageWithNext {
  people: MapPerson[];
  activities: MapActivity[];
  next: Position;
}

/** The stored cursor, or null (a cursor from another connector version starts the window afresh). */
function resumePosition(cursor: string | null, orgId: string): Position | null {
  if (!cursor) return null;
  try {
    return positionSchema.parse(JSON.parse(cursor));
  } catch {
    log.warn(
      { org: orgId, source: 'hubspot' },
      'stored HubSpot cursor is not readable; the pull restarts from the watermark',
    );
    return null;
  }
}

/** Every form: https://developers.hubspot.com/docs/api/marketing/forms */
async function listForms(client: HubspotClient): Promise<Array<{ id: string; name: string }>> {
  const out: Array<{ id: string; name: string }> = [];
  let after: string | undefined;
  for (;;) {
    const path = '/marketing/v3/forms';
    const body = parse(formsSchema, await client.get(path, { limit: FORMS_LIMIT, after }), path);
    out.push(...body.results.map((f) => ({ id: f.id, name: f.name })));
    after = body.paging?.next?.after;
    if (!after) return out;
  }
}

/** The marketing email's name (sends, opens and clicks of one email share it); null when gone. */
async function campaignName(client: HubspotClient, id: number): Promise<string | null> {
  const path = `/email/public/v1/campaigns/${id}`;
  try {
    const c = parse(campaignSchema, await client.get(path), '/email/public/v1/campaigns/{id}');
    return c.name ?? c.subject ?? `HubSpot email ${id}`;
  } catch (e) {
    if (e instanceof MapSourceError && e.code === 'OBJECT_NOT_FOUND') return `HubSpot email ${id}`;
    throw e;
  }
}

/** HubSpot's factory. */
export const hubspot: MapConnectorFactory = {
  source: 'hubspot',
  keys: HUBSPOT_KEYS,
  validate: validateHubspot,
  fromEnv: hubspotFromEnv,
  create: (config) => new HubspotConnector(resolveHubspot(config)),
};
