import { randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express from 'express';
import { readConfig, type Config } from '../config';
import { log as rootLog, type Logger } from '../log';
import type { Db } from '../store/db';
import { requireAdmin, requireScraper, type AccessConfig } from './access';
import { asyncRoute } from './asyncRoute';
import { errorHandler } from './errorHandler';
import { healthRouter } from './health';
import { HttpError } from './httpError';
import { ingestRouter, type IngestConfig } from './ingestRoutes';
import { createMetrics, type PulseMetrics } from './metrics';
import { consoleRouter } from './console';
import { buildOpenApi } from './openapi';
import { adminRouters } from './adminRoutes';
import { defaultConnect, type AdminContext } from './adminRoutes/context';
import { JobRunner } from './adminRoutes/jobs';
import { requireCsrf } from './csrf';
import { requestLog } from './requestLog';
import { loadSession, requireSession, requireWriteRole, sessionOf } from './session';
import { signInRouter, type SignInOptions } from './signin';
import { statusRouter } from './status';

/** What the web app needs; everything but `db` has a default. */
export interface AppDeps {
  /** The migrated store. The app never closes it: its owner does. */
  db: Db;
  /** The clock (tests pin it). Default: the system clock. */
  now?: () => Date;
  /** The logger requests and errors go to. Default: the process logger. */
  log?: Logger;
  /** A metrics registry to share with other parts of the process. Default: a new one for this app. */
  metrics?: PulseMetrics;
  /** Ingestion limits (body size, rate per key) and the Segment track-event map. */
  ingest?: IngestConfig;
  /** The admin and scrape tokens. Default: none (no status; metrics from loopback only). */
  access?: AccessConfig;
  /** The admin console: sessions, sign-in and the /api routes. */
  console?: ConsoleDeps;
}

/** The console's part of the app. */
export interface ConsoleDeps {
  /** Signs the session cookie. Default: a random one for this app (sessions end with the process). */
  sessionSecret?: string;
  /** The configuration the admin routes act with. Default: read from the environment. */
  config?: Config;
  /** Sign-in settings over the config's (tests route Salesforce calls, pin the public URL). */
  signIn?: Partial<SignInOptions>;
  /** The org's Salesforce connection for the admin routes. Default: its configured or stored sign-in. */
  connect?: AdminContext['connect'];
  /** HTTP to the MAP vendors. Default: global fetch. */
  fetch?: typeof fetch;
  /** Knobs of the console's "run now". */
  runDeps?: AdminContext['runDeps'];
  /**
   * Serves the console's pages (`GET /signin`, `/`, `/console/*`, assets). Default: the built console
   * (packages/console/dist, see http/console.ts), or a page saying how to build it.
   */
  pages?: express.RequestHandler;
}

/**
 * The Express app of the `web` process: `/healthz`, `/readyz`, `/v1/status` (last runs per org; the
 * admin token), `/metrics` (Prometheus; the scrape token or loopback), `/v1/events` and `/v1/segment` (ingestion), `/v1/openapi.json`, and the admin console at `/`. Routes answer errors as `{ error, code, issues?, requestId }` JSON.
 */
export function createApp(deps: AppDeps): express.Express {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? rootLog.child({ scope: 'http' });
  const metrics = deps.metrics ?? createMetrics(deps.db);
  const access = deps.access ?? { adminToken: null, metricsToken: null };
  const config = deps.console?.config ?? readConfig();
  const app = express();
  app.disable('x-powered-by');
  // Behind Heroku's router (one hop), so req.ip is the client's address, which rate limits may use.
  app.set('trust proxy', 1);
  app.locals.metrics = metrics;
  app.use(requestLog(log, metrics));
  app.use(healthRouter(deps.db, log));
  app.use(cookieParser(deps.console?.sessionSecret ?? randomBytes(32).toString('hex')));
  app.use(loadSession(deps.db, now));
  app.use(
    signInRouter(deps.db, now, log, {
      orgId: config.salesforceOrg,
      ...config.console,
      secretKeys: config.secretKeys,
      ...deps.console?.signIn,
    }),
  );
  // Every /api route needs a session, its CSRF token for a write, and the admin role for a write.
  app.use('/api', requireSession, requireCsrf, requireWriteRole, express.json({ limit: '1mb' }));
  const admin: AdminContext = {
    db: deps.db,
    now,
    log,
    config,
    connect: deps.console?.connect ?? defaultConnect(deps.db, config),
    fetch: deps.console?.fetch,
    runDeps: deps.console?.runDeps,
  };
  const jobs = new JobRunner(admin);
  // Tests and shutdown wait for the console's jobs through here.
  app.locals.consoleJobs = jobs;
  for (const router of adminRouters(admin, jobs)) app.use(router);
  // Console pages need a session; the sign-in page and the bundle's assets do not.
  app.use((req, res, next) => {
    const page =
      req.method === 'GET' && (req.path === '/' || req.path === '/console' || req.path.startsWith('/console/'));
    if (page && !sessionOf(res)) return res.redirect(302, '/signin');
    next();
  });
  app.use(deps.console?.pages ?? consoleRouter());
  app.use('/v1/status', requireAdmin(access));
  app.use(statusRouter(deps.db, now));
  app.use(ingestRouter(deps.db, now, log, metrics, deps.ingest));
  let openapi: Record<string, unknown> | null = null;
  app.get('/v1/openapi.json', (_req, res) => {
    openapi ??= buildOpenApi();
    res.json(openapi);
  });
  app.get(
    '/metrics',
    requireScraper(access),
    asyncRoute(async (_req, res) => {
      const body = await metrics.registry.metrics();
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(body);
    }),
  );
  app.use((req, _res, next) => {
    next(new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler());
  return app;
}
