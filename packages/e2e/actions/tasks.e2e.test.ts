/**
 * Actions end to end on the Salesforce emulator with a generated org and the default rules: the
 * planted surging account gets one Task for its owner, still one after three runs; a crash between
 * decide and send, a crash between send and mark, and lock errors on the Task insert each end with
 * exactly that one Task. The Task is written as sObject collections create/update:
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 * and found again by the marker in its Description among the account's open Tasks (Description is a
 * long text area, which SOQL cannot filter:
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm).
 */
import { readConfig } from '@pulse/server/src/config';
import { listOutbox } from '@pulse/server/src/store/outbox';
import { listRuns } from '@pulse/server/src/store/runs';
import { runActions } from '@pulse/server/src/run/actions';
import { taskMarker } from '@pulse/server/src/actions/task';
import { replayActions } from '@pulse/server/src/actions/replay';
import { rulesInForce } from '@pulse/server/src/actions/decide';
import { defaultRegistry } from '@pulse/server/src/actions/registry';
import { replayNow } from '@pulse/server/src/cli/actions';
import type { SfRecord } from '@pulse/sandbox/src/salesforce/store';
import { saveRulesDocument } from '@pulse/server/src/store/actions';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import { DEFAULT_RULES_DOCUMENT } from '@pulse/server/src/actions/rules';
import { startScenario, type Scenario } from '../run/harness';

const minutes = (s: Scenario, n: number) => (s.clock.now = new Date(s.clock.now.getTime() + n * 60_000));

/** The Tasks Pulse wrote for `accountId` under rule `ruleId` (found by the marker, as the destination does). */
function pulseTasks(s: Scenario, accountId: string, ruleId = 'surging'): SfRecord[] {
  const marker = taskMarker(ruleId, accountId);
  const out: SfRecord[] = [];
  for (const t of s.emu.store.all('Task')) {
    if (typeof t.Description === 'string' && t.Description.includes(marker)) out.push(t);
  }
  return out;
}

/** The outbox rows of the `surging` rule for one account (the story account is an MQA too: another rule). */
const surgingOf =
  (accountId: string) =>
  (x: { accountId: string; ruleId: string }): boolean =>
    x.accountId === accountId && x.ruleId === 'surging';

describe('a Task for the owner of the surging account', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await startScenario('e2e-actions');
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  it('the first run decides with the scores and sends one Task to the owner, with the top people and drivers', async () => {
    const r = await s.run();
    expect(r.status).toBe('succeeded');
    expect(r.actions?.decided).toMatchObject({ rulesSource: 'default', day: '2026-11-24', previous: null });
    expect(r.actions!.decided!.fired).toBeGreaterThan(0);
    expect(r.actions!.sent).toMatchObject({ failed: 0 });
    expect(r.actions!.sent!.delivered).toBe(r.actions!.decided!.fired);
    // The Tasks' calls (a find query and a create each) count in the run's one API budget.
    expect(r.actions!.sent!.salesforceCalls).toBe(2 * r.actions!.sent!.delivered);
    expect(r.apiCalls.actions).toBe(r.actions!.sent!.salesforceCalls);
    expect(r.apiCalls.total).toBe(r.apiCalls.pull + r.apiCalls.write + r.apiCalls.actions + 1);
    const story = s.org.stories.surging;
    const tasks = pulseTasks(s, story.accountId);
    expect(tasks).toHaveLength(1);
    const account = s.emu.store.get('Account', story.accountId)!;
    const task = tasks[0]!;
    expect(task).toMatchObject({
      WhatId: story.accountId,
      OwnerId: account.OwnerId,
      Subject: `Pulse: ${story.accountName} became Surging`,
      Priority: 'High',
      Status: 'Not Started',
      ActivityDate: '2026-11-26',
      IsClosed: false,
    });
    expect(task.Description).toMatch(/Top people:\n- .+\n- .+\n- .+\n/);
    expect(task.Description).toMatch(/What changed:\n- /);
    // The run log has the actions stage's counts.
    const [row] = await listRuns(s.db, 'e2e-actions', 'daily', 1);
    expect(row!.counts).toMatchObject({
      actionsDecided: r.actions!.decided!.fired,
      actionsDelivered: r.actions!.decided!.fired,
      actionsFailed: 0,
    });
  });

  it('three runs on: still one Task, and nothing new is sent', async () => {
    for (let i = 0; i < 3; i++) {
      minutes(s, 10);
      const r = await s.run();
      expect(r.status).toBe('succeeded');
      expect(r.actions).toMatchObject({ decided: { rows: 0 }, sent: { delivered: 0 } });
    }
    expect(pulseTasks(s, s.org.stories.surging.accountId)).toHaveLength(1);
  });

  it('replay over the stored history: per-rule counts, and no owner over the cap in any week', async () => {
    const { rules } = await rulesInForce(s.db, 'e2e-actions', defaultRegistry());
    const r = await replayActions(s.db, { orgId: 'e2e-actions', days: 90, rules });
    expect(r.rules.map((x) => x.id)).toEqual(['surging', 'became-mqa']);
    expect(r.rules[0]!.fired).toBeGreaterThan(0);
    expect(r.destinations['salesforce-task']).toBe(r.rules.reduce((a, x) => a + x.fired, 0));
    expect(r.maxPerRecipientWeek).toBeGreaterThan(0);
    expect(r.maxPerRecipientWeek).toBeLessThanOrEqual(r.capPerRecipientPerWeek);
    // Every week of the history, not only the busiest: no owner over the cap.
    expect(r.weeks.length).toBeGreaterThan(1);
    for (const w of r.weeks) expect(w.max).toBeLessThanOrEqual(r.capPerRecipientPerWeek);
    expect(r.listRules).toEqual([]);
    // `pulse actions replay --days 90` prints the same counts.
    let text = '';
    await replayNow({ org: 'e2e-actions', days: 90 }, { db: s.db, out: { write: (t) => void (text += t) } });
    expect(text).toContain(
      `  surging: ${r.rules[0]!.fired} would fire, ${r.rules[0]!.heldCooldown} held in cooldown, ${r.rules[0]!.heldCap} held over the cap`,
    );
    expect(text).toContain(`most per recipient in any week: ${r.maxPerRecipientWeek}`);
  });
});

describe('faults end with exactly the one Task of a clean run', () => {
  it('a crash between decide and send, then lock errors on the Task insert', async () => {
    const s = await startScenario('e2e-actions-crash1', 60);
    try {
      const crashed = await s.run({
        actions: {
          afterDecide: () => {
            throw new Error('process killed after deciding');
          },
        },
      });
      expect(crashed.status).toBe('failed');
      expect(crashed.failures.at(-1)).toMatchObject({ stage: 'actions', message: 'process killed after deciding' });
      const story = s.org.stories.surging;
      expect(pulseTasks(s, story.accountId)).toHaveLength(0);
      const owed = (await listOutbox(s.db, 'e2e-actions-crash1')).filter(surgingOf(story.accountId));
      expect(owed.map((x) => x.status)).toEqual(['pending']);

      // The next run sends what the crashed one decided; every Task insert first fails to lock, and
      // the wait before the retry clears the lock.
      s.emu.faults.lockErrors({ share: 1, objects: ['Task'] });
      let waits = 0;
      minutes(s, 10);
      const r = await s.run({
        actions: {
          sleep: async () => {
            waits++;
            s.emu.faults.clear();
          },
        },
      });
      expect(r.status).toBe('succeeded');
      expect(waits).toBeGreaterThan(0);
      expect(r.actions!.sent).toMatchObject({ failed: 0 });
      expect(pulseTasks(s, story.accountId)).toHaveLength(1);
      const sent = (await listOutbox(s.db, 'e2e-actions-crash1')).find(surgingOf(story.accountId))!;
      expect(sent).toMatchObject({ status: 'delivered', externalId: pulseTasks(s, story.accountId)[0]!.Id });
    } finally {
      await s.close();
    }
  }, 240_000);

  it('a crash between send and mark: the resend finds the Task by its key and updates it', async () => {
    const s = await startScenario('e2e-actions-crash2', 60);
    try {
      const story = s.org.stories.surging;
      const crashed = await s.run({
        actions: {
          afterDeliver: (row) => {
            if (surgingOf(story.accountId)(row)) throw new Error('process killed after sending');
          },
        },
      });
      expect(crashed.status).toBe('failed');
      // Salesforce has the Task; the outbox still owes it.
      expect(pulseTasks(s, story.accountId)).toHaveLength(1);
      const owed = (await listOutbox(s.db, 'e2e-actions-crash2')).find(surgingOf(story.accountId))!;
      expect(owed.status).toBe('pending');

      // `pulse actions run` between runs sends it again: the open Task is updated, not duplicated.
      minutes(s, 10);
      s.emu.callLog.clear();
      const again = await runActions({
        db: s.db,
        orgId: 'e2e-actions-crash2',
        config: readConfig({}),
        salesforce: s.auth,
        now: () => s.clock.now,
        sleep: async () => undefined,
      });
      // The day was decided by the crashed run: deciding it again adds nothing.
      expect(again.decided).toMatchObject({ rows: 0, fired: 0 });
      expect(again.sent.failed).toBe(0);
      expect(again.sent.delivered).toBeGreaterThan(0);
      expect(s.emu.callLog.filter('/composite/sobjects').length).toBe(again.sent.delivered);
      const tasks = pulseTasks(s, story.accountId);
      expect(tasks).toHaveLength(1);
      const done = (await listOutbox(s.db, 'e2e-actions-crash2')).find(surgingOf(story.accountId))!;
      expect(done).toMatchObject({ status: 'delivered', externalId: tasks[0]!.Id });
    } finally {
      await s.close();
    }
  }, 240_000);
});

describe('system alerts to admins', () => {
  it('a run its API budget stopped (before the first pull finished) alerts the admin with one open Task, once per day', async () => {
    const s = await startScenario('e2e-alerts', 60);
    try {
      const admin = [...s.org.records.User][0]!.Id as string;
      await ensureOrg(s.db, 'e2e-alerts');
      await saveRulesDocument(s.db, 'e2e-alerts', {
        ...DEFAULT_RULES_DOCUMENT,
        alerts: { destinations: [{ kind: 'salesforce-task', settings: { alertOwnerId: admin } }] },
      });
      const alerts = () =>
        [...s.emu.store.all('Task')].filter((t) => t.Subject === 'Pulse: system alert BUDGET_STOPPED');
      // A budget this small stops the first pull after one call: the run ends partial, the budget named.
      const r = await s.run({ budgetShare: 0.000001 });
      expect(r.status).toBe('partial');
      expect(r.alert).toMatchObject({ code: 'BUDGET_STOPPED', raised: 1, delivered: 1 });
      expect(alerts()).toHaveLength(1);
      expect(alerts()[0]).toMatchObject({
        OwnerId: admin,
        Priority: 'High',
        IsClosed: false,
        ActivityDate: '2026-11-24',
      });
      expect(alerts()[0]!.Description).toContain(`run ${r.runId}: `);
      expect(alerts()[0]!.Description).toMatch(/budget/i);
      minutes(s, 10);
      const again = await s.run({ budgetShare: 0.000001 });
      expect(again.status).toBe('partial');
      expect(again.alert).toMatchObject({ code: 'BUDGET_STOPPED', raised: 0 });
      expect(alerts()).toHaveLength(1);
    } finally {
      await s.close();
    }
  }, 240_000);
});
