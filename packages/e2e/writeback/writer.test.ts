/** The writer end to end on the emulator: only changes, both transports, locks, limits, crashes. */
import { closeScene, openScene } from '../support/scene';
import { Connection } from 'jsforce';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';
import type { Db } from '@pulse/server/src/store/db';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import { listFailures } from '@pulse/server/src/store/writes';
import { writeAccounts, type AccountValues, type WriteOptions } from '@pulse/server/src/writeback/writer';

let emu: Emulator;
let conn: Connection;
let db: Db;
let orgSeq = 0;

beforeAll(async () => {
  ({ emu, db, conn } = await openScene({ forceAppDir: 'force-app' }, 'token'));
});
afterAll(() => closeScene({ emu, db }));
beforeEach(() => {
  emu.faults.clear();
  emu.callLog.clear();
});

const TRENDS = ['New', 'Cooling', 'Neutral', 'Heating', 'Surging'];

/** A fresh org in the DB and `n` fresh accounts in the emulator. */
async function setup(n: number): Promise<{ orgId: string; ids: string[] }> {
  const orgId = `org${++orgSeq}`;
  await ensureOrg(db, orgId);
  const ids = Array.from({ length: n }, (_, i) => emu.store.insert('Account', { Name: `${orgId} account ${i}` }).Id);
  return { orgId, ids };
}

/** Desired values of each account on `day` (1-based), with `bump` accounts scoring differently. */
function desired(ids: string[], day: number, bump: ReadonlySet<string> = new Set()): AccountValues[] {
  return ids.map((id, i) => {
    const score = (i * 7 + (bump.has(id) ? 13 : 0)) % 101;
    return {
      accountId: id,
      values: {
        Engagement_Score__c: score,
        Engagement_Trend__c: TRENDS[score % 5]!,
        Engagement_MQA__c: score >= 60,
        Engagement_Summary__c: `${score % 9} people · VP, Ops · Meetings ${score}%`,
        Engagement_Missing_Personas__c: score % 3 === 0 ? null : 'Finance; Security',
        Engagement_Scored_At__c: `2026-11-${String(day).padStart(2, '0')}T06:00:00.000Z`,
      },
    };
  });
}

const RIDE_ALONG = ['Engagement_Scored_At__c'];

/** Asserts the emulator holds exactly `want` (text, numbers, booleans; datetimes by instant). */
function expectHeld(want: AccountValues[]) {
  const wrong: string[] = [];
  for (const a of want) {
    const rec = emu.store.get('Account', a.accountId)!;
    for (const [field, v] of Object.entries(a.values)) {
      const have = rec[field];
      const same =
        field === 'Engagement_Scored_At__c'
          ? typeof have === 'string' && Date.parse(have.replace(/\+0000$/, 'Z')) === Date.parse(v as string)
          : have === v || (v !== null && String(have) === String(v));
      if (!same) wrong.push(`${a.accountId}.${field}: ${String(have)} ≠ ${String(v)}`);
    }
  }
  expect(wrong.slice(0, 5)).toEqual([]);
}

function writeCalls(): number {
  return emu.callLog.entries.filter((e) => /composite\/sobjects|jobs\/ingest/.test(e.path)).length;
}

function write(orgId: string, accounts: AccountValues[], extra: Partial<WriteOptions> = {}) {
  return writeAccounts({ db, conn, orgId, accounts, rideAlong: RIDE_ALONG, pollIntervalMs: 1, ...extra });
}

describe('writer with sObject collections', () => {
  it('writes all, then nothing, then exactly the 3 changed accounts and only their changed fields', async () => {
    const { orgId, ids } = await setup(450);
    const first = await write(orgId, desired(ids, 1));
    expect(first).toMatchObject({ status: 'ok', mode: 'collections', accountsWritten: 450, apiCalls: 3, pending: 0 });
    expect(writeCalls()).toBe(3);
    expectHeld(desired(ids, 1));

    emu.callLog.clear();
    const second = await write(orgId, desired(ids, 2));
    expect(second).toMatchObject({ status: 'ok', mode: 'none', accountsWritten: 0, apiCalls: 0 });
    expect(writeCalls()).toBe(0);

    const changed = new Set([ids[5]!, ids[100]!, ids[449]!]);
    const third = await write(orgId, desired(ids, 3, changed));
    expect(third).toMatchObject({ status: 'ok', accountsChanged: 3, accountsWritten: 3, apiCalls: 1 });
    expect(writeCalls()).toBe(1);
    // Score, trend, summary always move with a +13 bump; MQA and personas only sometimes; scored-at rides along.
    expect(third.fieldsWritten).toBeGreaterThanOrEqual(3 * 4);
    expect(third.fieldsWritten).toBeLessThan(3 * 6 + 1);
    const held = emu.store.get('Account', ids[0]!)!;
    // An unchanged account keeps the stamp of its last real change.
    expect(String(held.Engagement_Scored_At__c)).toMatch(/^2026-11-01/);
    expectHeld(desired(ids, 3, changed).filter((a) => changed.has(a.accountId)));
  });

  it('records a deleted account as a permanent failure and never marks it written', async () => {
    const { orgId, ids } = await setup(10);
    emu.store.delete('Account', ids[3]!);
    const r = await write(orgId, desired(ids, 1));
    expect(r).toMatchObject({ status: 'ok', accountsWritten: 9, pending: 0 });
    expect(r.failures.map((f) => [f.accountId, f.statusCode])).toEqual([[ids[3], 'ENTITY_IS_DELETED']]);
    expect((await listFailures(db, orgId)).map((f) => f.accountId)).toEqual([ids[3]]);
    // Not marked: the next write tries it again.
    const again = await write(orgId, desired(ids, 1));
    expect(again.accountsChanged).toBe(1);
  });

  it('stops at the API budget and finishes on the next write', async () => {
    const { orgId, ids } = await setup(450);
    const r = await write(orgId, desired(ids, 1), { maxApiCalls: 1 });
    expect(r).toMatchObject({ status: 'budget', apiCalls: 1, accountsWritten: 200, pending: 250 });
    const next = await write(orgId, desired(ids, 1));
    expect(next).toMatchObject({ status: 'ok', accountsChanged: 250, accountsWritten: 250, apiCalls: 2 });
    expectHeld(desired(ids, 1));
  });
});

describe.each([
  ['collections', 10_000],
  ['bulk', 100],
] as const)('writer under faults (%s)', (mode, bulkThreshold) => {
  it('gets every value right with lock errors on 20% of records', async () => {
    const { orgId, ids } = await setup(450);
    let seed = 1;
    emu.faults.lockErrors({ share: 0.2, seed, objects: ['Account'] });
    // Locks are transient in Salesforce: after each batch other rows are the busy ones.
    const afterBatch = () => {
      emu.faults.lockErrors({ share: 0.2, seed: ++seed, objects: ['Account'] });
    };
    const r = await write(orgId, desired(ids, 1), { bulkThreshold, afterBatch });
    expect(r.mode).toBe(mode);
    expect(r.lockRetries).toBeGreaterThan(0);
    let pending = r.pending;
    for (let i = 0; i < 3 && (pending > 0 || r.failures.length > 0); i++) {
      const again = await write(orgId, desired(ids, 1), { bulkThreshold, afterBatch });
      pending = again.pending + again.failures.length;
    }
    emu.faults.clear();
    expectHeld(desired(ids, 1));
    expect(await listFailures(db, orgId)).toEqual([]);
  });

  it('stops cleanly when the org limit is hit midway; the next write finishes', async () => {
    const { orgId, ids } = await setup(450);
    await write(orgId, desired(ids, 1), { bulkThreshold });
    const changed = new Set(ids.filter((_, i) => i % 2 === 0));
    // Some rows locked in the first batch, then the org's daily limit runs out: the retries cannot be sent.
    emu.faults.lockErrors({ share: 0.2, seed: 7, objects: ['Account'] });
    let batches = 0;
    const r = await write(orgId, desired(ids, 2, changed), {
      bulkThreshold: mode === 'bulk' ? 100 : bulkThreshold,
      afterBatch: () => {
        if (++batches === 1) emu.faults.clear().limitExceeded();
      },
    });
    expect(r.status).toBe('limit');
    expect(r.pending).toBeGreaterThan(0);
    expect(r.accountsWritten + r.pending).toBe(225);
    expect(await listFailures(db, orgId)).toEqual([]);
    emu.faults.clear();
    const next = await write(orgId, desired(ids, 2, changed), { bulkThreshold });
    expect(next).toMatchObject({ status: 'ok', accountsWritten: r.pending, pending: 0 });
    expectHeld(desired(ids, 2, changed).filter((a) => changed.has(a.accountId)));
    expectHeld(desired(ids, 1).filter((a) => !changed.has(a.accountId)));
  });

  it('loses nothing when the process dies between batches', async () => {
    const { orgId, ids } = await setup(450);
    const thrown = await write(orgId, desired(ids, 1), {
      bulkThreshold,
      afterBatch: () => {
        throw new Error('simulated crash');
      },
    }).catch((e: Error) => e.message);
    expect(thrown).toBe('simulated crash');
    const next = await write(orgId, desired(ids, 1), { bulkThreshold });
    expect(next.status).toBe('ok');
    expect(next.accountsChanged).toBe(mode === 'collections' ? 250 : 0);
    expectHeld(desired(ids, 1));
    emu.callLog.clear();
    expect((await write(orgId, desired(ids, 1), { bulkThreshold })).apiCalls).toBe(0);
  });
});

describe('writer with Bulk API 2.0', () => {
  it('writes 450 accounts in one job with 4 calls, and splits a large upload into several jobs', async () => {
    const { orgId, ids } = await setup(450);
    const r = await write(orgId, desired(ids, 1), { bulkThreshold: 100 });
    // Create, upload, close, one poll: a clean job's info says every row succeeded.
    expect(r).toMatchObject({ status: 'ok', mode: 'bulk', accountsWritten: 450, apiCalls: 4 });
    expect(emu.callLog.filter('/jobs/ingest')).toHaveLength(4);
    expectHeld(desired(ids, 1));

    emu.callLog.clear();
    const split = await setup(450);
    const s = await write(split.orgId, desired(split.ids, 1), { bulkThreshold: 100, maxJobBytes: 20_000 });
    expect(s).toMatchObject({ status: 'ok', mode: 'bulk', accountsWritten: 450 });
    const jobs = emu.callLog.filter(/\/jobs\/ingest$/, 'POST').length;
    expect(jobs).toBeGreaterThan(2);
    expect(s.apiCalls).toBe(4 * jobs);
    expectHeld(desired(split.ids, 1));
  });

  it('reads per-record failures from the job: a deleted account is recorded, the rest marked', async () => {
    const { orgId, ids } = await setup(150);
    emu.store.delete('Account', ids[7]!);
    const r = await write(orgId, desired(ids, 1), { bulkThreshold: 100 });
    expect(r).toMatchObject({ status: 'ok', mode: 'bulk', accountsWritten: 149, pending: 0 });
    expect(r.failures).toEqual([
      expect.objectContaining({ accountId: ids[7], statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }),
    ]);
    expectHeld(desired(ids, 1).filter((a) => a.accountId !== ids[7]));
    expect((await write(orgId, desired(ids, 1), { bulkThreshold: 100 })).accountsChanged).toBe(1);
  });
});
