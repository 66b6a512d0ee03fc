/**
 * `pulse score` prints the same bytes with and without its fast path: on the property tests' random
 * models and data, written as a CSV export, the default run (calibrate, score the trend day and the
 * as-of day) and `--history` (publish with the 90-day back-fill, as before) print identical JSON and CSV.
 * Runs on PGlite, and on Postgres under `npm run test:pg`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '@pulse/server/src/store/db';
import { withTestDb } from '@pulse/server/testing/db';
import { collector, tempDirs } from '@pulse/server/testing/basicExport';
import { runScore } from '@pulse/server/src/cli/score';
import type { Model } from '@pulse/server/src/model/schema';
import { AS_OF, dataArb, modelArb, type Data } from './arbitraries';

const DEPARTMENTS: Record<string, string> = {
  marketing: 'Marketing',
  it: 'Information Technology',
  finance: 'Finance',
};
/** A title that normalizes to each generated seniority (the CSV carries titles, not seniorities). */
const SENIORITY_TITLES: Record<string, string> = {
  cxo: 'Chief Marketing Officer',
  vp: 'VP Operations',
  manager: 'IT Manager',
  individual: 'Student Analyst',
};

let db: Db;
let run = 0;
const tmp = tempDirs('pulse-fastpath-');
withTestDb(
  (d) => (db = d),
  () => tmp.removeAll(),
);

/** Writes the random org as the export `pulse score --data` reads, and the model beside it. */
function writeExport(data: Data, model: Model): string {
  const dir = tmp.make();
  writeFileSync(
    join(dir, 'accounts.csv'),
    stringify(
      data.accounts.map((a) => [a.id, `Account ${a.id}`, `${a.id}.example`, a.industry ?? '', a.employees ?? '']),
      { header: true, columns: ['id', 'name', 'domain', 'industry', 'employees'] },
    ),
  );
  writeFileSync(
    join(dir, 'people.csv'),
    stringify(
      data.people.map((p, i) => [
        p.id,
        // Every third person comes without an account and is matched by their email's domain.
        i % 3 === 2 ? '' : p.account_id,
        `${p.id}@${p.account_id}.example`,
        `Person ${p.id}`,
        p.title ?? SENIORITY_TITLES[p.seniority] ?? '',
        DEPARTMENTS[p.department] ?? '',
      ]),
      { header: true, columns: ['id', 'accountId', 'email', 'name', 'title', 'department'] },
    ),
  );
  const endOfAsOf = Date.parse(`${AS_OF}T00:00:00Z`) + 86_400_000;
  writeFileSync(
    join(dir, 'events.csv'),
    stringify(
      // The export holds no event after the as-of day (the loader rejects those).
      data.events
        .filter((e) => e.occurredAt.getTime() < endOfAsOf)
        .map((e) => [
          e.id,
          e.type,
          e.occurredAt.toISOString(),
          e.personId ?? '',
          e.personId ? '' : e.accountId,
          e.url ?? '',
          e.quantity,
          e.strength ?? '',
          e.campaignType ?? '',
          e.excluded ?? '',
        ]),
      {
        header: true,
        columns: [
          'id',
          'type',
          'occurredAt',
          'personId',
          'accountId',
          'url',
          'quantity',
          'strength',
          'campaignType',
          'excludedReason',
        ],
      },
    ),
  );
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  return dir;
}

/** What `pulse score` prints for the export, in a fresh org, with or without the history back-fill. */
async function printed(dir: string, format: 'json' | 'csv', history: boolean): Promise<string> {
  const out = collector();
  const org = `${history ? 'hist' : 'fast'}${run++}`;
  await runScore({ data: dir, model: join(dir, 'model.json'), asOf: AS_OF, format, org, history }, out, { db });
  return out.text();
}

test('pulse score prints the same with and without the 90-day back-fill', async () => {
  await fc.assert(
    fc.asyncProperty(
      modelArb,
      dataArb,
      // The trend day: the generated models' few days, and the default month (older events fall out).
      fc.constantFrom(undefined, 30),
      fc.constantFrom('json' as const, 'csv' as const),
      async (generated, data, trendDays, format) => {
        const model = trendDays ? { ...generated, trend: { ...generated.trend, days: trendDays } } : generated;
        const dir = writeExport(data, model);
        const fast = await printed(dir, format, false);
        const full = await printed(dir, format, true);
        expect(fast).toBe(full);
      },
    ),
    // FC_SEED and FC_PATH (printed with a failure) replay one counterexample.
    { numRuns: 25, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
  );
  // Each run loads an export twice and back-fills once: on a busy Postgres that is seconds a run.
}, 600_000);
