import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Where `npm run build:console` writes the admin console (packages/console/dist), seen from this file; a
 * deployment may put it elsewhere (AppDeps.consoleDir).
 */
export const CONSOLE_DIST = path.resolve(__dirname, '..', '..', '..', 'console', 'dist');

// The console loads only its own script and styles; LWC's synthetic shadow adds <style> elements at run time,
// hence 'unsafe-inline' for styles (never for scripts).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pulse console not built</title></head>
<body style="font-family: sans-serif; margin: 3rem">
<h1>console not built: run npm run build:console</h1>
<p>The admin console is compiled from packages/console with LWC OSS. Run <code>npm run build:console</code>
in the repository (Heroku's build does it in <code>heroku-postbuild</code>), then reload this page.
The JSON admin API and the ingestion API work without it.</p>
</body></html>
`;

/** The console's page routes: HTML for the browser, not API routes, so not in the OpenAPI document. */
export const CONSOLE_PAGES = ['/', '/signin', '/console', '/console/*'];

/**
 * The admin console's pages and assets: `/static/*` (the compiled bundle and SLDS, public so the sign-in page
 * can load), and the single-page routes `/`, `/signin`, `/console` and `/console/*`, all answered with the
 * console's index.html (the bundle picks the page from the URL). When the console was not built it answers a
 * page saying how to build it, with 503. Sessions are checked before this router (the session guard), not here.
 */
export function consoleRouter(dir: string = CONSOLE_DIST): Router {
  const router = Router();
  const indexFile = path.join(dir, 'index.html');
  let index: string | null = null;
  // Read once the console exists; re-checked per request so building it while the server runs just works.
  const page = (): string | null => {
    if (index === null && existsSync(indexFile)) index = readFileSync(indexFile, 'utf8');
    return index;
  };
  router.use('/static', express.static(path.join(dir, 'static'), { index: false, fallthrough: true, maxAge: '1h' }));
  router.get(CONSOLE_PAGES, (_req, res) => {
    const html = page();
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    if (html === null) {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.type('html').send(html);
  });
  return router;
}
