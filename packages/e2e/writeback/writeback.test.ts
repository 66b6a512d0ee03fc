/** writeBack: the org's field mapping, the write preflight gate, outputs to fields, scored-at riding along. */
import { closeScene, openScene } from '../support/scene';
import { Connection } from 'jsforce';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';
import type { Db } from '@pulse/server/src/store/db';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import { setFieldMapping } from '@pulse/server/src/store/fieldMappings';
import { accountOutputs } from '@pulse/server/src/writeback/outputs';
import { writeBack } from '@pulse/server/src/writeback/writeback';
import type { AccountScore } from '@pulse/server/src/scoring/finish';

let emu: Emulator;
let conn: Connection;
let db: Db;
beforeAll(async () => {
  ({ emu, db, conn } = await openScene({ forceAppDir: 'force-app' }, 'token'));
  await ensureOrg(db, 'acme');
});
afterAll(() => closeScene({ emu, db }));

function scoreOf(accountId: string, score: number, trend: AccountScore['trend']): AccountScore {
  return {
    accountId,
    score,
    scoreExact: score,
    band: score >= 75 ? 'Very High' : 'Medium',
    trend,
    change30d: 30,
    peopleEngaged: 2,
    coveragePct: 50,
    missingPersonas: ['Finance'],
    mqa: false,
    kpis: {},
    topPeople: [{ personId: 'p1', points: 10, share: 1 }],
    topKpis: [{ key: 'meetings', points: 10, share: 1 }],
    changeDrivers: [],
    lastActivity: '2026-11-20',
  };
}

function outputsOf(ids: string[], day: number, scores: number[]) {
  return ids.map((id, i) => ({
    accountId: id,
    outputs: accountOutputs(scoreOf(id, scores[i]!, i === 0 ? 'Surging' : 'Cooling'), {
      kpiLabels: { meetings: 'Meetings' },
      people: new Map([['p1', { name: 'Dana Ruiz', title: 'VP Marketing' }]]),
      history: [10, 20, scores[i]!],
      mqaSince: null,
      modelVersion: 'v1',
      scoredAt: new Date(Date.UTC(2026, 10, day, 6)),
    }),
  }));
}

it('writes every mapped output, remapped and switched-off ones as the org says, and is list-view queryable', async () => {
  const ids = [0, 1].map((i) => emu.store.insert('Account', { Name: `WB ${i}` }).Id);
  await setFieldMapping(db, 'acme', 'peopleEngaged', 'NumberOfEmployees');
  await setFieldMapping(db, 'acme', 'summary', null);
  const r = await writeBack({ db, conn, orgId: 'acme', outputs: outputsOf(ids, 1, [80, 30]) });
  expect(r).toMatchObject({ status: 'ok', accountsWritten: 2 });
  const a = emu.store.get('Account', ids[0]!)!;
  expect(a).toMatchObject({
    Engagement_Score__c: 80,
    Engagement_Band__c: 'Very High',
    Engagement_Trend__c: 'Surging',
    NumberOfEmployees: 2,
    Engagement_Summary__c: null,
    Engagement_People_Engaged__c: null,
    Engagement_Missing_Personas__c: 'Finance',
    Engagement_History__c: '10,20,80',
  });
  const contributors = JSON.parse(a.Engagement_Top_Contributors__c as string) as { v: number; people: object[] };
  expect(contributors.v).toBe(2);
  // Ids, points and shares only: the Contact's name stays on the Contact.
  for (const p of contributors.people) expect(Object.keys(p).sort()).toEqual(['id', 'points', 'share']);
  expect(a.Engagement_Top_Contributors__c).not.toContain('Dana Ruiz');
  const q = await conn.query<{ Id: string }>(
    `SELECT Id FROM Account WHERE Engagement_Trend__c = 'Surging' AND Name LIKE 'WB %'`,
  );
  expect(q.records.map((x) => x.Id)).toEqual([ids[0]]);

  // Next day, nothing changed but the stamp: nothing is sent.
  emu.callLog.clear();
  const again = await writeBack({ db, conn, orgId: 'acme', outputs: outputsOf(ids, 2, [80, 30]) });
  expect(again.apiCalls).toBe(0);
  expect(emu.callLog.filter('composite/sobjects')).toHaveLength(0);
});

it('refuses to write while the write preflight fails, sending nothing', async () => {
  const ids = [emu.store.insert('Account', { Name: 'WB refused' }).Id];
  emu.permissions.set('Account.Engagement_Trend__c', { read: true, edit: false });
  emu.callLog.clear();
  await expect(writeBack({ db, conn, orgId: 'acme', outputs: outputsOf(ids, 1, [50]) })).rejects.toThrow(
    /refused until these are fixed:\n {2}- Engagement_Trend__c: not editable by the integration user/,
  );
  expect(emu.callLog.filter('composite/sobjects')).toHaveLength(0);
  expect(emu.store.get('Account', ids[0]!)!.Engagement_Score__c).toBeNull();
  emu.permissions.clear();
});

it('spends at most its share of the remaining daily API requests', async () => {
  const ids = Array.from({ length: 450 }, (_, i) => emu.store.insert('Account', { Name: `WB budget ${i}` }).Id);
  const scores = ids.map((_, i) => i % 100);
  // A share small enough that today's remaining requests allow 2 calls.
  const limits = await conn.request<{ DailyApiRequests: { Remaining: number } }>('/services/data/v62.0/limits');
  const share = 2.5 / limits.DailyApiRequests.Remaining;
  const r = await writeBack({ db, conn, orgId: 'acme', outputs: outputsOf(ids, 1, scores), budgetShare: share });
  expect(r).toMatchObject({ status: 'budget', apiCalls: 2, accountsWritten: 400, pending: 50 });
});
