import { PulseError } from '../../errors';
import { DEFAULT_MODEL } from '../../model/defaults';
import type { Model } from '../../model/schema';
import { openDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { publishModel, scoreOrg } from '../../engine/engine';
import type { AccountScore } from '../../scoring/finish';
import { loadCsvDir, type CsvLoadSummary } from './load';

/** What scoring a CSV export offline needs. */
export interface OfflineOptions {
  /** Directory with accounts.csv, people.csv, events.csv. */
  data: string;
  /** The model; DEFAULT_MODEL when absent. */
  model?: Model;
  asOf: string;
  /** Org id the data is stored under (default "local"). */
  orgId?: string;
  /** A database to use (tests); otherwise the Postgres at `databaseUrl`, else an in-memory PGlite. */
  db?: Db;
  /** The configuration's DATABASE_URL (the CLI passes it; this module reads no environment). */
  databaseUrl?: string | null;
}

/** A scored offline session; `close()` releases the database when the session opened it. */
export interface OfflineSession {
  db: Db;
  orgId: string;
  model: Model;
  references: Record<string, number>;
  load: CsvLoadSummary;
  /** Every account with a score on asOf, in the engine's order. */
  scores: AccountScore[];
  close(): Promise<void>;
}

/** Checks a YYYY-MM-DD argument names a real calendar day. */
export function parseDay(value: string, flag = '--as-of'): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  const ok = Number.isFinite(t) && new Date(t).toISOString().startsWith(value);
  if (!ok) throw new PulseError('BAD_ARGUMENT', `${flag} "${value}" is not a date; use YYYY-MM-DD`, { field: flag });
  return value;
}

/**
 * Loads a CSV export, publishes the model as of `asOf` (which calibrates "auto" references and
 * back-fills 90 days of history, so the trend is real) and scores that day.
 */
export async function scoreOffline(opts: OfflineOptions): Promise<OfflineSession> {
  const asOf = parseDay(opts.asOf);
  const orgId = opts.orgId ?? 'local';
  const model = opts.model ?? DEFAULT_MODEL;
  const own = !opts.db;
  const url = opts.databaseUrl;
  const db = opts.db ?? (await openDb(url ? { url } : { dataDir: 'memory' }));
  try {
    if (own) await migrate(db);
    const load = await loadCsvDir(db, opts.data, { orgId, asOf, model });
    const published = await publishModel(db, orgId, model, asOf);
    const result = await scoreOrg(db, { orgId, asOf });
    return {
      db,
      orgId,
      model,
      references: published.references,
      load,
      scores: result.scores,
      close: async () => {
        if (own) await db.close();
      },
    };
  } catch (e) {
    if (own) await db.close();
    throw e;
  }
}
