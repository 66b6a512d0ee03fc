import { Router } from 'express';
import type { Logger } from '../log';
import type { Db } from '../store/db';
import { asyncRoute } from './asyncRoute';
import { pendingMigrations } from '../store/serverStatus';

/** How long /readyz waits for the database before calling it unreachable. */
const READY_TIMEOUT_MS = 2000;

/** Why the database is not ready: what anyone may read, and the driver's words for the log. */
export interface NotReady {
  reason: string;
  detail?: string;
}

/** Why the database is not ready, or null when it answers and every migration is applied. */
export async function readiness(db: Db, timeoutMs = READY_TIMEOUT_MS): Promise<NotReady | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<NotReady>((resolve) => {
    timer = setTimeout(() => resolve({ reason: `database did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const check = (async (): Promise<NotReady | null> => {
    try {
      const pending = await pendingMigrations(db);
      return pending.length > 0
        ? {
            reason: `database is not migrated: ${pending.join(', ')} not applied (run \`pulse serve\`, which migrates, or \`pulse migrate\`)`,
          }
        : null;
    } catch (e) {
      // The driver's message can name internal hosts and users: it goes to the log, not the answer.
      return { reason: 'database unreachable (the web process log says why)', detail: (e as Error).message };
    }
  })();
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (the process answers) and `/readyz` (the database answers and is migrated). */
export function healthRouter(db: Db, log: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(
    '/readyz',
    asyncRoute(async (_req, res) => {
      const notReady = await readiness(db);
      if (!notReady) {
        res.json({ status: 'ready' });
        return;
      }
      log.warn({ reason: notReady.reason, detail: notReady.detail }, 'not ready');
      res.status(503).json({ status: 'unavailable', reason: notReady.reason });
    }),
  );
  return router;
}
