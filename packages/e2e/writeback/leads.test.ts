/**
 * writeBackLeads against the emulator with a generated org: the orphan-lead matches of the pull
 * land on the package's Lead fields, only what changed is sent, leads are never converted, the
 * preflight gate names what is wrong, and Bulk, lock retries, failures and the budget behave as
 * for Accounts.
 */
import { closeScene, openScene } from '../support/scene';
import type { Connection } from 'jsforce';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { GeneratedOrg } from '@pulse/sandbox/src/generator/types';
import { syncSalesforce } from '@pulse/server/src/sources/salesforce/sync';
import type { Db } from '@pulse/server/src/store/db';
import { checkLeadFields, leadValues, writeBackLeads } from '@pulse/server/src/writeback/leads';
import { listLeadFailures } from '@pulse/server/src/store/leads';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';

const ACCOUNT = 'Engagement_Matched_Account__c';
const METHOD = 'Engagement_Match_Method__c';
const CONFIDENCE = 'Engagement_Match_Confidence__c';

let now = new Date('2026-11-24T10:00:00.000Z');
let gen: GeneratedOrg;
let emu: Emulator;
let db: Db;
let conn: Connection;

beforeAll(async () => {
  gen = generateOrg({ accounts: 50, seed: 11, now });
  ({ emu, db, conn } = await openScene({ org: gen, now: () => now, forceAppDir: 'force-app' }));
});
afterAll(() => closeScene({ emu, db }));
afterEach(() => {
  emu.faults.clear();
  emu.permissions.clear();
});

async function pull(orgId: string) {
  now = new Date(now.getTime() + 60_000);
  expect((await syncSalesforce({ db, orgId, conn })).status).toBe('succeeded');
}

/** Matched leads as the store holds them: id → the values their Lead fields should show. */
async function matched(orgId: string): Promise<Map<string, { account: string; method: string; pct: number }>> {
  const r = await db.query<{ id: string; account_id: string; match_method: string; match_confidence: number }>(
    `SELECT id, account_id, match_method, match_confidence FROM people
     WHERE org_id = $1 AND kind = 'lead' AND account_id IS NOT NULL AND merged_into IS NULL
       AND attributes->>'isConverted' = 'false'`,
    [orgId],
  );
  return new Map(
    r.rows.map((x) => [
      x.id,
      { account: x.account_id, method: x.match_method, pct: Math.round(x.match_confidence * 100) },
    ]),
  );
}

const noWait = async () => {};

describe('the orphan leads of a generated org', () => {
  const ORG = 'leads';
  let before: Map<string, Record<string, unknown>>;

  it('end with their account, method and confidence on their Lead fields, and nothing else changes', async () => {
    await pull(ORG);
    before = new Map([...emu.store.all('Lead')].map((l) => [l.Id, { ...l }]));
    const want = await matched(ORG);
    const story = gen.stories.orphanLeads;
    for (const id of story.leadIds) expect(want.get(id)?.account).toBe(story.accountId);

    emu.callLog.clear();
    const r = await writeBackLeads({ db, orgId: ORG, conn });
    expect(r).toMatchObject({ status: 'ok', mode: 'collections', failures: [], pending: 0 });
    expect(r.leadsWritten).toBe(want.size);
    expect(r.fieldsWritten).toBe(3 * want.size);
    // One describe, then sObject collections of up to 200 leads per call.
    expect(emu.callLog.entries.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /services/data/v62.0/sobjects/Lead/describe',
      ...Array.from({ length: Math.ceil(want.size / 200) }, () => 'PATCH /services/data/v62.0/composite/sobjects'),
    ]);

    for (const id of story.leadIds) {
      const lead = emu.store.get('Lead', id)!;
      expect(lead[ACCOUNT]).toBe(story.accountId);
      expect(lead[METHOD]).toMatch(/^email_/);
      expect(lead[CONFIDENCE]).toBeGreaterThan(50);
    }
    for (const lead of emu.store.all('Lead')) {
      const w = want.get(lead.Id);
      const { [ACCOUNT]: a, [METHOD]: m, [CONFIDENCE]: c, SystemModstamp, LastModifiedDate, ...rest } = lead;
      void SystemModstamp;
      void LastModifiedDate;
      expect({ a: a ?? null, m: m ?? null, c: c ?? null }).toEqual(
        w ? { a: w.account, m: w.method, c: w.pct } : { a: null, m: null, c: null },
      );
      // Never converted, nothing but the three fields touched.
      const old = before.get(lead.Id)!;
      expect(rest).toEqual(
        Object.fromEntries(
          Object.entries(old).filter(
            ([k]) => ![ACCOUNT, METHOD, CONFIDENCE, 'SystemModstamp', 'LastModifiedDate'].includes(k),
          ),
        ),
      );
    }
  });

  it('makes no API call at all the second time', async () => {
    emu.callLog.clear();
    const r = await writeBackLeads({ db, orgId: ORG, conn });
    expect(r).toMatchObject({ status: 'ok', mode: 'none', leadsChanged: 0, apiCalls: 0 });
    expect(emu.callLog.entries).toEqual([]);
  });

  it('sends only the changed lead and field; a lost match clears all three fields', async () => {
    const story = gen.stories.orphanLeads;
    const [lost, kept] = story.leadIds;
    now = new Date(now.getTime() + 1000);
    // One lead now writes from a personal address: no match any more. The others stay as they were.
    emu.store.update('Lead', lost!, { Email: 'someone@gmail.com' });
    await pull(ORG);
    emu.callLog.clear();
    const r = await writeBackLeads({ db, orgId: ORG, conn });
    expect(r).toMatchObject({ status: 'ok', leadsChanged: 1, leadsWritten: 1, fieldsWritten: 3, apiCalls: 1 });
    const lead = emu.store.get('Lead', lost!)!;
    expect([lead[ACCOUNT], lead[METHOD], lead[CONFIDENCE]]).toEqual([null, null, null]);
    expect(emu.store.get('Lead', kept!)![ACCOUNT]).toBe(story.accountId);
    // And a cleared lead stays cleared: nothing more to send.
    expect((await writeBackLeads({ db, orgId: ORG, conn })).apiCalls).toBe(0);
  });
});

describe('preflight', () => {
  it('refuses to write while a Lead field is not editable, naming the field and the fix', async () => {
    await pull('leads-pf');
    emu.permissions.set(`Lead.${METHOD}`, { read: true, edit: false });
    emu.callLog.clear();
    await expect(writeBackLeads({ db, orgId: 'leads-pf', conn })).rejects.toThrow(
      `Writing to Salesforce is refused until these are fixed:\n  - ${METHOD}: not editable by the integration user — assign the Engagement_Integration permission set`,
    );
    expect(emu.callLog.entries.map((e) => e.method)).toEqual(['GET']);
  });

  it('names a missing field and a wrong type', () => {
    const problems = checkLeadFields([
      { name: ACCOUNT, type: 'reference', referenceTo: ['Contact'], updateable: true },
      { name: CONFIDENCE, type: 'string', length: 10, updateable: true },
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      `${ACCOUNT}: looks up Contact but matchedAccount needs a Lookup(Account)`,
      `${METHOD}: does not exist on Lead or is hidden from the integration user — install the Pulse package and assign the Engagement_Integration permission set`,
      `${CONFIDENCE}: is string but matchConfidence needs a Percent(3,0) — reinstall or upgrade the Pulse package`,
    ]);
  });
});

describe('values', () => {
  it('writes confidence as a whole percent and clears everything when unmatched', () => {
    expect(leadValues({ leadId: '00Q', accountId: '001A', method: 'email_domain', confidence: 0.925 })).toEqual({
      [ACCOUNT]: '001A',
      [METHOD]: 'email_domain',
      [CONFIDENCE]: 93,
    });
    expect(leadValues({ leadId: '00Q', accountId: null, method: 'email_domain', confidence: 0.9 })).toEqual({
      [ACCOUNT]: null,
      [METHOD]: null,
      [CONFIDENCE]: null,
    });
  });
});

describe('Bulk API 2.0, lock retries, failures and the budget', () => {
  const ORG = 'leads-bulk';

  it('stops at the budget, every changed lead left pending for the next write (below)', async () => {
    await pull(ORG);
    const stopped = await writeBackLeads({ db, orgId: ORG, conn, maxApiCalls: 0 });
    expect(stopped.status).toBe('budget');
    expect(stopped.pending).toBe(stopped.leadsChanged);
    expect(stopped.leadsWritten).toBe(0);
    // Undo what the first describe block wrote, so this org's write is visible in the emulator.
    for (const l of emu.store.all('Lead'))
      emu.store.update('Lead', l.Id, { [ACCOUNT]: null, [METHOD]: null, [CONFIDENCE]: null });
  });

  it('writes through one Bulk job, retries lock errors and records a deleted lead as failed', async () => {
    const want = await matched(ORG);
    const gone = [...want.keys()][0]!;
    emu.store.delete('Lead', gone);
    emu.faults.lockErrors({ share: 0.4, objects: ['Lead'], seed: 3 });
    emu.callLog.clear();
    // Locks are transient in Salesforce: the rows busy during the job are free by the retry.
    const afterBatch = () => void emu.faults.clear();
    const r = await writeBackLeads({
      db,
      orgId: ORG,
      conn,
      bulkThreshold: 0,
      pollIntervalMs: 1,
      sleep: noWait,
      afterBatch,
    });
    expect(r.mode).toBe('bulk');
    expect(r.status).toBe('ok');
    expect(r.lockRetries).toBeGreaterThan(0);
    expect(r.failures).toEqual([expect.objectContaining({ leadId: gone, statusCode: 'ENTITY_IS_DELETED' })]);
    expect(await listLeadFailures(db, ORG)).toEqual(r.failures);
    expect(emu.callLog.entries.some((e) => e.path.endsWith('/jobs/ingest'))).toBe(true);
    expect(r.leadsWritten).toBe(want.size - 1);
    for (const [id, w] of want) {
      if (id === gone) continue;
      const lead = emu.store.get('Lead', id)!;
      expect([lead[ACCOUNT], lead[METHOD], lead[CONFIDENCE]]).toEqual([w.account, w.method, w.pct]);
    }
  });
});
