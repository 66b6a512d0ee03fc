/**
 * The outbox on a real store: a day's decisions stored once by key, held-back actions kept with
 * their reason, the sender's marks (delivered, retried with backoff, given up after a day), and a
 * crash between send and mark delivering again with the same delivery id.
 */
import { z } from 'zod';
import { withTestDb } from '../../../testing/db';
import { createMetrics } from '../../http/metrics';
import { DEFAULT_MODEL_DOCUMENT } from '../../model/defaults';
import { parseModel } from '../../model/schema';
import { addDays } from '../../scoring/days';
import type { HistoryRow } from '../../scoring/finish';
import { upsertAccounts } from '../../store/accounts';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { listOutbox } from '../../store/outbox';
import { insertSnapshots } from '../../store/snapshots';
import { decideDay } from '../decide';
import type { ActionDelivery, DeliveryOutcome, Destination } from '../destination';
import { createRegistry } from '../registry';
import { parseRules } from '../rules';
import { GIVE_UP_MS, sendDue } from '../sender';
import { salesforceTaskDestination } from '../task';

let db: Db;
withTestDb((d) => (db = d));

const ORG = 'acts';
const VERSION = 'v1';
const model = parseModel(DEFAULT_MODEL_DOCUMENT);
const DAY = '2026-11-24';

/** A destination that records what it was handed and answers what the test says. */
const seen: ActionDelivery[] = [];
let answer: () => DeliveryOutcome = () => ({ status: 'delivered', externalId: 'x-1' });
const recorder: Destination<{ channel: string }> = {
  kind: 'recorder',
  settings: z.object({ channel: z.string() }).strict(),
  deliver: async (d) => {
    seen.push(d);
    return answer();
  },
};
const registry = createRegistry([salesforceTaskDestination, recorder]);

const row = (accountId: string, score: number): HistoryRow => ({
  accountId,
  score,
  scoreExact: score,
  band: score >= 50 ? 'High' : 'Medium',
  peopleEngaged: 1,
  coveragePct: 100,
  missingPersonas: [],
  mqa: false,
  lastActivity: null,
  subscores: {},
});

/** Account scores over the 10 days up to DAY: a1 and a2 reach High on DAY, a3 stays low; a1, a2 share an owner. */
beforeAll(async () => {
  await ensureOrg(db, ORG);
  await upsertAccounts(db, ORG, [
    { id: 'a1', name: 'Alpha', domain: null, ownerId: 'u1', ownerName: 'Una' },
    { id: 'a2', name: 'Beta', domain: null, ownerId: 'u1', ownerName: 'Una' },
    { id: 'a3', name: 'Gamma', domain: null, ownerId: 'u2', ownerName: 'Ugo' },
  ]);
  const rows: { day: string; score: HistoryRow }[] = [];
  for (let i = 9; i >= 0; i--) {
    const day = addDays(DAY, -i);
    rows.push({ day, score: row('a1', i === 0 ? 60 : 40) });
    rows.push({ day, score: row('a2', i === 0 ? 55 : 40) });
    rows.push({ day, score: row('a3', 30) });
  }
  await insertSnapshots(db, ORG, VERSION, rows);
});

const rules = (cap: number) =>
  parseRules(
    {
      capPerRecipientPerWeek: cap,
      rules: [
        {
          id: 'entered-high',
          trigger: { type: 'band', band: 'High' },
          destinations: [{ kind: 'recorder', settings: { channel: '#sales' } }],
        },
      ],
    },
    registry,
  );

const decide = (now: Date, cap = 1) =>
  db.transaction((tx) =>
    decideDay(tx, {
      orgId: ORG,
      model,
      modelVersion: VERSION,
      day: DAY,
      registry,
      now,
      rules: { rules: rules(cap), source: 'stored' },
    }),
  );

const send = (now: Date, afterDeliver?: () => void) =>
  sendDue(db, {
    orgId: ORG,
    registry,
    context: {
      salesforce: () => Promise.reject(new Error('no Salesforce here')),
      now: () => now,
      sleep: async () => {},
    },
    random: () => 1,
    afterDeliver,
  });

const T0 = new Date(`${DAY}T12:00:00Z`);

it('the first decision compares with nothing: accounts in High enter it; decides once per key: the strongest account fires, the other is held over the cap, and a re-run adds nothing', async () => {
  const first = await decide(T0);
  expect(first).toMatchObject({ fired: 1, held: { cooldown: 0, cap: 1 }, rows: 2, previous: null });
  const rowsNow = await listOutbox(db, ORG);
  expect(rowsNow.map((r) => [r.accountId, r.status, r.heldReason]).sort()).toEqual([
    ['a1', 'pending', null],
    ['a2', 'held', 'cap'],
  ]);
  expect(rowsNow.find((r) => r.accountId === 'a1')).toMatchObject({
    key: `entered-high|a1|band:High:enter|${DAY}`,
    trigger: 'entered High',
    recipient: 'u1',
    change: { accountName: 'Alpha', score: 60, previousScore: null, band: 'High', ownerName: 'Una' },
  });
  // Deciding the same day again, even with a looser cap: the day's keys are decided.
  expect(await decide(T0, 5)).toMatchObject({ fired: 0, rows: 0 });
});

it('a crash between send and mark delivers again with the same delivery id; then it is marked once', async () => {
  seen.length = 0;
  await expect(
    send(T0, () => {
      throw new Error('crash after send');
    }),
  ).rejects.toThrow('crash after send');
  const again = await send(T0);
  expect(again).toMatchObject({ delivered: 1, failed: 0, byKind: { recorder: { delivered: 1 } } });
  expect(seen).toHaveLength(2);
  expect(seen[1]!.deliveryId).toBe(seen[0]!.deliveryId);
  expect(await send(T0)).toMatchObject({ delivered: 0, retrying: 0, failed: 0 });
  const [delivered] = (await listOutbox(db, ORG)).filter((r) => r.status === 'delivered');
  expect(delivered).toMatchObject({ accountId: 'a1', externalId: 'x-1', attempts: 1 });
});

it('retries with backoff and gives up a day after the decision, recording the error', async () => {
  await db.query(
    `UPDATE action_outbox SET status = 'pending', held_reason = NULL WHERE org_id = $1 AND account_id = 'a2'`,
    [ORG],
  );
  answer = () => ({ status: 'retry', error: 'HTTP 503' });
  seen.length = 0;
  expect(await send(T0)).toMatchObject({ retrying: 1 });
  // random() = 1: the first window's top, one minute; not due before it.
  expect(await send(new Date(T0.getTime() + 30_000))).toMatchObject({ retrying: 0 });
  expect(await send(new Date(T0.getTime() + 61_000))).toMatchObject({ retrying: 1 });
  expect(seen).toHaveLength(2);
  const late = await send(new Date(T0.getTime() + GIVE_UP_MS));
  expect(late).toMatchObject({
    failed: 1,
    failures: [{ kind: 'recorder', error: 'gave up after a day of tries: HTTP 503' }],
  });
  const a2 = (await listOutbox(db, ORG)).find((r) => r.accountId === 'a2')!;
  expect(a2).toMatchObject({ status: 'failed', attempts: 3, lastError: 'gave up after a day of tries: HTTP 503' });
});

it('a permanent refusal is failed at once', async () => {
  await db.query(
    `UPDATE action_outbox SET status = 'pending', next_attempt_at = created_at WHERE org_id = $1 AND account_id = 'a2'`,
    [ORG],
  );
  answer = () => ({ status: 'failed', error: '404 channel_not_found' });
  expect(await send(T0)).toMatchObject({ failed: 1, failures: [{ error: '404 channel_not_found' }] });
});

it('metrics count deliveries and failures by destination', async () => {
  const metrics = createMetrics(db);
  const text = await metrics.registry.metrics();
  expect(text).toMatch(/pulse_action_deliveries_total\{destination="recorder",status="delivered"\} 1\n/);
  expect(text).toMatch(/pulse_action_deliveries_total\{destination="recorder",status="failed"\} 1\n/);
});
