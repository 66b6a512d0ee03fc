import type { Connection } from 'jsforce';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import type { DailyRunDeps } from '../../run/daily';
import { connectSalesforce } from '../../sources/salesforce/connection';
import { signInFor } from '../../sources/salesforce/signIn';
import type { Db } from '../../store/db';

/** What the admin routes share: the store, the clock, the log and the configuration they act with. */
export interface AdminContext {
  db: Db;
  now: () => Date;
  log: Logger;
  /** The process configuration (Salesforce sign-in, MAP variables, secret keys, schedule). */
  config: Config;
  /** A Salesforce connection for the org (its configured or stored sign-in). */
  connect: (orgId: string) => Promise<Connection>;
  /** HTTP to the MAP vendors ("test connection"). Default: global fetch. */
  fetch?: typeof fetch;
  /** Knobs of "run now" over the defaults (tests: the Salesforce sign-in and connection). */
  runDeps?: Partial<Omit<DailyRunDeps, 'db' | 'orgId' | 'config'>>;
}

/** The org's Salesforce connection as the CLI commands make it: SF_* for PULSE_ORG, else the stored one. */
export function defaultConnect(db: Db, config: Config): (orgId: string) => Promise<Connection> {
  return async (orgId) => connectSalesforce(await signInFor(db, orgId, config));
}
