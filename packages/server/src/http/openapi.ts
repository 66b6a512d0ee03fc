import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ErrorBody, EventsBody, IngestRejected, IngestReport, MAX_BATCH_ITEMS, SegmentBody } from '../ingest/schemas';
import { registerConsolePaths } from './consoleOpenapi';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT } from './ingestRoutes';

const RunStatusSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    status: z.string(),
    startedAt: z.string().datetime(),
    finishedAt: z.string().datetime().nullable(),
    counts: z.record(z.number()),
    apiCalls: z.record(z.unknown()),
    errors: z.array(z.record(z.unknown())),
  })
  .openapi('RunStatus');

const StatusSchema = z
  .object({
    now: z.string().datetime(),
    orgs: z.array(z.object({ id: z.string(), name: z.string(), runs: z.array(RunStatusSchema) })),
  })
  .openapi('Status');

const Health = z.object({ status: z.literal('ok') }).openapi('Health');
const Ready = z
  .object({ status: z.enum(['ready', 'unavailable']), reason: z.string().optional() })
  .openapi('Readiness');

const json = (schema: z.ZodTypeAny) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json(ErrorBody) });

// What every ingestion route promises about items, in its description.
const ITEM_RULES =
  'Items are validated one by one against what the store holds (the lengths in the schemas; no NUL character or unpaired surrogate in any string; times from 1970-01-01 to a day ahead of the server clock; http(s) URLs only): a bad item is rejected on its own and never fails the request. The answer says accepted or rejected and why, never which account an item matched.';

function ingestResponses(what: string) {
  return {
    200: { description: `Every ${what} was accepted and stored`, content: json(IngestReport) },
    207: {
      description: `Some ${what}s were rejected (each says why); the accepted ones are stored`,
      content: json(IngestReport),
    },
    400: {
      description: `Bad JSON or envelope (Error), or no ${what} was valid (the report, with error and code)`,
      content: json(z.union([IngestRejected, ErrorBody])),
    },
    401: err('Missing, unknown or revoked API key'),
    403: err("The request names an org other than the key's"),
    413: err(
      `Body over the size limit (default ${DEFAULT_MAX_BODY_BYTES} bytes) or more than ${MAX_BATCH_ITEMS} items`,
    ),
    415: err('Body is not application/json'),
    429: {
      description: `Rate limit per key (default ${DEFAULT_RATE_LIMIT.perSecond} requests/s, bursts of ${DEFAULT_RATE_LIMIT.burst}), per address (five keys' worth), or failed sign-ins from the address (10, then 1/s); shared by every web process`,
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } } },
      content: json(ErrorBody),
    },
  };
}

/** The OpenAPI 3.1 description of the web API, generated from the zod schemas that validate it. */
export function buildOpenApi(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A per-org ingestion key (npx pulse keys create). Segment-style Basic auth with the key as user also works.',
  });
  const security = [{ [bearer.name]: [] }];
  const OrgParam = z.object({ org: z.string().openapi({ description: "Must be the key's org" }) });
  for (const prefix of ['', '/v1/orgs/{org}'] as const) {
    const withOrg = prefix ? { params: OrgParam } : {};
    registry.registerPath({
      method: 'post',
      path: `${prefix || '/v1'}/events`,
      summary: 'Ingest web visits, ad engagement and intent signals',
      description: `Up to ${MAX_BATCH_ITEMS} events. Idempotent by event id. ${ITEM_RULES}`,
      security,
      request: { ...withOrg, body: { required: true, content: json(EventsBody) } },
      responses: ingestResponses('event'),
    });
    registry.registerPath({
      method: 'post',
      path: `${prefix || '/v1'}/segment`,
      summary: 'Ingest Segment track, page, identify and group calls (one, or { batch })',
      description: `Up to ${MAX_BATCH_ITEMS} messages, idempotent by messageId. page → web_visit; track → its mapped activity type; identify/group teach visitor → email/company. ${ITEM_RULES}`,
      security,
      request: { ...withOrg, body: { required: true, content: json(SegmentBody) } },
      responses: ingestResponses('message'),
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'The process answers',
    responses: { 200: { description: 'Up', content: json(Health) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'The database answers and is migrated',
    responses: {
      200: { description: 'Ready', content: json(Ready) },
      503: { description: 'Not ready; reason says why', content: json(Ready) },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/status',
    summary: 'The last runs of every org (send PULSE_ADMIN_TOKEN as a bearer token)',
    request: {
      query: z.object({
        kind: z.string().optional().openapi({ description: 'Only runs of this kind (sync, score, write, daily, …)' }),
        limit: z.number().int().min(1).max(100).optional().openapi({ description: 'Runs per org (default 10)' }),
      }),
    },
    responses: {
      200: { description: 'Runs, newest first', content: json(StatusSchema) },
      400: err('Bad query'),
      401: err('No admin token, or not PULSE_ADMIN_TOKEN'),
      403: err('PULSE_ADMIN_TOKEN is not set: the status is not served'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (PULSE_METRICS_TOKEN as a bearer token; unset: clients on this machine only)',
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
      401: err('PULSE_METRICS_TOKEN is set and was not sent'),
      403: err('PULSE_METRICS_TOKEN is not set and the client is not on this machine'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1', content: json(z.record(z.unknown())) } },
  });
  registerConsolePaths(registry);
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Pulse API',
      version: '1',
      description:
        "Ingestion (web, ads, intent, Segment), health, status and metrics of the Pulse web process, and the admin console's sign-in and JSON admin API (docs/console-api.md).",
    },
  });
  return doc as unknown as Record<string, unknown>;
}
