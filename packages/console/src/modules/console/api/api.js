/**
 * The console's one way to the admin API (docs/console-api.md): JSON in and out, the session cookie, and the
 * CSRF token header on every request that changes something. An error answer becomes an ApiError with the
 * API's code and zod issues, so a page can show each issue next to its field.
 */
let csrfToken = null;

/** An error answer of the admin API: HTTP status, stable code, message and zod issues. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || 'HTTP_' + status;
    this.issues = (body && body.issues) || [];
  }
}

/** Remembers the session's CSRF token (from GET /api/session or a sign-in answer). */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** Sends one request; resolves to the parsed JSON (null for 204), rejects with an ApiError. */
export async function request(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: text.slice(0, 200) };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, parsed);
    // A session that ended (expired, signed out elsewhere) sends the user back to sign in.
    if (response.status === 401 && url.startsWith('/api/') && url !== '/api/session') {
      window.location.assign('/signin');
    }
    throw error;
  }
  return parsed;
}

/** GET helper. */
export function get(url) {
  return request('GET', url);
}

/** The zod issues of an error keyed by their dotted path ("kpis.0.weight"), for messages next to fields. */
export function issuesByPath(error) {
  const out = {};
  for (const issue of (error && error.issues) || []) {
    // The API sends the path as "kpis[0].weight" (or "kpis.0.weight"); zod's own issues carry an array.
    const key = (Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path || '')).replace(
      /\[(\d+)\]/g,
      '.$1',
    );
    out[key] = out[key] ? `${out[key]}; ${issue.message}` : issue.message;
  }
  return out;
}

/** A message for an error banner. */
export function errorText(error) {
  if (!error) return '';
  return error.code ? `${error.message} (${error.code})` : String(error.message || error);
}

/** Resolves after `ms` milliseconds. */
export function pause(ms) {
  // Polling a background job (a back-fill, a run) is the one timer the console needs.
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `step` until it resolves true, `ms` apart; one call at a time. */
export function pollUntil(step, ms) {
  return step().then((done) => (done ? undefined : pause(ms).then(() => pollUntil(step, ms))));
}
