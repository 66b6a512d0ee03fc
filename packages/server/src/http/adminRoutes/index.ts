/**
 * The console's JSON admin API under /api (docs/console-api.md). app.ts puts the session, CSRF and
 * role checks and the JSON body parser in front of /api; each route group is a router of its own,
 * with full paths (so the OpenAPI test sees every route).
 */
import type express from 'express';
import { accountRoutes } from './accountRoutes';
import { jobRoutes, JobRunner } from './jobs';
import { modelRoutes } from './modelRoutes';
import type { AdminContext } from './context';
import { connectionRoutes } from './connectionRoutes';
import { mappingRoutes } from './mappingRoutes';
import { sessionRoutes } from './sessionRoutes';

/** Every /api route group, in the order app.ts mounts them. */
export function adminRouters(ctx: AdminContext, jobs = new JobRunner(ctx)): express.Router[] {
  return [
    sessionRoutes(ctx),
    connectionRoutes(ctx),
    mappingRoutes(ctx),
    modelRoutes(ctx, jobs),
    jobRoutes(ctx, jobs),
    accountRoutes(ctx, jobs),
  ];
}
