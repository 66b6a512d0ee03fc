/**
 * One generated org served by a fresh Salesforce emulator and a fresh store, on a clock the test
 * moves: what every daily-run test starts from.
 */
import { resolve } from 'node:path';
import { Connection } from 'jsforce';
import type { SalesforceAuth } from '@pulse/server/src/config';
import { runDaily, type DailyRunDeps, type DailyRunResult } from '@pulse/server/src/run/daily';
import type { Db } from '@pulse/server/src/store/db';
import { generateOrg, type GeneratedOrg } from '@pulse/sandbox/src/generator';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { startMarketoEmulator, type MarketoEmulator } from '@pulse/sandbox/src/marketo/server';
import { mapSeed } from '@pulse/sandbox/src/mapSeed';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { readConfig } from '@pulse/server/src/config';

export const ACCOUNTS = 150;
export const SEED = 11;
export const START = new Date('2026-11-24T12:00:00Z');

/** A running scenario: emulator, store, clock, and a `run()` with everything wired. */
export interface Scenario {
  emu: Emulator;
  /** The org's marketing automation (the generated org's MAP-side activity), pulled by every run. */
  marketo: MarketoEmulator;
  db: Db;
  org: GeneratedOrg;
  auth: SalesforceAuth;
  clock: { now: Date };
  conn: Connection;
  /** Account ids of the generated org. */
  accountIds: string[];
  /** A daily run; `env` adds variables to the configuration it is given (the Marketo emulator's are there). */
  run(extra?: Partial<DailyRunDeps> & { env?: NodeJS.ProcessEnv }): Promise<DailyRunResult>;
  close(): Promise<void>;
}

/** Starts a scenario on the same generated org every time (same seed, same ids). */
export async function startScenario(orgId = 'e2e', accounts = ACCOUNTS): Promise<Scenario> {
  const clock = { now: new Date(START) };
  const org = generateOrg({ accounts, seed: SEED, now: START, days: 180 });
  const emu = await startEmulator({
    org: org,
    now: () => clock.now,
    forceAppDir: resolve(__dirname, '../../../force-app'),
  });
  // No rate limit here: the connector's pacing is tested with the Marketo contract tests.
  const marketo = await startMarketoEmulator({ seed: mapSeed(org), now: () => clock.now, rateLimit: null });
  const mapEnv = {
    MARKETO_BASE_URL: marketo.credentials.baseUrl,
    MARKETO_CLIENT_ID: marketo.credentials.clientId,
    MARKETO_CLIENT_SECRET: marketo.credentials.clientSecret,
    MARKETO_MAX_CALLS_PER_20S: '0',
  };
  const db = await createTestDb();
  const auth: SalesforceAuth = {
    kind: 'client_credentials',
    loginUrl: emu.loginUrl,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
  };
  const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
  const accountIds = [...org.records.Account].map((a) => a.Id as string);
  return {
    emu,
    marketo,
    db,
    org,
    auth,
    clock,
    conn,
    accountIds,
    // Only the Marketo emulator is configured; an explicit env keeps the machine's SF_* out.
    run: ({ env, ...extra } = {}) =>
      runDaily({
        db,
        orgId,
        salesforce: auth,
        now: () => clock.now,
        write: { sleep: async () => undefined },
        ...extra,
        config: readConfig({ ...mapEnv, ...env }),
      }),
    close: async () => {
      await marketo.close();
      await emu.close();
      await dropTestDb(db);
    },
  };
}

/** Every Engagement_* field of every account, as the emulator holds them. */
export function engagementFields(s: Scenario): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const id of s.accountIds) {
    const rec = s.emu.store.get('Account', id) ?? {};
    out.set(id, Object.fromEntries(Object.entries(rec).filter(([k]) => k.startsWith('Engagement_'))));
  }
  return out;
}

/** Calls that write Account values (sObject collections, Bulk API 2.0 ingest). */
export function writeCalls(emu: Emulator): number {
  return emu.callLog.filter('/composite/sobjects').length + emu.callLog.filter('/jobs/ingest').length;
}
