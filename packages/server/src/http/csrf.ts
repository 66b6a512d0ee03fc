/**
 * CSRF: the session cookie goes with every request the browser makes, even one another site
 * triggers, so each state-changing request must also carry the session's token in a header
 * (`X-CSRF-Token`), which another site cannot read or set. SameSite=Lax already stops most
 * cross-site posts; the token covers same-site attackers and older browsers.
 */
import type { NextFunction, Request, Response } from 'express';
import { sameSecret } from './access';
import { HttpError } from './httpError';
import { SAFE_METHODS, sessionOf } from './session';

/** The header the console sends the token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** 403 CSRF for a state-changing request without the session's token (compared in constant time). */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) return next();
  const s = sessionOf(res);
  const presented = req.get(CSRF_HEADER);
  if (s && presented && sameSecret(presented, s.csrfToken)) return next();
  next(
    new HttpError(
      403,
      'CSRF',
      presented
        ? "the X-CSRF-Token header is not this session's token: read it again from GET /api/session"
        : 'a state-changing request needs the X-CSRF-Token header (the csrfToken of GET /api/session)',
    ),
  );
}
