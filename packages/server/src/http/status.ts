import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../store/db';
import { listRuns, type RunRow } from '../store/runs';
import { listOrgs } from '../store/serverStatus';
import { asyncRoute } from './asyncRoute';
import { HttpError } from './httpError';

const StatusQuery = z.object({
  kind: z.string().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/** One run as `/v1/status` reports it: the recorded run, times as ISO text, without its internal state. */
export type RunStatus = Omit<RunRow, 'state' | 'startedAt' | 'finishedAt'> & {
  startedAt: string;
  finishedAt: string | null;
};

/** The body of `/v1/status`: per org, its newest runs first. */
export interface StatusBody {
  now: string;
  orgs: Array<{ id: string; name: string; runs: RunStatus[] }>;
}

/** Reads the status of every org's last runs (newest first); `kind` and `limit` narrow it. */
export async function readStatus(db: Db, now: Date, opts: { kind?: string; limit?: number } = {}): Promise<StatusBody> {
  const orgs = await listOrgs(db);
  const out: StatusBody = { now: now.toISOString(), orgs: [] };
  for (const org of orgs) {
    const runs = await listRuns(db, org.id, opts.kind, opts.limit ?? 10);
    out.orgs.push({
      id: org.id,
      name: org.name,
      runs: runs.map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        status: r.status,
        startedAt: new Date(r.startedAt).toISOString(),
        finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
        counts: r.counts,
        apiCalls: r.apiCalls,
        errors: r.errors,
      })),
    });
  }
  return out;
}

/** `GET /v1/status?kind=&limit=`: the last runs of every org, as JSON. */
export function statusRouter(db: Db, now: () => Date): Router {
  const router = Router();
  router.get(
    '/v1/status',
    asyncRoute(async (req, res) => {
      const q = StatusQuery.safeParse(req.query);
      if (!q.success) {
        throw new HttpError(
          400,
          'BAD_QUERY',
          'query parameters are invalid',
          q.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      }
      res.json(await readStatus(db, now(), q.data));
    }),
  );
  return router;
}
