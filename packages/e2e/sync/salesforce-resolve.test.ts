/**
 * Post-pull resolution against the emulator: a converted lead and its contact in one campaign
 * count one campaign response, and events of deleted accounts and people stop counting until
 * the record is undeleted — across incremental and full re-pulls.
 */
import { closeScene, openScene } from '../support/scene';
import type { Connection } from 'jsforce';
import { syncSalesforce } from '@pulse/server/src/sources/salesforce/sync';
import type { Db } from '@pulse/server/src/store/db';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';

const ORG = 'org-resolve';
let now = new Date('2026-11-24T10:00:00.000Z');
let emu: Emulator;
let db: Db;
let conn: Connection;

beforeAll(async () => {
  ({ emu, db, conn } = await openScene({ org: { accounts: 50, seed: 21 }, now: () => now }));
  expect((await pull()).status).toBe('succeeded');
});
afterAll(() => closeScene({ emu, db }));

/** One pull a minute after the last, so every change in the emulator is newer than the watermark. */
async function pull(full = false) {
  now = new Date(now.getTime() + 60_000);
  const r = await syncSalesforce({ db, orgId: ORG, conn, full });
  expect(r.status).toBe('succeeded');
  return r;
}

/** The stored events of these source ids: person, account and why each does not count (null: counts). */
async function events(ids: readonly string[]) {
  const r = await db.query<{ source_id: string; person_id: string; account_id: string; excluded_reason: string }>(
    `SELECT source_id, person_id, account_id, excluded_reason FROM events
     WHERE org_id = $1 AND source = 'salesforce' AND source_id = ANY($2::text[]) ORDER BY source_id`,
    [ORG, ids],
  );
  return Object.fromEntries(r.rows.map((e) => [e.source_id, e]));
}

const touch = (object: string, id: string) => {
  now = new Date(now.getTime() + 1000);
  emu.store.update(object, id, {});
};

describe('a converted lead and its contact in one campaign', () => {
  let campaignId: string;
  let accountId: string;
  let leadMember: string;
  let contactMember: string;
  let contactId: string;

  it('count one campaign response, the earliest, on the contact', async () => {
    const s = emu.store;
    campaignId = [...s.all('Campaign')][0]!.Id;
    accountId = [...s.all('Account')][0]!.Id;
    const lead = s.insert('Lead', {
      FirstName: 'Ada',
      LastName: 'Twice',
      Company: 'Twice Inc',
      Email: 'ada@twice.example',
      Status: 'Open - Not Contacted',
    });
    leadMember = s.insert('CampaignMember', {
      CampaignId: campaignId,
      LeadId: lead.Id,
      Status: 'Responded',
      FirstRespondedDate: '2026-11-10',
    }).Id;
    await pull();
    // Converted into a contact that then responds to the same campaign itself.
    const contact = s.insert('Contact', {
      AccountId: accountId,
      FirstName: 'Ada',
      LastName: 'Twice',
      Email: 'ada@twice.example',
    });
    contactId = contact.Id;
    s.update('Lead', lead.Id, {
      IsConverted: true,
      ConvertedAccountId: accountId,
      ConvertedContactId: contactId,
      ConvertedDate: '2026-11-15',
      Status: 'Closed - Converted',
    });
    contactMember = s.insert('CampaignMember', {
      CampaignId: campaignId,
      ContactId: contactId,
      Status: 'Responded',
      FirstRespondedDate: '2026-11-20',
    }).Id;
    const r = await pull();
    expect(r.resolved.duplicates).toBe(1);
    const e = await events([leadMember, contactMember]);
    expect(e[leadMember]).toMatchObject({ person_id: contactId, account_id: accountId, excluded_reason: null });
    expect(e[contactMember]).toMatchObject({
      person_id: contactId,
      account_id: accountId,
      excluded_reason: 'duplicate_campaign_member',
    });
  });

  it('still count once after both members are pulled again, incrementally and in full', async () => {
    touch('CampaignMember', contactMember);
    touch('CampaignMember', leadMember);
    await pull();
    const expected = {
      [leadMember]: expect.objectContaining({ excluded_reason: null }),
      [contactMember]: expect.objectContaining({ excluded_reason: 'duplicate_campaign_member' }),
    };
    expect(await events([leadMember, contactMember])).toEqual(expected);
    await pull(true);
    expect(await events([leadMember, contactMember])).toEqual(expected);
  });

  it('count the other membership when the counted one is deleted', async () => {
    now = new Date(now.getTime() + 1000);
    emu.store.delete('CampaignMember', leadMember);
    await pull();
    const e = await events([leadMember, contactMember]);
    expect(e[leadMember]).toBeUndefined();
    expect(e[contactMember]).toMatchObject({ person_id: contactId, excluded_reason: null });
  });
});

describe('deleted accounts and people', () => {
  const counted = async (ids: readonly string[]) =>
    Object.values(await events(ids)).filter((e) => e.account_id !== null && e.excluded_reason === null).length;

  it("stop counting a deleted account's events, and count them again after an undelete", async () => {
    const s = emu.store;
    const tasks = [...s.all('Task')].filter((t) => t.AccountId && (t.Type === 'Call' || t.Type === 'Email'));
    const accountId = String(tasks[0]!.AccountId);
    const ids = tasks.filter((t) => t.AccountId === accountId).map((t) => t.Id);
    const before = await events(ids);
    const live = Object.values(before).filter((e) => e.excluded_reason === null).length;
    expect(live).toBeGreaterThan(0);
    expect(await counted(ids)).toBe(live);

    // The account goes to the recycle bin; its activities are left behind (as a partial pull sees them).
    now = new Date(now.getTime() + 1000);
    s.delete('Account', accountId);
    const r = await pull();
    expect(r.resolved.deleted).toBeGreaterThanOrEqual(live);
    expect(await counted(ids)).toBe(0);
    const after = await events(ids);
    for (const id of ids) {
      // A zero-duration call keeps its own reason; every other event says its account is gone.
      expect(after[id]!.excluded_reason).toBe(before[id]!.excluded_reason ?? 'deleted_account');
    }

    // Undelete: the account comes back live with a new SystemModstamp.
    s.get('Account', accountId, { includeDeleted: true })!.IsDeleted = false;
    touch('Account', accountId);
    await pull();
    expect(await events(ids)).toEqual(before);
  });

  it("stop counting a deleted contact's events, but follow a merged one to its master", async () => {
    const s = emu.store;
    const byWho = new Map<string, string[]>();
    for (const t of s.all('Task')) {
      if (!String(t.WhoId ?? '').startsWith('003') || (t.Type !== 'Call' && t.Type !== 'Email')) continue;
      byWho.set(String(t.WhoId), [...(byWho.get(String(t.WhoId)) ?? []), t.Id]);
    }
    const busy = [...byWho.entries()].filter(([, t]) => t.length >= 2);
    expect(busy.length).toBeGreaterThanOrEqual(2);
    const [goneId, goneTasks] = busy[0]!;
    const [loserId, loserTasks] = busy[1]!;
    const master = [...s.all('Contact')].find(
      (c) => c.Id !== loserId && c.Id !== goneId && c.AccountId === s.get('Contact', loserId)!.AccountId,
    )!;
    const before = await events(goneTasks);
    now = new Date(now.getTime() + 1000);
    s.delete('Contact', goneId);
    s.update('Contact', loserId, { MasterRecordId: master.Id });
    s.delete('Contact', loserId);
    await pull();
    const gone = await events(goneTasks);
    for (const id of goneTasks) {
      expect(gone[id]!.excluded_reason).toBe(before[id]!.excluded_reason ?? 'deleted_person');
    }
    const merged = await events(loserTasks);
    for (const id of loserTasks) {
      expect(merged[id]!.person_id).toBe(master.Id);
      expect(['deleted_person', 'deleted_account']).not.toContain(merged[id]!.excluded_reason);
    }

    s.get('Contact', goneId, { includeDeleted: true })!.IsDeleted = false;
    touch('Contact', goneId);
    await pull();
    expect(await events(goneTasks)).toEqual(before);
  });
});
