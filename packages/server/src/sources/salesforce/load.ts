/**
 * Applies one page of Salesforce records to the store, inside the caller's transaction.
 * Live rows are upserted; deleted rows (queryAll) mark people/accounts deleted and remove the
 * events they produced. Everything is keyed by Salesforce id, so replaying a page changes nothing.
 */
import type { Db } from '../../store/db';
import { upsertAccounts } from '../../store/accounts';
import { upsertEvents, type EventRecord } from '../../store/events';
import { upsertPeople } from '../../store/people';
import {
  toAccount,
  campaignMemberActivity,
  toContact,
  meetingActivity,
  toLead,
  toOpportunity,
  taskActivity,
  SOURCE,
  type ActivityRules,
  type CampaignInfo,
  type SfRow,
} from './records';

/** The activity rules and the lookups the translation needs, loaded from the store once per run. */
export interface LoadContext {
  orgId: string;
  activityRules: ActivityRules;
  ownerNames: Map<string, string>;
  campaigns: Map<string, CampaignInfo>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Stores one page of `object`; returns how many records it applied. */
export async function applyPage(db: Db, object: string, rows: readonly SfRow[], ctx: LoadContext): Promise<number> {
  const live = rows.filter((r) => r.IsDeleted !== true);
  const deleted = rows.filter((r) => r.IsDeleted === true);
  switch (object) {
    case 'User':
    case 'Campaign':
      await upsertSourceRecords(db, ctx.orgId, object, rows);
      for (const r of live) {
        if (object === 'User') ctx.ownerNames.set(r.Id, str(r.Name) ?? '');
        else ctx.campaigns.set(r.Id, { name: str(r.Name) ?? '', type: str(r.Type) });
      }
      break;
    case 'Account':
      await upsertAccounts(
        db,
        ctx.orgId,
        live.map((r) => toAccount(r, ctx.ownerNames)),
      );
      await markDeleted(db, ctx.orgId, 'accounts', deleted);
      break;
    case 'Contact':
      await upsertPeople(db, ctx.orgId, live.map(toContact));
      await markDeleted(db, ctx.orgId, 'people', deleted);
      break;
    case 'Lead': {
      const leads = live.map(toLead);
      await upsertPeople(db, ctx.orgId, leads);
      await setMergedInto(
        db,
        ctx.orgId,
        leads.map((l) => [l.id, l.convertedContactId]),
      );
      await markDeleted(db, ctx.orgId, 'people', deleted);
      break;
    }
    case 'Opportunity':
      await upsertOpportunities(db, ctx.orgId, live);
      await markDeleted(db, ctx.orgId, 'opportunities', deleted);
      break;
    case 'Task':
    case 'Event':
    case 'CampaignMember': {
      const events: EventRecord[] = [];
      const gone: string[] = deleted.map((r) => r.Id);
      for (const r of live) {
        const e =
          object === 'Task'
            ? taskActivity(r, ctx.activityRules)
            : object === 'Event'
              ? meetingActivity(r)
              : campaignMemberActivity(r, ctx.campaigns, ctx.activityRules);
        if (e) events.push(e);
        else gone.push(r.Id);
      }
      await upsertEvents(db, ctx.orgId, events);
      if (gone.length > 0) {
        await db.query('DELETE FROM events WHERE org_id = $1 AND source = $2 AND source_id = ANY($3::text[])', [
          ctx.orgId,
          SOURCE,
          gone,
        ]);
      }
      break;
    }
    default:
      throw new Error(`no loader for Salesforce object ${object}`);
  }
  return rows.length;
}

async function upsertSourceRecords(db: Db, orgId: string, object: string, rows: readonly SfRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO source_records (org_id, object, id, fields, is_deleted)
     SELECT $1, $2, id, fields::jsonb, is_deleted FROM unnest($3::text[], $4::text[], $5::boolean[]) AS t(id, fields, is_deleted)
     ON CONFLICT (org_id, object, id) DO UPDATE SET fields = EXCLUDED.fields, is_deleted = EXCLUDED.is_deleted`,
    [orgId, object, rows.map((r) => r.Id), rows.map((r) => JSON.stringify(r)), rows.map((r) => r.IsDeleted === true)],
  );
}

/**
 * Deleted accounts, people and opportunities stay as rows with is_deleted (the receipt can
 * still name them); a merged-away person points at the record that survived (MasterRecordId).
 */
async function markDeleted(
  db: Db,
  orgId: string,
  table: 'accounts' | 'people' | 'opportunities',
  rows: readonly SfRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(`UPDATE ${table} SET is_deleted = true WHERE org_id = $1 AND id = ANY($2::text[])`, [
    orgId,
    rows.map((r) => r.Id),
  ]);
  if (table === 'people') {
    await setMergedInto(
      db,
      orgId,
      rows.map((r) => [r.Id, str(r.MasterRecordId)]),
    );
  }
}

/** Sets (or clears) people.merged_into: a converted lead's contact, a merged record's master. */
async function setMergedInto(db: Db, orgId: string, pairs: ReadonlyArray<[string, string | null]>): Promise<void> {
  if (pairs.length === 0) return;
  await db.query(
    `UPDATE people p SET merged_into = t.merged_into
     FROM unnest($2::text[], $3::text[]) AS t(id, merged_into)
     WHERE p.org_id = $1 AND p.id = t.id AND p.merged_into IS DISTINCT FROM t.merged_into`,
    [orgId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

async function upsertOpportunities(db: Db, orgId: string, rows: readonly SfRow[]): Promise<void> {
  if (rows.length === 0) return;
  const o = rows.map(toOpportunity);
  await db.query(
    `INSERT INTO opportunities (org_id, id, account_id, name, stage, amount, is_closed, is_won, created_at, close_date)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::boolean[],
                              $8::boolean[], $9::timestamptz[], $10::date[])
     ON CONFLICT (org_id, id) DO UPDATE SET account_id = EXCLUDED.account_id, name = EXCLUDED.name,
       stage = EXCLUDED.stage, amount = EXCLUDED.amount, is_closed = EXCLUDED.is_closed, is_won = EXCLUDED.is_won,
       created_at = EXCLUDED.created_at, close_date = EXCLUDED.close_date, is_deleted = false`,
    [
      orgId,
      o.map((x) => x.id),
      o.map((x) => x.accountId),
      o.map((x) => x.name),
      o.map((x) => x.stage),
      o.map((x) => x.amount),
      o.map((x) => x.isClosed),
      o.map((x) => x.isWon),
      o.map((x) => x.createdAt.toISOString()),
      o.map((x) => x.closeDate),
    ],
  );
}

/** Loads owner names and campaigns already stored (an incremental run sees only changes). */
export async function loadLookups(db: Db, orgId: string): Promise<Pick<LoadContext, 'ownerNames' | 'campaigns'>> {
  const r = await db.query<{ object: string; id: string; name: string | null; type: string | null }>(
    `SELECT object, id, fields->>'Name' AS name, fields->>'Type' AS type FROM source_records
     WHERE org_id = $1 AND object IN ('User', 'Campaign') AND NOT is_deleted`,
    [orgId],
  );
  const ownerNames = new Map<string, string>();
  const campaigns = new Map<string, CampaignInfo>();
  for (const row of r.rows) {
    if (row.object === 'User') ownerNames.set(row.id, row.name ?? '');
    else campaigns.set(row.id, { name: row.name ?? '', type: row.type });
  }
  return { ownerNames, campaigns };
}
