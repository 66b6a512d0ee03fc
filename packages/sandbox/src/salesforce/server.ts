/**
 * The Salesforce emulator's HTTP server: OAuth, REST, describe, writes, limits, Bulk 2.0
 * (D2's bulk2.ts when present), with switchable faults and a call log.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { CallLog, recordCall } from '../kit/callLog';
import { makeClock, type Clock } from '../kit/clock';
import { listen } from '../kit/server';
import { TokenBook } from '../kit/tokens';
import { sendError, sendJson, type BulkLimits, type EmulatorContext } from './context';
import { FieldPermissions } from './describe';
import { Faults } from './faults';
import { makeId } from './ids';
import { createLimits, limitInfoHeader } from './limits';
import { bearer, oauthRouter, Sessions, type SessionData } from './oauth';
import { restRouter, supportedVersion, versionsBody } from './rest';
import { loadCustomFields, Schema } from './schema';
import { sobjectsRouter } from './sobjects';
import { OrgStore } from './store';
import { AssignmentRules } from './assignment';
import {
  IntegrationUser,
  loadPermissionSet,
  READ_ONLY_PERMISSIONS,
  READ_ONLY_USERNAME,
  type PermissionGrant,
} from './user';
import { generateOrg } from '../generator/generateOrg';
import type { AccountBundle, GenerateOptions, SfRecord } from '../generator/types';

/**
 * What the emulator loads: the generator's org (its `bundles()` pass is much cheaper than `records`),
 * or just the records, for tests that plant their own.
 */
export interface OrgToLoad {
  records: Partial<Record<string, Iterable<SfRecord>>>;
  bundles?: () => Iterable<AccountBundle>;
  /** The org's active Lead assignment rule (a generated org routes every lead to one queue user). */
  leadAssignmentRule?: { name: string; ownerId: string } | null;
}

/** The record lists of an account bundle. */
type BundlePart = 'contacts' | 'leads' | 'opportunities' | 'tasks' | 'events' | 'campaignMembers';

/** Bundle keys in load order (contacts/opportunities before the activities that derive AccountId from them). */
const BUNDLE_PARTS: Array<[BundlePart, string]> = [
  ['contacts', 'Contact'],
  ['leads', 'Lead'],
  ['opportunities', 'Opportunity'],
  ['tasks', 'Task'],
  ['events', 'Event'],
  ['campaignMembers', 'CampaignMember'],
];

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** A generated org, or the generator's options (the org is generated as of the emulator's clock). */
  org?: OrgToLoad | Omit<GenerateOptions, 'now'>;
  /** DailyApiRequests Max (default 100000). */
  apiDailyLimit?: number;
  /** How far past DailyApiRequests Max calls are still served (0.1 = 10%; default 0: refused at Max). */
  apiSoftLimitShare?: number;
  /** Bulk API 2.0 daily limits (default Salesforce's: 10,000 query jobs, 15,000 batches, 150M records). */
  bulkDailyLimits?: Partial<BulkLimits>;
  /** Access token lifetime (default 7200 s). */
  tokenTtlSeconds?: number;
  /** The org's clock (default: the wall clock); `emulator.clock.advance()` moves it on. */
  now?: () => Date;
  /** Directory holding `objects/<Obj>/fields/*.field-meta.xml` (default: ./force-app if present). */
  forceAppDir?: string | null;
  /** The connected app's certificate or public key (PEM) for the JWT bearer flow. */
  jwtCertificate?: string;
  /** The connected app's callback URLs; the authorize endpoint refuses other redirect_uris. Default: any. */
  callbackUrls?: readonly string[];
  /**
   * What the integration user may do: a permission set's name (read from `forceAppDir`, or
   * ./force-app when that is null), or the grant itself. Default: a System Administrator's permissions.
   */
  integrationUser?: { permissionSet: string } | PermissionGrant;
  /**
   * The org's second, read-only user (API Enabled only: no Customize Application, no Modify All
   * Data), who signs in on the authorize page with `login_hint` = this username. Default
   * viewer@pulse.local.
   */
  readOnlyUsername?: string;
}

export interface Emulator {
  instanceUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  orgId: string;
  userId: string;
  store: OrgStore;
  schema: Schema;
  faults: Faults;
  callLog: CallLog;
  clock: Clock;
  permissions: FieldPermissions;
  /** The integration user's system permissions (`emu.user.revoke('ViewSetup')`). */
  user: IntegrationUser;
  /** The read-only user: who they are and their system permissions (`emu.readOnlyUser.permissions.grant(…)`). */
  readOnlyUser: { userId: string; username: string; permissions: IntegrationUser };
  /** Lead assignment rules (`emu.assignmentRules.active()`); a generated org has one active. */
  assignmentRules: AssignmentRules;
  context: EmulatorContext;
  /** Issues an access token directly (as a client-credentials grant would). */
  issueToken(): string;
  close(): Promise<void>;
}

type BulkRouterFactory = (ctx: EmulatorContext) => Router;

/** D2's Bulk 2.0 router, if bulk2.ts is present. */
function loadBulk2(): BulkRouterFactory | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./bulk2') as { bulk2Router?: BulkRouterFactory };
    return mod.bulk2Router;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/** Objects in dependency order so derived fields (Task.AccountId) resolve on load. */
const LOAD_ORDER = ['User', 'Account', 'Contact', 'Lead', 'Campaign', 'CampaignMember', 'Opportunity', 'Task', 'Event'];

/** Loads a generated org into the store; returns records loaded per object. */
export function loadOrg(store: OrgStore, org: OrgToLoad): Record<string, number> {
  const counts: Record<string, number> = {};
  if (org.bundles) {
    const add = (o: string, recs: Iterable<SfRecord>) => (counts[o] = (counts[o] ?? 0) + store.load(o, recs));
    for (const o of ['User', 'Campaign']) if (org.records[o]) add(o, org.records[o]);
    for (const b of org.bundles()) {
      add('Account', [b.account]);
      for (const [key, o] of BUNDLE_PARTS) add(o, b[key]);
    }
    return counts;
  }
  const objects = [...LOAD_ORDER, ...Object.keys(org.records).filter((o) => !LOAD_ORDER.includes(o))];
  for (const o of objects) {
    const recs = org.records[o];
    if (recs && store.objectName(o)) counts[o] = store.load(o, recs);
  }
  return counts;
}

/** Starts an emulator on `opts.port` (0 = free port). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const clock = makeClock(opts.now);
  const schema = new Schema();
  const forceApp = opts.forceAppDir === undefined ? 'force-app' : opts.forceAppDir;
  if (forceApp) loadCustomFields(forceApp, schema);
  const store = new OrgStore({ schema, now: () => clock.now() });
  const orgId = makeId('00D', 1);
  const username = opts.username ?? 'integration@pulse.local';
  const readOnlyUsername = opts.readOnlyUsername ?? READ_ONLY_USERNAME;
  // A fixed id far past what the store's minter hands out, so it never collides with a generated user.
  const readOnlyUserId = makeId('005', 900_001);
  store.load('User', [
    {
      Id: store.userId,
      Username: username,
      FirstName: 'Pulse',
      LastName: 'Integration',
      Email: username,
      IsActive: true,
    },
    {
      Id: readOnlyUserId,
      Username: readOnlyUsername,
      FirstName: 'Riley',
      LastName: 'Viewer',
      Email: readOnlyUsername,
      IsActive: true,
    },
  ]);
  const assignmentRules = new AssignmentRules();
  if (opts.org) {
    const org = 'records' in opts.org ? opts.org : generateOrg({ ...opts.org, now: clock.now() });
    loadOrg(store, org);
    if (org.leadAssignmentRule) assignmentRules.add({ id: makeId('01Q', 1), ...org.leadAssignmentRule, active: true });
  }

  const tokenTtlSeconds = opts.tokenTtlSeconds ?? 7200;
  const tokens = new TokenBook<SessionData>(clock, tokenTtlSeconds * 1000);
  const faults = new Faults(tokens);
  const callLog = new CallLog();
  const permissions = new FieldPermissions();
  const user = new IntegrationUser(
    opts.integrationUser && 'permissionSet' in opts.integrationUser
      ? loadPermissionSet(forceApp ?? 'force-app', opts.integrationUser.permissionSet)
      : opts.integrationUser,
  );
  const readOnlyPermissions = new IntegrationUser({ userPermissions: READ_ONLY_PERMISSIONS, viewAllRecords: [] });
  const limits = createLimits(store, faults, opts.apiDailyLimit ?? 100_000, {
    softShare: opts.apiSoftLimitShare,
    bulk: opts.bulkDailyLimits,
  });
  const clientId = opts.clientId ?? 'pulse-local';
  const clientSecret = opts.clientSecret ?? 'pulse-local-secret';
  const password = opts.password ?? 'pulse-local-password';
  const ctx: EmulatorContext = {
    store,
    schema,
    limits,
    faults,
    clock,
    auth: { session: () => null },
    permissions,
    user,
    userFor: (id) => (id === readOnlyUserId ? readOnlyPermissions : user),
    assignmentRules,
    callLog,
    instanceUrl: '',
    orgId,
  };
  const sessions = new Sessions(
    {
      clientId,
      clientSecret,
      username,
      password,
      userId: store.userId,
      orgId,
      tokenTtlSeconds,
      jwtCertificate: opts.jwtCertificate,
      callbackUrls: opts.callbackUrls,
      otherUsers: [{ userId: readOnlyUserId, username: readOnlyUsername, name: 'Riley Viewer' }],
    },
    clock,
    tokens,
  );
  ctx.auth = sessions;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    // Clients that keep the instance URL with a trailing slash (Salesforce's own CLI) ask for
    // `//services/...`; Salesforce answers those as if the slash were single.
    if (req.url.startsWith('//')) req.url = req.url.replace(/^\/+/, '/');
    recordCall(callLog, req, res, (call) => call);
    next();
  });
  app.use(oauthRouter(ctx, sessions));

  app.get(['/services/data', '/services/data/'], (_req, res) => sendJson(res, 200, versionsBody()));

  const api = express.Router({ mergeParams: true });
  api.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!supportedVersion(String(req.params.version)))
      return sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    if (faults.takeReset()) {
      req.socket.destroy();
      return;
    }
    if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs));
    if (faults.takeUnavailable()) {
      if (faults.unavailableHtml)
        return res.status(503).type('text/html').send('<html><body><h1>Service Unavailable</h1></body></html>');
      return sendError(res, 503, 'SERVER_UNAVAILABLE', 'Server too busy');
    }
    faults.takeExpireOn(req.originalUrl.split('?')[0]!);
    const token = bearer(req);
    const session = token ? sessions.session(token) : null;
    if (!session) return sendError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    res.locals.session = session;
    if (!limits.consume(1)) {
      res.set('Sforce-Limit-Info', limitInfoHeader(limits));
      return sendError(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    res.set('Sforce-Limit-Info', limitInfoHeader(limits));
    next();
  });
  api.use(express.json({ limit: '50mb' }));
  const bulk2 = loadBulk2();
  if (bulk2) api.use('/jobs', bulk2(ctx));
  api.use(restRouter(ctx));
  api.use(sobjectsRouter(ctx));
  api.use((_req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist'));
  app.use('/services/data/:version', api);

  app.use((_req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist'));
  app.use((e: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (e.type === 'entity.parse.failed')
      return sendError(res, 400, 'JSON_PARSER_ERROR', `Unexpected character: ${e.message}`);
    if (e.type === 'entity.too.large')
      return sendError(res, 413, 'REQUEST_ENTITY_TOO_LARGE', 'Request entity too large');
    sendError(res, 500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred: ${e.message}`);
  });

  const http = await listen(app, { port: opts.port, host: opts.host });
  const base = http.url;
  ctx.instanceUrl = base;

  return {
    instanceUrl: base,
    loginUrl: base,
    clientId,
    clientSecret,
    username,
    password,
    orgId,
    userId: store.userId,
    store,
    schema,
    faults,
    callLog,
    clock,
    permissions,
    user,
    readOnlyUser: { userId: readOnlyUserId, username: readOnlyUsername, permissions: readOnlyPermissions },
    assignmentRules,
    context: ctx,
    issueToken: () => sessions.issue(clientId).accessToken,
    close: http.close,
  };
}
