/**
 * The org-level library functions behind `sf pulse connect`, `preflight` and `status` (packages/sf-plugin):
 * store an org's Salesforce connection, check what the integration user can read and write, and say
 * where an org stands. Thin edges over the store, the sign-in and the two preflights.
 */
import type { Connection } from 'jsforce';
import { readConfig, type SalesforceAuth } from '../config';
import { PulseError } from '../errors';
import { effectiveFieldMapping } from '../contract/fieldMapping';
import { connectSalesforce } from '../sources/salesforce/connection';
import { STREAMS } from '../sources/salesforce/objects';
import { readPreflightProblems } from '../sources/salesforce/readPreflight';
import { signInFor } from '../sources/salesforce/signIn';
import { connectionInfo, saveConnection } from '../store/connections';
import { loadFieldMappingOverrides } from '../store/fieldMappings';
import { loadActiveModel } from '../store/models';
import { listRuns } from '../store/runs';
import { latestWrittenDay } from '../store/snapshots';
import { writePreflight } from '../writeback/writePreflight';
import { withStore, type StoreDeps } from './store';

/** Opens a jsforce connection for a sign-in (tests and the plugin may pass their own). */
export type ConnectFn = (auth: SalesforceAuth) => Promise<Connection>;

/** What `connectSalesforceOrg` stored. */
export interface OrgConnected {
  org: string;
  authKind: SalesforceAuth['kind'];
  /** The login URL (a refresh token) or the instance URL (a handed-over session). */
  loginUrl: string;
}

/**
 * Checks that `auth` signs in and answers one call, then stores it as the org's Salesforce connection
 * (encrypted with PULSE_SECRET_KEY), replacing any earlier one. The pull and the write-back of that org
 * use it from then on (sources/salesforce/signIn.ts).
 */
export async function connectSalesforceOrg(
  opts: { org: string; auth: SalesforceAuth },
  deps: StoreDeps & { connect?: ConnectFn } = {},
): Promise<OrgConnected> {
  const config = deps.config ?? readConfig();
  if (!config.secretKeys) {
    throw new PulseError(
      'SECRET_KEY_MISSING',
      'set PULSE_SECRET_KEY (any long random text, the same one the Pulse server has) so the connection can be stored encrypted',
      { org: opts.org },
    );
  }
  const conn = await (deps.connect ?? connectSalesforce)(opts.auth);
  try {
    // The API's resource list: any signed-in user may read it, and it costs one call.
    await conn.request('/');
  } catch (cause) {
    throw new PulseError(
      'SF_AUTH',
      `Salesforce refused the connection of org ${opts.org} (${(cause as Error).message}): log in to the org again with sf org login and connect again`,
      { org: opts.org },
      { cause },
    );
  }
  const secretKey = config.secretKeys.current;
  await withStore({ ...deps, config }, (db) => saveConnection(db, opts.org, opts.auth, secretKey));
  return { org: opts.org, authKind: opts.auth.kind, loginUrl: opts.auth.loginUrl };
}

/** One preflight problem: which check found it, what it is about, and the message ending with its fix. */
export interface PreflightProblem {
  check: 'read' | 'write';
  /** read: permission, object or field; write: missing, type, precision, picklist, length, not-editable, duplicate. */
  kind: string;
  /** The permission, object or field (read), or the Account field (write). */
  subject: string;
  message: string;
}

/** The read and write preflight of an org. */
export interface PreflightReport {
  org: string;
  ok: boolean;
  /** How many objects the read check described and mapped Account fields the write check checked. */
  checked: { objects: number; fields: number };
  problems: PreflightProblem[];
}

/**
 * Both preflights of an org over its stored sign-in: the read check (View All Data, every pulled
 * object and field visible) and the write check of its field mapping. Reports every problem; refuses nothing.
 */
export async function preflightOrg(
  org: string,
  deps: StoreDeps & { connect?: ConnectFn } = {},
): Promise<PreflightReport> {
  const config = deps.config ?? readConfig();
  return withStore({ ...deps, config }, async (db) => {
    const conn = await (deps.connect ?? connectSalesforce)(await signInFor(db, org, config));
    const mapping = effectiveFieldMapping(await loadFieldMappingOverrides(db, org));
    const read = await readPreflightProblems(conn, STREAMS);
    const write = await writePreflight(conn, mapping);
    const problems: PreflightProblem[] = [
      ...read.map((p) => ({ check: 'read' as const, kind: p.kind, subject: p.subject, message: p.message })),
      ...write.map((p) => ({ check: 'write' as const, kind: p.kind, subject: p.field, message: p.message })),
    ];
    return {
      org,
      ok: problems.length === 0,
      checked: { objects: STREAMS.length, fields: Object.values(mapping).filter(Boolean).length },
      problems,
    };
  });
}

/** One recorded run as the status shows it. */
export interface StatusRun {
  id: number;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  /** The first error's code and message, when the run recorded one. */
  error: { code: string; message: string } | null;
}

/** Where an org stands: its connection, its live model, the last day written and its last runs. */
export interface OrgStatus {
  org: string;
  connection: { authKind: string; loginUrl: string; updatedAt: string } | null;
  model: { version: string; publishedAt: string } | null;
  /** The last day the live model scored every account fully (a daily run's day), or null. */
  lastScoredDay: string | null;
  runs: StatusRun[];
}

/** The status of one org, read from the store only (no Salesforce call). */
export async function orgStatus(org: string, deps: StoreDeps & { runs?: number } = {}): Promise<OrgStatus> {
  return withStore(deps, async (db) => {
    const conn = await connectionInfo(db, org);
    const active = await loadActiveModel(db, org);
    const lastScoredDay = active ? await latestWrittenDay(db, org, active.model.version) : null;
    const runs = await listRuns(db, org, undefined, deps.runs ?? 5);
    return {
      org,
      connection: conn
        ? { authKind: conn.authKind, loginUrl: conn.loginUrl, updatedAt: conn.updatedAt.toISOString() }
        : null,
      model: active ? { version: active.model.version, publishedAt: new Date(active.publishedAt).toISOString() } : null,
      lastScoredDay,
      runs: runs.map((r) => {
        const first = r.errors[0] as { code?: string; message?: string } | undefined;
        return {
          id: Number(r.id),
          kind: r.kind,
          status: r.status,
          startedAt: new Date(r.startedAt).toISOString(),
          finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
          counts: r.counts,
          error: first ? { code: String(first.code ?? 'ERROR'), message: String(first.message ?? '') } : null,
        };
      }),
    };
  });
}
