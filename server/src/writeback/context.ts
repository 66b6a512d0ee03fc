/**
 * Gathers what the outputs need besides the score itself: names and titles of the people the scores
 * name, each account's daily history from the snapshots, and when its current MQA period began.
 */
import type { Model } from '../model/schema';
import type { AccountScore } from '../scoring/finish';
import { addDays } from '../scoring/reduce';
import type { Db } from '../store/db';
import type { AccountOutputKey } from '../contract/fields';
import { accountOutputs, type OutputValue, type PersonInfo } from './outputs';

const HISTORY_DAYS = 90;

/** Output values for every scored account as of `asOf`, ready for `writeBack`. */
export async function buildAccountOutputs(
  db: Db,
  opts: { orgId: string; model: Model; scores: readonly AccountScore[]; asOf: string; scoredAt: Date },
): Promise<{ accountId: string; outputs: Record<AccountOutputKey, OutputValue> }[]> {
  const { orgId, model, scores, asOf } = opts;
  const personIds = [...new Set(scores.flatMap((s) => s.topPeople.map((p) => p.personId)))];
  const people = new Map<string, PersonInfo>();
  if (personIds.length > 0) {
    const r = await db.query<{ id: string; name: string; title: string | null }>(
      'SELECT id, name, title FROM people WHERE org_id = $1 AND id = ANY($2::text[])',
      [orgId, personIds],
    );
    for (const p of r.rows) people.set(p.id, { name: p.name, title: p.title, salesforceId: p.id });
  }

  // Snapshots hold the exact score; the history shows what was written each day, the rounded one.
  const from = addDays(asOf, -(HISTORY_DAYS - 1));
  const snaps = await db.query<{ account_id: string; day: string; score: number; mqa: boolean }>(
    `SELECT account_id, day, score, mqa FROM snapshots
     WHERE org_id = $1 AND model_version = $2 AND day BETWEEN $3::date AND $4::date
     ORDER BY account_id, day`,
    [orgId, model.version, from, asOf],
  );
  const byAccount = new Map<string, Map<string, { score: number; mqa: boolean }>>();
  for (const s of snaps.rows) {
    let m = byAccount.get(s.account_id);
    if (!m) byAccount.set(s.account_id, (m = new Map()));
    m.set(s.day, { score: s.score, mqa: s.mqa });
  }

  const days = Array.from({ length: HISTORY_DAYS }, (_, i) => addDays(from, i));
  const kpiLabels = Object.fromEntries(model.kpis.map((k) => [k.key, k.label]));
  return scores.map((score) => {
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
