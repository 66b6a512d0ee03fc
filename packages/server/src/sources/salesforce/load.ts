/**
 * Applies one page of Salesforce records to the store, inside the caller's transaction.
 * Live rows are upserted; deleted rows (queryAll) mark people/accounts deleted and remove the
 * events they produced. Everything is keyed by Salesforce id, so replaying a page changes nothing.
 */
import type { Db } from '../../store/db';
import {
  deleteSourceEvents,
  listLookupRecords,
  markRecordsDeleted,
  setMergedInto,
  upsertOpportunities,
  upsertSourceRecords,
} from '../../store/salesforceRecords';
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
      await upsertRawRecords(db, ctx.orgId, object, rows);
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
      await upsertOpportunities(db, ctx.orgId, live.map(toOpportunity));
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
      await deleteSourceEvents(db, ctx.orgId, SOURCE, gone);
      break;
    }
    default:
      throw new Error(`no loader for Salesforce object ${object}`);
  }
  return rows.length;
}

/** Keeps each record as Salesforce sent it. */
function upsertRawRecords(db: Db, orgId: string, object: string, rows: readonly SfRow[]): Promise<void> {
  return upsertSourceRecords(
    db,
    orgId,
    object,
    rows.map((r) => ({ id: r.Id, fields: r, isDeleted: r.IsDeleted === true })),
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
  await markRecordsDeleted(
    db,
    orgId,
    table,
    rows.map((r) => r.Id),
  );
  if (table === 'people') {
    await setMergedInto(
      db,
      orgId,
      rows.map((r) => [r.Id, str(r.MasterRecordId)]),
    );
  }
}

/** Loads owner names and campaigns already stored (an incremental run sees only changes). */
export async function loadLookups(db: Db, orgId: string): Promise<Pick<LoadContext, 'ownerNames' | 'campaigns'>> {
  const rows = await listLookupRecords(db, orgId);
  const ownerNames = new Map<string, string>();
  const campaigns = new Map<string, CampaignInfo>();
  for (const row of rows) {
    if (row.object === 'User') ownerNames.set(row.id, row.name ?? '');
    else campaigns.set(row.id, { name: row.name ?? '', type: row.type });
  }
  return { ownerNames, campaigns };
}
