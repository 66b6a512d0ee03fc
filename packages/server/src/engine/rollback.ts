import { log } from '../log';
import type { Db } from '../store/db';
import { activateModel, loadModelVersion } from '../store/models';
import { PulseError } from '../errors';
import { backfill, type BackfillOptions } from './backfill';

/**
 * Makes an earlier published version live again and re-computes its 90-day history, with the
 * references frozen when it was published (not re-calibrated: the version is immutable). One
 * transaction, as publishing is.
 */
export async function rollbackModel(
  db: Db,
  orgId: string,
  version: string,
  asOf: string,
  opts: Pick<BackfillOptions, 'onProgress'> = {},
): Promise<{ version: string; snapshots: number }> {
  const stored = await loadModelVersion(db, orgId, version);
  if (!stored) {
    throw new PulseError('MODEL_NOT_FOUND', `model version "${version}" is not published for org ${orgId}`, {
      org: orgId,
      record: version,
    });
  }
  return db.transaction(async (tx) => {
    await activateModel(tx, orgId, version);
    const filled = await backfill(tx, {
      orgId,
      model: stored.model,
      references: stored.references,
      toDay: asOf,
      ...opts,
    });
    log.info({ org: orgId, model: version, snapshots: filled.snapshots }, 'model rolled back');
    return { version, snapshots: filled.snapshots };
  });
}
