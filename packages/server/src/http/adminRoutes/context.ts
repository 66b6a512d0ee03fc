import type { Config } from '../../config';
import type { Logger } from '../../log';
import type { Db } from '../../store/db';

/** What the admin routes share: the store, the clock, the log and the configuration they act with. */
export interface AdminContext {
  db: Db;
  now: () => Date;
  log: Logger;
  /** The process configuration (Salesforce sign-in, MAP variables, secret keys, schedule). */
  config: Config;
}
