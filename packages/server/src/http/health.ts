import { Router } from 'express';
import type { Db } from '../store/db';
import { asyncRoute } from './asyncRoute';
import { pendingMigrations } from '../store/serverStatus';

/** How long /readyz waits for the database before calling it unreachable. */
const READY_TIMEOUT_MS = 2000;

/** Why the database is not ready, or null when it answers and every migration is applied. */
export async function readiness(db: Db, timeoutMs = READY_TIMEOUT_MS): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`database did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  const check = (async () => {
    try {
      const pending = await pendingMigrations(db);
      return pending.length > 0
        ? `database is not migrated: ${pending.join(', ')} not applied (run \`pulse serve\`, which migrates, or \`pulse migrate\`)`
        : null;
    } catch (e) {
      return `database unreachable: ${(e as Error).message}`;
    }
  })();
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (the process answers) and `/readyz` (the database answers and is migrated). */
export function healthRouter(db: Db): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(
    '/readyz',
    asyncRoute(async (_req, res) => {
      const reason = await readiness(db);
      if (reason) res.status(503).json({ status: 'unavailable', reason });
      else res.json({ status: 'ready' });
    }),
  );
  return router;
}
