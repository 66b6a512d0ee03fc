/**
 * The sender within the run's Salesforce API budget: every call a Task delivery makes (the find
 * query, the collections call) is counted; once the budget is spent the rest stay pending, untried,
 * and the next pass with budget delivers them — still one Task each.
 */
import type { Connection } from 'jsforce';
import { withTestDb } from '../../../testing/db';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { insertOutbox, listOutbox } from '../../store/outbox';
import { deliveryIdOf } from '../decide';
import type { AccountChange } from '../destination';
import { createRegistry } from '../registry';
import { sendDue } from '../sender';
import { salesforceTaskDestination, taskSettingsSchema } from '../task';

let db: Db;
withTestDb((d) => (db = d));

const ORG = 'budget';
const DAY = '2026-11-24';
const NOW = new Date('2026-11-24T12:00:00Z');
const accounts = ['001000000000001AAA', '001000000000002AAA', '001000000000003AAA'];

/** A Salesforce that answers a Task query with nothing open and creates every Task; it logs each call. */
function fakeSalesforce(calls: string[]): Connection {
  return {
    version: '62.0',
    query: async (soql: string) => {
      calls.push(`query ${soql.slice(0, 20)}`);
      return { records: [], done: true, totalSize: 0 };
    },
    request: async (r: { method: string }) => {
      calls.push(`request ${r.method}`);
      return [{ success: true, id: `00T00000000000${calls.length}AAA`, errors: [] }];
    },
  } as unknown as Connection;
}

const change = (accountId: string): AccountChange => ({
  orgId: ORG,
  accountId,
  accountName: `Account ${accountId.slice(-4)}`,
  ownerId: '005000000000001AAA',
  ownerName: 'Una',
  ownerEmail: null,
  day: DAY,
  previousDay: null,
  score: 60,
  previousScore: null,
  band: 'High',
  previousBand: null,
  trend: 'New',
  previousTrend: null,
  mqa: false,
  previousMqa: null,
  topPeople: [],
  changeDrivers: [],
});

it('stops at the budget: what is left stays pending and untried, the next pass delivers it', async () => {
  await ensureOrg(db, ORG);
  await insertOutbox(
    db,
    ORG,
    accounts.map((accountId) => {
      const key = `r|${accountId}|mqa:becomes|${DAY}`;
      return {
        key,
        destination: 0,
        kind: 'salesforce-task',
        deliveryId: deliveryIdOf(ORG, key, 0),
        ruleId: 'r',
        accountId,
        recipient: '005000000000001AAA',
        day: DAY,
        trigger: 'became MQA',
        settings: taskSettingsSchema.parse({}),
        change: change(accountId),
        status: 'pending' as const,
        heldReason: null,
      };
    }),
    NOW,
  );
  const calls: string[] = [];
  const send = (salesforceBudget?: number) =>
    sendDue(db, {
      orgId: ORG,
      registry: createRegistry([salesforceTaskDestination]),
      context: { salesforce: async () => fakeSalesforce(calls), now: () => NOW, sleep: async () => undefined },
      salesforceBudget,
    });

  // Each Task is a find query and a create: 5 calls are two Tasks and the third's query.
  const first = await send(5);
  expect(first).toMatchObject({ delivered: 2, retrying: 0, failed: 0, deferred: 1, salesforceCalls: 5 });
  expect(calls).toHaveLength(5);
  const left = (await listOutbox(db, ORG)).filter((r) => r.status === 'pending');
  expect(left).toHaveLength(1);
  // Not an attempt: no error recorded, no backoff.
  expect(left[0]).toMatchObject({ attempts: 0, lastError: null });

  // No budget left at all: nothing is called.
  expect(await send(0)).toMatchObject({ delivered: 0, deferred: 1, salesforceCalls: 0 });
  expect(calls).toHaveLength(5);

  const next = await send(10);
  expect(next).toMatchObject({ delivered: 1, deferred: 0, salesforceCalls: 2 });
  expect((await listOutbox(db, ORG)).every((r) => r.status === 'delivered')).toBe(true);
});
