/**
 * EmulatorContext: what every route module (REST here, Bulk 2.0 in bulk2.ts) gets.
 * The server authenticates, counts API usage, applies faults and logs calls BEFORE a
 * router sees the request, so routers only do the endpoint's own work.
 */
import type { Request, Response } from 'express';
import type { OrgStore } from './store';
import type { Schema } from './schema';
import type { CallLog } from '../kit/callLog';
import type { Clock } from '../kit/clock';
import type { Faults } from './faults';
import type { IntegrationUser } from './user';
import type { AssignmentRules } from './assignment';

/** Bulk API 2.0 daily limits: query jobs, ingest batches (10,000 records each) and ingested records. */
export interface BulkLimits {
  queryJobs: number;
  batches: number;
  records: number;
}

/** The daily API request allowance (`/limits` DailyApiRequests) and the Bulk API 2.0 ones. */
export interface Limits {
  readonly dailyMax: number;
  /** Bulk daily maxima; tests may change them at run time. */
  readonly bulk: BulkLimits;
  /** Calls used today (may pass dailyMax: the limit is soft). */
  used(): number;
  /** Counts `n` calls; false past the hard limit (caller answers 403 REQUEST_LIMIT_EXCEEDED). */
  consume(n?: number): boolean;
  /** Bulk usage today. */
  bulkUsed(what: keyof BulkLimits): number;
  /** Counts `n` of a Bulk limit; false (nothing counted) when that passes its maximum. */
  consumeBulk(what: keyof BulkLimits, n: number): boolean;
}

/** An authenticated API session (one access token). */
export interface Session {
  accessToken: string;
  userId: string;
  username: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

/** Token checks the server uses; routers read the session from `res.locals.session`. */
export interface Auth {
  /** The session for a Bearer token, or null when unknown/expired. */
  session(token: string): Session | null;
}

/** Field-level security for the integration user: `'Account.Engagement_Score__c'` → {read, edit}. */
export interface Permissions {
  set(field: string, perm: { read: boolean; edit: boolean }): void;
  get(object: string, field: string): { read: boolean; edit: boolean };
  clear(): void;
}

/** Everything route modules share. `instanceUrl` is set once the server listens. */
export interface EmulatorContext {
  store: OrgStore;
  schema: Schema;
  limits: Limits;
  faults: Faults;
  clock: Clock;
  auth: Auth;
  permissions: Permissions;
  /** The integration user's system permissions (View Setup, View All Data, …). */
  user: IntegrationUser;
  /** The system permissions of the user a session belongs to (the integration user's unless it is another user's). */
  userFor(userId: string): IntegrationUser;
  /** Lead assignment rules that REST writes run unless told not to (assignment.ts). */
  assignmentRules: AssignmentRules;
  callLog: CallLog;
  instanceUrl: string;
  orgId: string;
}

/** Sends JSON with the exact Content-Type jsforce requires (reference G4). */
export function sendJson(res: Response, status: number, body: unknown): void {
  // res.end, not res.send: express would rewrite the charset to 'utf-8' with a space.
  const text = JSON.stringify(body);
  res.status(status);
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Sends a REST error envelope: `[{message, errorCode, fields?}]` (reference G6). */
export function sendError(res: Response, status: number, errorCode: string, message: string, fields?: string[]): void {
  sendJson(res, status, [fields ? { message, errorCode, fields } : { message, errorCode }]);
}

/** The `vNN.N` API version in the request path (e.g. '62.0'). */
export function apiVersion(req: Request): string {
  const m = /\/services\/data\/v(\d+\.\d)/.exec(req.originalUrl);
  return m ? m[1]! : '62.0';
}
