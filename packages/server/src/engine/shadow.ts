/**
 * Shadow versions: a candidate model version stored next to the live one and scored every day, its
 * snapshots under its own model_version. Nothing here writes to Salesforce: the write-back only ever
 * receives the live version's scores (run/daily.ts).
 */
import type { Db } from '../store/db';
import { PulseError } from '../errors';
import { parseModel } from '../model/schema';
import { addDays } from '../scoring/days';
import { hasSnapshotsOn } from '../store/dailyRuns';
import { clearShadowModel, loadActiveModel, loadShadowModel, saveModelVersion, setShadowModel } from '../store/models';
import { log } from '../log';
import { backfill } from './backfill';
import { calibrateReferences } from './engine';
import { scoreAndStoreDay } from './day';

/** What setting a shadow did. */
export interface ShadowSet {
  version: string;
  references: Record<string, number>;
  /** Snapshots of the 90-day back-fill, so the shadow has a history (trends, a compare) from day one. */
  snapshots: number;
}

/**
 * Stores `model` as the org's shadow: validates it, calibrates its "auto" references as of `asOf` (as
 * publishing would), stores it (a new version, or the same document as a stored one) and back-fills
 * its 90 days up to `asOf` — all in one transaction. It never becomes active by this.
 */
export async function setShadow(db: Db, orgId: string, model: unknown, asOf: string): Promise<ShadowSet> {
  const parsed = parseModel(model);
  return db.transaction(async (tx) => {
    const live = await loadActiveModel(tx, orgId);
    if (live?.model.version === parsed.version) {
      throw new PulseError(
        'SHADOW_IS_LIVE',
        `model version "${parsed.version}" is org ${orgId}'s live model; give the candidate its own version`,
        { org: orgId, record: parsed.version },
      );
    }
    const references = await calibrateReferences(tx, orgId, parsed, asOf);
    await saveModelVersion(tx, orgId, parsed, references);
    await setShadowModel(tx, orgId, parsed.version);
    const filled = await backfill(tx, { orgId, model: parsed, references, toDay: asOf });
    log.info({ org: orgId, model: parsed.version, snapshots: filled.snapshots }, 'shadow model set');
    return { version: parsed.version, references, snapshots: filled.snapshots };
  });
}

/** Removes the org's shadow; returns the version it was, or null when there was none. */
export async function removeShadow(db: Db, orgId: string): Promise<string | null> {
  return clearShadowModel(db, orgId);
}

/** What scoring the shadow for a day did. */
export interface ShadowScored {
  version: string;
  accounts: number;
  /** True when missed days were back-filled first (no snapshot the day before). */
  backfilled: boolean;
}

/**
 * Scores the org's shadow for `asOf` and stores its snapshots (back-filling first when the day before
 * is missing, as the live version does). Null when the org has no shadow.
 */
export async function scoreShadow(db: Db, orgId: string, asOf: string): Promise<ShadowScored | null> {
  const shadow = await loadShadowModel(db, orgId);
  if (!shadow) return null;
  const { model, references } = shadow;
  return db.transaction(async (tx) => {
    const backfilled = !(await hasSnapshotsOn(tx, orgId, model.version, addDays(asOf, -1)));
    if (backfilled) await backfill(tx, { orgId, model, references, toDay: addDays(asOf, -1), days: 89 });
    const accounts = await scoreAndStoreDay(tx, { orgId, model, references, asOf });
    return { version: model.version, accounts, backfilled };
  });
}
