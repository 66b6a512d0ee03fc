/**
 * How every pull ends — the Salesforce sync (`sync` runs) and each MAP sync (`sync:<source>`
 * runs) alike: one status vocabulary in results, `pulse sync --json`, the run log and the store.
 */
import type { Db } from '../store/db';
import { finishRun } from '../store/runs';

/**
 * `succeeded`: every stream read up to now. `partial`: stopped cleanly before the end, keeping what
 * it stored; the next run resumes from the checkpoints. `failed`: an error ended it.
 */
export type PullStatus = 'succeeded' | 'partial' | 'failed';

/**
 * Why a pull ended `partial`: `budget`, the run's share of the Salesforce daily API calls was spent;
 * `quota`, the vendor's daily API allowance was spent (MAP sources).
 */
export type PullReason = 'budget' | 'quota';

/** How one pull ended: its status, and for a partial pull the reason. */
export interface PullOutcome {
  status: PullStatus;
  reason?: PullReason;
}

/** The status as summaries print it: `partial (budget)`. */
export function formatPullStatus(o: PullOutcome): string {
  return o.reason ? `${o.status} (${o.reason})` : o.status;
}

/** Closes a pull's run with its outcome; the reason is kept in the run's state beside what it started with. */
export async function finishPull(
  db: Db,
  orgId: string,
  run: { id: number; state: Record<string, unknown> },
  outcome: PullOutcome,
  result: { counts: Record<string, number>; apiCalls: Record<string, unknown>; errors: Array<Record<string, unknown>> },
): Promise<void> {
  await finishRun(db, orgId, run.id, outcome.status, {
    ...result,
    ...(outcome.reason ? { state: { ...run.state, reason: outcome.reason } } : {}),
  });
}
