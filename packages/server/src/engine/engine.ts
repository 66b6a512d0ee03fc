/**
 * The engine's entry points: publishing a model version (calibrate "auto" references, freeze, activate,
 * back-fill the history) and scoring an org with its active model. The one-day engine is day.ts, the
 * history back-fill backfill.ts.
 */
import type { Db } from '../store/db';
import { PulseError } from '../errors';
import { isRateKpi, parseModel, type Model } from '../model/schema';
import type { AccountScore } from '../scoring/finish';
import { calibrateReference } from '../scoring/subscore';
import { addDays } from '../scoring/days';
import { positivePointsByKpi, reduceDay } from '../store/reduction';
import { activateModel, loadActiveModel, saveModelVersion } from '../store/models';
import { log } from '../log';
import { backfill, type BackfillOptions } from './backfill';
import { scoreAndStoreDay } from './day';
import { prepareMultipliers } from './multipliers';

/**
 * Resolves every `reference: "auto"` KPI to the 75th percentile of its positive P across the org's
 * accounts on `asOf`; fixed references and the model's own `references` map are kept.
 */
export async function calibrateReferences(
  db: Db,
  orgId: string,
  model: Model,
  asOf: string,
): Promise<Record<string, number>> {
  const references: Record<string, number> = { ...(model.references ?? {}) };
  const auto = model.kpis
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => !isRateKpi(k) && k.reference === 'auto' && references[k.key] === undefined);
  if (auto.length === 0) return references;
  return db.transaction(async (tx) => {
    await prepareMultipliers(tx, orgId, model);
    await reduceDay(tx, orgId, model, asOf);
    const byKpi = await positivePointsByKpi(tx);
    for (const { k, i } of auto) references[k.key] = calibrateReference(byKpi.get(i) ?? []);
    return references;
  });
}

/** Result of publishing a model version. */
export interface PublishResult {
  version: string;
  references: Record<string, number>;
  snapshots: number;
}

/**
 * Publishes a model version for an org: validates it, calibrates and freezes "auto" references as of
 * `asOf`, stores and activates it, and back-fills the last 90 days of snapshots — all in one transaction
 * (`opts.onProgress` hears how far the back-fill is).
 */
export async function publishModel(
  db: Db,
  orgId: string,
  model: unknown,
  asOf: string,
  opts: Pick<BackfillOptions, 'onProgress'> = {},
): Promise<PublishResult> {
  const parsed = parseModel(model);
  return db.transaction(async (tx) => {
    const references = await calibrateReferences(tx, orgId, parsed, asOf);
    await saveModelVersion(tx, orgId, parsed, references);
    await activateModel(tx, orgId, parsed.version);
    const filled = await backfill(tx, { orgId, model: parsed, references, toDay: asOf, ...opts });
    log.info({ org: orgId, model: parsed.version, snapshots: filled.snapshots }, 'model published');
    return { version: parsed.version, references, snapshots: filled.snapshots };
  });
}

/** What `scoreOrg` did. */
export interface ScoreOrgResult {
  modelVersion: string;
  asOf: string;
  accounts: number;
  snapshots: number;
  scores: AccountScore[];
}

/**
 * Scores an org with its active model for `asOf` (and, with `history`, back-fills the 90 days up to it
 * first). Used by the CLI and the daily run. `inTransaction` runs in the transaction that stores the
 * day's snapshots, after them (the daily run decides the day's actions there: both or neither are stored).
 */
export async function scoreOrg(
  db: Db,
  opts: {
    orgId: string;
    asOf: string;
    history?: boolean;
    inTransaction?: (tx: Db, result: ScoreOrgResult) => Promise<void>;
  },
): Promise<ScoreOrgResult> {
  const active = await loadActiveModel(db, opts.orgId);
  if (!active) {
    throw new PulseError('NO_ACTIVE_MODEL', `org ${opts.orgId} has no published model; publish one first`, {
      org: opts.orgId,
    });
  }
  const { model, references } = active;
  return db.transaction(async (tx) => {
    let snapshots = 0;
    if (opts.history) {
      // The back-fill ends the day before, so today's scores come from the one-day engine as usual.
      const r = await backfill(tx, { orgId: opts.orgId, model, references, toDay: addDays(opts.asOf, -1), days: 89 });
      snapshots += r.snapshots;
    }
    const scores: AccountScore[] = [];
    snapshots += await scoreAndStoreDay(
      tx,
      { orgId: opts.orgId, model, references, asOf: opts.asOf },
      (batch) => void scores.push(...batch),
    );
    const result = { modelVersion: model.version, asOf: opts.asOf, accounts: scores.length, snapshots, scores };
    await opts.inTransaction?.(tx, result);
    return result;
  });
}
