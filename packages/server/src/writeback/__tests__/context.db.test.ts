import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { BASIC_AS_OF, BASIC_EXPORT, BASIC_MODEL } from '../../../testing/basicExport';
import { openOfflineSession } from '../../cli/score';
import type { OfflineSession } from '../../sources/csv/offline';
import { accountOutputBatches, buildAccountOutputs } from '../context';

let db: Db;
let session: OfflineSession;
withTestDb((d) => (db = d));

beforeAll(async () => {
  // The 90-day history, so the outputs' history and MQA start come from stored days.
  session = await openOfflineSession(
    { data: BASIC_EXPORT, model: BASIC_MODEL, asOf: BASIC_AS_OF, org: 'outputs', history: true },
    { db },
  );
});

test('outputs built a batch at a time are the outputs built all at once, in the same order', async () => {
  const opts = {
    orgId: session.orgId,
    model: session.model,
    scores: session.scores,
    asOf: BASIC_AS_OF,
    scoredAt: new Date('2026-03-31T06:00:00Z'),
  };
  const all = await buildAccountOutputs(db, opts);
  expect(all.map((a) => a.accountId)).toEqual(session.scores.map((s) => s.accountId));
  expect(all.some((a) => a.outputs.history !== null)).toBe(true);
  const sizes: number[] = [];
  const oneByOne: typeof all = [];
  for await (const batch of accountOutputBatches(db, opts, 1)) {
    sizes.push(batch.length);
    oneByOne.push(...batch);
  }
  expect(sizes).toEqual(session.scores.map(() => 1));
  expect(oneByOne).toEqual(all);
});
