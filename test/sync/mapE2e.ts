/**
 * What the MAP end-to-end tests share: pulling the Salesforce side, reading back what a MAP pull
 * stored, and a pull killed between pages followed by the pull that resumes it.
 */
import type { Connection } from 'jsforce';
import { syncMapSource, type MapSyncResult } from '../../server/src/sources/map/sync';
import type { MapConnector, MapSourceName } from '../../server/src/sources/map/types';
import { syncSalesforce } from '../../server/src/sources/salesforce/sync';
import type { Db } from '../../server/src/store/db';

/** Pulls the org's Salesforce side; the test fails if the pull does not succeed. */
export async function pullSalesforce(db: Db, orgId: string, conn: Connection): Promise<void> {
  const r = await syncSalesforce({ db, orgId, conn, pageSize: 500 });
  expect(r.status).toBe('succeeded');
}

/** Everything one MAP source's pull stored for an org (its people and events), without org id and load times. */
export async function mapContents(db: Db, orgId: string, source: MapSourceName): Promise<string> {
  const q = async (sql: string) => (await db.query(sql, [orgId, source])).rows;
  return JSON.stringify({
    people: await q(
      `SELECT id, kind, account_id, email, name, title, match_method, merged_into, attributes FROM people
       WHERE org_id = $1 AND kind = $2 ORDER BY id`,
    ),
    events: await q(
      `SELECT source_id, type, occurred_at, person_id, account_id, url, attributes, excluded_reason, source_person_id
       FROM events WHERE org_id = $1 AND source = $2 ORDER BY source_id`,
    ),
  });
}

/** A count(*) query's number. */
export async function countRows(db: Db, sql: string, params: unknown[]): Promise<number> {
  return Number((await db.query<{ n: string | number }>(sql, params)).rows[0]!.n);
}

/** A pull killed after page `crashAfterPage` (0-based), then the pull that resumes from its checkpoint. */
export async function crashAndResume(opts: {
  db: Db;
  orgId: string;
  connector: () => MapConnector;
  now: Date;
  crashAfterPage: number;
}): Promise<{ crashed: MapSyncResult; resumed: MapSyncResult }> {
  const base = { db: opts.db, orgId: opts.orgId, now: opts.now, sleep: () => Promise.resolve() };
  const crashed = await syncMapSource({
    ...base,
    connector: opts.connector(),
    afterPage: (page) => {
      if (page === opts.crashAfterPage) throw new Error('killed between pages');
    },
  });
  expect(crashed.status).toBe('failed');
  expect(crashed.counts.pages).toBe(opts.crashAfterPage + 1);
  const resumed = await syncMapSource({ ...base, connector: opts.connector() });
  expect(resumed.status).toBe('succeeded');
  return { crashed, resumed };
}
