/**
 * Gathers what the outputs need besides the score itself: names and titles of the people the scores
 * name, each account's daily history from the snapshots, and when its current MQA period began.
 */
import type { Model } from '../model/schema';
import type { AccountScore } from '../scoring/finish';
import { addDays } from '../scoring/days';
import type { Db } from '../store/db';
import { listPeopleNames } from '../store/people';
import { readScoreHistory } from '../store/snapshots';
import type { AccountOutputKey } from '../contract/fields';
import { accountOutputs, HISTORY_DAYS, type OutputValue, type PersonInfo } from './outputs';

/** One account's output values, as `writeBack` takes them. */
export interface AccountOutputs {
  accountId: string;
  outputs: Record<AccountOutputKey, OutputValue>;
}

/** What building the outputs needs: the scores of the day and the run's facts. */
export interface OutputOptions {
  orgId: string;
  model: Model;
  scores: readonly AccountScore[];
  asOf: string;
  scoredAt: Date;
}

/** Accounts whose outputs are built together: one read of their people and history each. */
export const OUTPUT_BATCH = 2_000;

/** Output values for every scored account as of `asOf`, ready for `writeBack` (all at once; see `accountOutputBatches`). */
export async function buildAccountOutputs(db: Db, opts: OutputOptions): Promise<AccountOutputs[]> {
  const out: AccountOutputs[] = [];
  for await (const batch of accountOutputBatches(db, opts)) out.push(...batch);
  return out;
}

/**
 * The output values of the scored accounts `size` accounts at a time, each batch built when it is asked
 * for: only that batch's people and history are read and held, so the write-back never holds every
 * account's outputs (the top-contributors JSON, the summary, 90 days of history) at once.
 */
export async function* accountOutputBatches(
  db: Db,
  opts: OutputOptions,
  size = OUTPUT_BATCH,
): AsyncGenerator<AccountOutputs[]> {
  const { orgId, model, scores, asOf } = opts;
  // Snapshots hold the exact score; the history shows what was written each day, the rounded one.
  const from = addDays(asOf, -(HISTORY_DAYS - 1));
  const days = Array.from({ length: HISTORY_DAYS }, (_, i) => addDays(from, i));
  const kpiLabels = Object.fromEntries(model.kpis.map((k) => [k.key, k.label]));
  for (let i = 0; i < scores.length; i += size) {
    const batch = scores.slice(i, i + size);
    const personIds = [...new Set(batch.flatMap((s) => s.topPeople.map((p) => p.personId)))];
    const people = new Map<string, PersonInfo>(
      (await listPeopleNames(db, orgId, personIds)).map((p) => [
        p.id,
        { name: p.name, title: p.title, salesforceId: p.id },
      ]),
    );
    const ids = batch.map((s) => s.accountId);
    const byAccount = await readScoreHistory(db, orgId, model.version, from, asOf, ids);
    yield batch.map((score) => {
      const series = byAccount.get(score.accountId) ?? new Map<string, { score: number; mqa: boolean }>();
      const history = days.map((d) =>
        d === asOf ? score.score : series.has(d) ? Math.round(series.get(d)!.score) : null,
      );
      let mqaSince: string | null = null;
      if (score.mqa) {
        // Walk back over consecutive MQA days; the period began on the earliest of them.
        mqaSince = asOf;
        for (let d = addDays(asOf, -1); series.get(d)?.mqa; d = addDays(d, -1)) mqaSince = d;
      }
      return {
        accountId: score.accountId,
        outputs: accountOutputs(score, {
          kpiLabels,
          people,
          history,
          mqaSince,
          modelVersion: model.version,
          scoredAt: opts.scoredAt,
        }),
      };
    });
  }
}
