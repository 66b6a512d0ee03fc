import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PulseError } from '../../errors';
import { DEFAULT_MODEL } from '../../model/defaults';
import type { Model } from '../../model/schema';
import { openDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { calibrateReferences, publishModel, scoreOrg } from '../../engine/engine';
import { scoreAndStoreDay } from '../../engine/day';
import { parseModel } from '../../model/schema';
import { activateModel, saveModelVersion } from '../../store/models';
import { addDays } from '../../scoring/days';
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
  /**
   * A database to use (tests); otherwise the Postgres at `databaseUrl`, else a PGlite in a temporary
   * directory, removed at `close()`.
   */
  db?: Db;
  /** The configuration's DATABASE_URL (the CLI passes it; this module reads no environment). */
  databaseUrl?: string | null;
  /**
   * Back-fill the 90 days of history up to `asOf` as a publish does (`--history`). Without it only the
   * days the answer needs are scored: the trend day and `asOf`; the output is the same.
   */
  history?: boolean;
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
 * Publishes the model as of `asOf` without the 90-day back-fill: calibrates "auto" references, stores and
 * activates the version, and scores and stores only the trend day (`trend.days` before `asOf`), the one
 * stored day the as-of day's trend reads. What the back-fill would have stored for that day is what the
 * one-day engine computes (the engines agree day by day), so the as-of day's scores come out the same.
 */
async function publishForDay(db: Db, orgId: string, model: Model, asOf: string): Promise<Record<string, number>> {
  const parsed = parseModel(model);
  return db.transaction(async (tx) => {
    const references = await calibrateReferences(tx, orgId, parsed, asOf);
    await saveModelVersion(tx, orgId, parsed, references);
    await activateModel(tx, orgId, parsed.version);
    const trendDay = addDays(asOf, -parsed.trend.days);
    await scoreAndStoreDay(tx, { orgId, model: parsed, references, asOf: trendDay });
    return references;
  });
}

/**
 * Loads a CSV export, publishes the model as of `asOf` (which calibrates "auto" references and, with
 * `history`, back-fills 90 days of history) and scores that day, its trend against the day
 * `trend.days` earlier.
 */
export async function scoreOffline(opts: OfflineOptions): Promise<OfflineSession> {
  const asOf = parseDay(opts.asOf);
  const orgId = opts.orgId ?? 'local';
  const model = opts.model ?? DEFAULT_MODEL;
  const own = !opts.db;
  const url = opts.databaseUrl;
  // PGlite keeps an in-memory database in the process's own heap, where millions of events (and their
  // indexes) would be held twice over; in a directory of its own they are files, and only PGlite's
  // buffers stay in memory.
  const dataDir = own && !url ? mkdtempSync(join(tmpdir(), 'pulse-score-')) : null;
  const removeDir = () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  let db: Db;
  try {
    db = opts.db ?? (await openDb(url ? { url } : { dataDir: dataDir! }));
  } catch (e) {
    removeDir();
    throw e;
  }
  const release = async () => {
    try {
      if (own) await db.close();
    } finally {
      removeDir();
    }
  };
  try {
    if (own) await migrate(db);
    const load = await loadCsvDir(db, opts.data, { orgId, asOf, model });
    const references = opts.history
      ? (await publishModel(db, orgId, model, asOf)).references
      : await publishForDay(db, orgId, model, asOf);
    const result = await scoreOrg(db, { orgId, asOf });
    return {
      db,
      orgId,
      model,
      references,
      load,
      scores: result.scores,
      close: release,
    };
  } catch (e) {
    await release();
    throw e;
  }
}
