/**
 * The Salesforce pull against the in-process emulator with a generated org: first pull,
 * planted stories, then changes in the org arriving through the next incremental pull.
 */
import { closeScene, openScene } from '../support/scene';
import type { Connection } from 'jsforce';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg } from '@pulse/sandbox/src/generator/types';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';
import { scoreDay } from '@pulse/server/src/engine/day';
import { syncSalesforce } from '@pulse/server/src/sources/salesforce/sync';
import type { Db } from '@pulse/server/src/store/db';
import { listRuns } from '@pulse/server/src/store/runs';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';

const ORG = 'org-prod';
let now = new Date('2026-11-24T10:00:00.000Z');
let emu: Emulator;
let gen: GeneratedOrg;
let db: Db;
let conn: Connection;

beforeAll(async () => {
  gen = generateOrg({ accounts: 60, seed: 11, now });
  ({ emu, db, conn } = await openScene({ org: gen, now: () => now }));
});
afterAll(() => closeScene({ emu, db }));

const one = async <T>(sql: string, params: unknown[]): Promise<T | undefined> =>
  (await db.query<T>(sql, params)).rows[0];

const scores = async (): Promise<Map<string, number>> => {
  const references = Object.fromEntries(DEFAULT_MODEL.kpis.map((k) => [k.key, 5]));
  const out = await scoreDay(db, { orgId: ORG, model: DEFAULT_MODEL, references, asOf: '2026-11-24' });
  return new Map(out.map((s) => [s.accountId, s.scoreExact]));
};

describe('first pull', () => {
  it('stores every account, contact, lead and activity of the org, and records the run', async () => {
    const r = await syncSalesforce({ db, orgId: ORG, conn });
    expect(r.status).toBe('succeeded');
    const count = async (sql: string) => (await one<{ n: number }>(sql, [ORG]))!.n;
    expect(await count('SELECT count(*) AS n FROM accounts WHERE org_id = $1')).toBe(emu.store.count('Account'));
    expect(await count(`SELECT count(*) AS n FROM people WHERE org_id = $1 AND kind = 'contact'`)).toBe(
      emu.store.count('Contact'),
    );
    expect(await count(`SELECT count(*) AS n FROM people WHERE org_id = $1 AND kind = 'lead'`)).toBe(
      emu.store.count('Lead'),
    );
    expect(await count('SELECT count(*) AS n FROM opportunities WHERE org_id = $1')).toBe(
      emu.store.count('Opportunity'),
    );
    const tasks = [...emu.store.all('Task')].filter((t) => t.Type === 'Call' || t.Type === 'Email').length;
    const responded = [...emu.store.all('CampaignMember')].filter((m) => m.HasResponded).length;
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND attributes->>'object' = 'Task'`)).toBe(
      tasks,
    );
    expect(await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND type = 'meeting'`)).toBe(
      emu.store.count('Event'),
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM events WHERE org_id = $1 AND type IN ('campaign_response', 'event_attended')`,
      ),
    ).toBe(responded);
    // Zero-duration calls stay visible with a reason instead of disappearing.
    const zero = [...emu.store.all('Task')].filter((t) => t.Type === 'Call' && t.CallDurationInSeconds === 0);
    expect(zero.length).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*) AS n FROM events WHERE org_id = $1 AND excluded_reason = 'call_zero_duration'`),
    ).toBe(zero.length);
    const run = (await listRuns(db, ORG, 'sync'))[0]!;
    expect(run.status).toBe('succeeded');
    expect((run.apiCalls as { total: number }).total).toBe(r.apiCalls.total);
    // limits + 9 describes + at least one page per object, and nothing like one call per record.
    expect(r.apiCalls.total).toBeGreaterThanOrEqual(19);
    expect(r.apiCalls.total).toBeLessThan(40);
  });

  it('puts orphan leads on their account by email domain, never converting them', async () => {
    const story = gen.stories.orphanLeads;
    expect(story.leadIds.length).toBeGreaterThan(0);
    const rows = await db.query<{ id: string; account_id: string; match_method: string; match_confidence: number }>(
      `SELECT id, account_id, match_method, match_confidence FROM people WHERE org_id = $1 AND id = ANY($2::text[])`,
      [ORG, story.leadIds],
    );
    expect(rows.rows).toHaveLength(story.leadIds.length);
    for (const r of rows.rows) {
      expect(r.account_id).toBe(story.accountId);
      expect(r.match_method).toMatch(/^email_/);
      expect(r.match_confidence).toBeGreaterThan(0.5);
    }
    for (const id of story.leadIds) expect(emu.store.get('Lead', id)?.IsConverted).toBe(false);
    const attributed = await one<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE org_id = $1 AND person_id = ANY($2::text[]) AND account_id = $3`,
      [ORG, story.leadIds, story.accountId],
    );
    const all = await one<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE org_id = $1 AND person_id = ANY($2::text[])`,
      [ORG, story.leadIds],
    );
    expect(attributed!.n).toBe(all!.n);
  });

  it('keeps the planted bot contact on its account (its clicks come from the MAP, not Salesforce)', async () => {
    const bot = await one<{ account_id: string }>('SELECT account_id FROM people WHERE org_id = $1 AND id = $2', [
      ORG,
      gen.stories.bot.personId,
    ]);
    expect(bot?.account_id).toBe(gen.stories.bot.accountId);
  });

  it('pulls nothing new when nothing changed, in one page per object', async () => {
    const before = await one<{ n: number }>('SELECT count(*) AS n FROM events WHERE org_id = $1', [ORG]);
    const r = await syncSalesforce({ db, orgId: ORG, conn });
    expect(r.status).toBe('succeeded');
    expect(r.apiCalls.total).toBe(10);
    const after = await one<{ n: number }>('SELECT count(*) AS n FROM events WHERE org_id = $1', [ORG]);
    expect(after!.n).toBe(before!.n);
  });
});

describe('incremental pull', () => {
  it('brings new tasks, edited contacts, deletes, a lead conversion and a merge, and scores move', async () => {
    const before = await scores();
    now = new Date('2026-11-24T11:00:00.000Z');
    const s = emu.store;
    // New tasks: two answered calls on a quiet account's contact.
    const contacts = [...s.all('Contact')];
    const byAccount = new Map<string, number>();
    for (const c of contacts) byAccount.set(String(c.AccountId), (byAccount.get(String(c.AccountId)) ?? 0) + 1);
    const target = contacts.find((c) => (byAccount.get(String(c.AccountId)) ?? 0) >= 3)!;
    const acct = String(target.AccountId);
    const newTasks = [1, 2].map(
      (i) =>
        s.insert('Task', {
          WhoId: target.Id,
          WhatId: acct,
          Subject: `Call ${i}`,
          Type: 'Call',
          TaskSubtype: 'Call',
          CallDurationInSeconds: 600,
          ActivityDate: '2026-11-24',
          Status: 'Completed',
        }).Id,
    );
    // An edited contact: promoted.
    const edited = contacts.find((c) => c.Id !== target.Id && c.Title !== 'Chief Executive Officer')!;
    s.update('Contact', edited.Id, { Title: 'Chief Executive Officer' });
    // A deleted event.
    const gone = [...s.all('Event')][0]!;
    s.delete('Event', gone.Id);
    // A lead conversion: an orphan lead becomes a contact on its account; its history follows.
    const lead = s.get('Lead', gen.stories.orphanLeads.leadIds[0]!)!;
    const newContact = s.insert('Contact', {
      AccountId: gen.stories.orphanLeads.accountId,
      FirstName: String(lead.FirstName),
      LastName: String(lead.LastName),
      Email: String(lead.Email),
      Title: lead.Title ?? null,
    });
    s.update('Lead', lead.Id, {
      IsConverted: true,
      ConvertedAccountId: gen.stories.orphanLeads.accountId,
      ConvertedContactId: newContact.Id,
      ConvertedDate: '2026-11-24',
      Status: 'Closed - Converted',
    });
    // A merge: the loser's activities move to the master, the loser goes to the recycle bin.
    const [master, loser] = contacts.filter((c) => c.AccountId === acct && c.Id !== target.Id);
    const loserTasks = [...s.all('Task')].filter((t) => t.WhoId === loser!.Id);
    for (const t of loserTasks) s.update('Task', t.Id, { WhoId: master!.Id });
    s.update('Contact', loser!.Id, { MasterRecordId: master!.Id });
    s.delete('Contact', loser!.Id);

    const r = await syncSalesforce({ db, orgId: ORG, conn });
    expect(r.status).toBe('succeeded');
    expect(r.apiCalls.total).toBeLessThanOrEqual(12);

    const ev = await db.query<{ source_id: string; type: string; account_id: string; person_id: string }>(
      'SELECT source_id, type, account_id, person_id FROM events WHERE org_id = $1 AND source_id = ANY($2::text[])',
      [ORG, [...newTasks, gone.Id]],
    );
    expect(ev.rows.map((e) => e.source_id).sort()).toEqual([...newTasks].sort());
    for (const e of ev.rows) expect(e).toMatchObject({ type: 'call', account_id: acct, person_id: target.Id });

    const promoted = await one<{ seniority: string }>('SELECT seniority FROM people WHERE org_id = $1 AND id = $2', [
      ORG,
      edited.Id,
    ]);
    expect(promoted?.seniority).toBe('cxo');

    const converted = await one<{ merged_into: string; account_id: string }>(
      'SELECT merged_into, account_id FROM people WHERE org_id = $1 AND id = $2',
      [ORG, lead.Id],
    );
    expect(converted).toEqual({ merged_into: newContact.Id, account_id: gen.stories.orphanLeads.accountId });
    const leftOnLead = await one<{ n: number }>(
      'SELECT count(*) AS n FROM events WHERE org_id = $1 AND person_id = $2',
      [ORG, lead.Id],
    );
    expect(leftOnLead!.n).toBe(0);

    const merged = await one<{ is_deleted: boolean; merged_into: string }>(
      'SELECT is_deleted, merged_into FROM people WHERE org_id = $1 AND id = $2',
      [ORG, loser!.Id],
    );
    expect(merged).toEqual({ is_deleted: true, merged_into: master!.Id });
    const onLoser = await one<{ n: number }>('SELECT count(*) AS n FROM events WHERE org_id = $1 AND person_id = $2', [
      ORG,
      loser!.Id,
    ]);
    expect(onLoser!.n).toBe(0);

    const after = await scores();
    expect(after.get(acct)!).toBeGreaterThan(before.get(acct) ?? 0);
  });
});
