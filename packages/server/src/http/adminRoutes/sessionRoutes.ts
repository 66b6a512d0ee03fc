import express from 'express';
import { sessionBody, theSession } from '../session';
import type { AdminContext } from './context';

/** `GET /api/session`: who is signed in, their role and the CSRF token writes must carry. */
export function sessionRoutes(_ctx: AdminContext): express.Router {
  const r = express.Router();
  r.get('/api/session', (_req, res) => {
    res.json(sessionBody(theSession(res)));
  });
  return r;
}
