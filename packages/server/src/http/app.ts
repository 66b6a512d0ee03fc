import express from 'express';
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
import { requestLog } from './requestLog';
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
  /** The built admin console (`npm run build:console`). Default: packages/console/dist. */
  consoleDir?: string;
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
  const app = express();
  app.disable('x-powered-by');
  // Behind Heroku's router (one hop), so req.ip is the client's address, which rate limits may use.
  app.set('trust proxy', 1);
  app.locals.metrics = metrics;
  app.use(requestLog(log, metrics));
  app.use(healthRouter(deps.db, log));
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
  app.use(consoleRouter(deps.consoleDir));
  app.use((req, _res, next) => {
    next(new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler());
  return app;
}
