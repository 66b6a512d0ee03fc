/**
 * The console's routes in the OpenAPI document: sign-in (/auth/*) and the admin API (/api/*),
 * described by the schemas the routes validate with (adminRoutes/schemas.ts).
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ErrorBody } from '../ingest/schemas';
import {
  CallbackQuery,
  ConnectionBody,
  KeyCreate,
  KeyCreated,
  KeyParams,
  MapEntry,
  MapParams,
  MapSettingsBody,
  MapTestResult,
  PreviewBody,
  AccountDetailBody,
  AccountHitBody,
  AccountParams,
  AccountsQuery,
  RunParams,
  RunRowBody,
  RunsQuery,
  ScheduleBody,
  DraftBody,
  JobBody,
  JobParams,
  JobStarted,
  ModelBody,
  PublishBody,
  RollbackBody,
  VersionParams,
  VersionRowBody,
  MappingBody,
  MappingBodyOut,
  MappingEntry,
  MappingParams,
  PreflightBody,
  SalesforceSignInQuery,
  SessionBody,
  TokenSignIn,
} from './adminRoutes/schemas';

const json = (schema: z.ZodTypeAny) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json(ErrorBody) });

/** The errors every /api route may answer. */
export const API_ERRORS = {
  401: err('No console session (NO_SESSION): sign in at /signin'),
  403: err("A write without the session's X-CSRF-Token (CSRF), or by a viewer (FORBIDDEN_ROLE)"),
};
/** …and a route that takes input. */
export const BAD_INPUT = { 400: err('Invalid input (BAD_REQUEST): issues name each field') };

/** Registers the console's paths; `security` is the session cookie scheme. */
export function registerConsolePaths(registry: OpenAPIRegistry): void {
  const cookie = registry.registerComponent('securitySchemes', 'consoleSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'pulse_session',
    description:
      'The console session (signed, http-only, SameSite=Lax). State-changing requests also need the X-CSRF-Token header.',
  });
  const security = [{ [cookie.name]: [] }];
  const csrf = z.object({ 'x-csrf-token': z.string().openapi({ description: 'csrfToken of GET /api/session' }) });

  registry.registerPath({
    method: 'post',
    path: '/auth/token',
    summary: 'Sign in to the console with the bootstrap token (npx pulse admin token)',
    request: { body: { required: true, content: json(TokenSignIn) } },
    responses: {
      200: { description: 'Signed in as admin; sets the session cookie', content: json(SessionBody) },
      ...BAD_INPUT,
      401: err('Not a live bootstrap token (BAD_TOKEN)'),
      429: {
        description: 'Too many failed sign-ins from this address (TOO_MANY_SIGNINS): 10, then 1/s',
        headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } } },
        content: json(ErrorBody),
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/auth/salesforce',
    summary: "Sign in with Salesforce: redirects to the org's authorize page (web-server flow, PKCE S256, state)",
    request: { query: SalesforceSignInQuery },
    responses: {
      302: { description: 'To <login URL>/services/oauth2/authorize; sets the short-lived state cookie' },
      ...BAD_INPUT,
      503: err('SF_CLIENT_ID is not set (SALESFORCE_SIGNIN_OFF)'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/auth/salesforce/callback',
    summary: 'Where Salesforce sends the browser back: exchanges the code, reads the user, starts the session',
    request: { query: CallbackQuery },
    responses: {
      302: { description: 'Signed in (admin or viewer by Salesforce permissions); to /' },
      400: err("Missing code or state (BAD_REQUEST), or a state that is not this browser's (BAD_STATE)"),
      401: err('Salesforce refused (SIGNIN_REFUSED) or the code exchange failed (SIGNIN_FAILED)'),
      429: err('Too many failed sign-ins from this address (TOO_MANY_SIGNINS)'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/auth/signout',
    summary: 'Sign out: the session is revoked server side and its cookie cleared',
    security,
    request: { headers: csrf },
    responses: {
      204: { description: 'Signed out (also when there was no session)' },
      403: err('A session without its X-CSRF-Token (CSRF)'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/session',
    summary: 'Who is signed in, their role and the CSRF token',
    security,
    responses: { 200: { description: 'The session', content: json(SessionBody) }, 401: API_ERRORS[401] },
  });
  const api = (
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    summary: string,
    request: Record<string, unknown>,
    responses: Record<number, unknown>,
  ) =>
    registry.registerPath({
      method,
      path,
      summary,
      security,
      request: method === 'get' ? request : { headers: csrf, ...request },
      responses: { ...API_ERRORS, ...responses } as never,
    });
  const notFound = (what: string) => ({ 404: err(what) });

  api(
    'get',
    '/api/connection',
    'The Salesforce connection, each MAP (no secrets) and the API keys',
    {},
    {
      200: { description: 'The Connect page', content: json(ConnectionBody) },
    },
  );
  api(
    'put',
    '/api/connection/maps/{source}',
    "Save a MAP's settings and secrets (secrets are stored encrypted and never answered)",
    { params: MapParams, body: { required: true, content: json(MapSettingsBody) } },
    {
      200: { description: 'The saved MAP entry', content: json(MapEntry) },
      ...BAD_INPUT,
      409: err('PULSE_SECRET_KEY is not set (SECRET_KEY_MISSING)'),
    },
  );
  api(
    'post',
    '/api/connection/maps/{source}/test',
    "Test a MAP connection: signs in to the vendor and reads the last hour's first page",
    { params: MapParams },
    {
      200: { description: 'ok, or the vendor error in words', content: json(MapTestResult) },
      ...BAD_INPUT,
      ...notFound('The MAP is not connected (NO_CONNECTION)'),
    },
  );
  api(
    'post',
    '/api/keys',
    'Create an ingestion API key; the key is answered this once',
    {
      body: { required: false, content: json(KeyCreate) },
    },
    { 201: { description: 'The key, shown once', content: json(KeyCreated) }, ...BAD_INPUT },
  );
  api(
    'delete',
    '/api/keys/{id}',
    'Revoke an ingestion API key',
    { params: KeyParams },
    {
      204: { description: 'Revoked' },
      ...notFound('No such key in this org (NO_KEY)'),
    },
  );
  const sfDown = { 502: err('Salesforce could not be reached or refused (SALESFORCE_ERROR)') };
  api(
    'get',
    '/api/preflight',
    'The last permissions check (runs one when none ran yet)',
    {},
    {
      200: { description: 'Read and write checklists', content: json(PreflightBody) },
      ...sfDown,
    },
  );
  api(
    'post',
    '/api/preflight',
    'Re-run the read and write preflights',
    {},
    {
      200: { description: 'Read and write checklists', content: json(PreflightBody) },
      ...sfDown,
    },
  );
  api(
    'get',
    '/api/mapping',
    "Every output's Account field and type check, and Account's describe fields",
    {},
    {
      200: { description: 'The field mapping', content: json(MappingBodyOut) },
    },
  );
  api(
    'put',
    '/api/mapping/{output}',
    'Map an output to an Account field (null: off); the write preflight must pass first',
    { params: MappingParams, body: { required: true, content: json(MappingBody) } },
    {
      200: { description: 'The new entry', content: json(MappingEntry) },
      400: err('Bad output or field, or the field fails the write preflight (issues path "field")'),
      ...sfDown,
    },
  );
  const modelInvalid = {
    400: err('Invalid input, or the model fails `pulse model validate` (issues name each field)'),
  };
  api(
    'get',
    '/api/model',
    'The live model, the draft and the defaults',
    {},
    {
      200: { description: 'The model editor', content: json(ModelBody) },
    },
  );
  api(
    'put',
    '/api/model/draft',
    'Save the draft model (validated as pulse model validate does)',
    { body: { required: true, content: json(DraftBody) } },
    {
      200: { description: 'The saved draft', content: json(z.object({ model: z.record(z.unknown()) })) },
      ...modelInvalid,
    },
  );
  api(
    'get',
    '/api/model/versions',
    'Every published version with its figures, newest first',
    {},
    {
      200: { description: 'Versions', content: json(z.array(VersionRowBody)) },
    },
  );
  const started = { 202: { description: 'Started; poll GET /api/jobs/{id}', content: json(JobStarted) } };
  api(
    'post',
    '/api/model/versions',
    'Publish a model as a new immutable version; re-computes the 90-day history in a job',
    { body: { required: true, content: json(PublishBody) } },
    {
      ...started,
      ...modelInvalid,
      409: err(
        'baseVersion is not the live version (STALE_VERSION), a job is under way (JOB_RUNNING), or the model is published already (ALREADY_PUBLISHED)',
      ),
    },
  );
  api(
    'post',
    '/api/model/versions/{version}/rollback',
    'Make an earlier version live again; re-computes the 90-day history in a job',
    { params: VersionParams, body: { required: true, content: json(RollbackBody) } },
    {
      ...started,
      ...BAD_INPUT,
      ...notFound('No such version (NO_VERSION)'),
      409: err(
        'baseVersion is not the live version (STALE_VERSION), a job is under way (JOB_RUNNING), or the version is live (ALREADY_LIVE)',
      ),
    },
  );
  api(
    'get',
    '/api/jobs/{id}',
    "A job's progress",
    { params: JobParams },
    {
      200: { description: 'The job', content: json(JobBody) },
      ...BAD_INPUT,
      ...notFound('No such job in this org (NO_JOB)'),
    },
  );
  api(
    'get',
    '/api/accounts',
    'Search accounts by name or domain, best score first',
    { query: AccountsQuery },
    {
      200: { description: "Accounts with the live version's latest score", content: json(z.array(AccountHitBody)) },
      ...BAD_INPUT,
    },
  );
  api(
    'get',
    '/api/accounts/{id}',
    "An account's card values, 90-day history and score receipt",
    { params: AccountParams },
    {
      200: { description: 'The account page', content: json(AccountDetailBody) },
      ...BAD_INPUT,
      ...notFound('No such account (NO_ACCOUNT)'),
      409: err('No model is live yet (NO_MODEL)'),
    },
  );
  api(
    'get',
    '/api/runs',
    'The run log (as pulse runs --json), newest first',
    { query: RunsQuery },
    {
      200: { description: 'Runs', content: json(z.array(RunRowBody)) },
      ...BAD_INPUT,
    },
  );
  api(
    'get',
    '/api/runs/{id}',
    'One run',
    { params: RunParams },
    {
      200: { description: 'The run', content: json(RunRowBody) },
      ...BAD_INPUT,
      ...notFound('No such run (NO_RUN)'),
    },
  );
  api(
    'post',
    '/api/runs',
    'Run the daily cycle now, as a job',
    {},
    {
      202: { description: 'Started; poll GET /api/jobs/{id}', content: json(z.object({ jobId: z.string() })) },
      409: err('A publish, rollback or run is under way (JOB_RUNNING)'),
    },
  );
  api(
    'get',
    '/api/schedule',
    'The daily run schedule and when it next fires',
    {},
    {
      200: { description: 'The schedule', content: json(ScheduleBody) },
    },
  );
  api(
    'post',
    '/api/model/preview',
    "Score a draft on today's data next to the live model: histogram, bands, trends, band changes, movers, backtests",
    { body: { required: true, content: json(DraftBody) } },
    { 200: { description: 'The preview', content: json(PreviewBody) }, ...modelInvalid },
  );
}
