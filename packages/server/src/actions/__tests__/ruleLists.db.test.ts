/**
 * Map-list rules: a set-based action. The list holds the MAP people of every account matching the
 * rule's trigger (as a state) and scope on the day; only the difference is sent, a second push of the
 * same day sends nothing, and an account that stops matching has its people removed. The rules
 * loader validates a map-list destination's settings by path and keeps it out of the outbox.
 */
import { withTestDb } from '../../../testing/db';
import { DEFAULT_MODEL_DOCUMENT } from '../../model/defaults';
import { parseModel } from '../../model/schema';
import { addDays } from '../../scoring/days';
import type { HistoryRow } from '../../scoring/finish';
import type { ListRemoval, MapListClient } from '../../sources/map/lists';
import { upsertAccounts } from '../../store/accounts';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { listOutbox } from '../../store/outbox';
import { insertSnapshots } from '../../store/snapshots';
import { ValidationError } from '../../errors';
import { decideDay } from '../decide';
import { defaultRegistry } from '../registry';
import { actionRules, parseRules } from '../rules';
import { pushRuleLists } from '../ruleLists';

let db: Db;
withTestDb((d) => (db = d));

const ORG = 'lists';
const VERSION = 'v1';
const model = parseModel(DEFAULT_MODEL_DOCUMENT);
const DAY = '2026-11-24';
const registry = defaultRegistry();

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

/** A Marketo list client that keeps the list in memory and records the calls. */
const members = new Set<string>();
const calls: string[] = [];
const client: MapListClient = {
  source: 'marketo',
  add: async (listId, ids) => {
    calls.push(`add ${listId} ${ids.join(',')}`);
    ids.forEach((i) => members.add(i));
    return { done: ids.map((memberId) => ({ memberId })), unknown: [], refused: [] };
  },
  remove: async (listId, ms: ListRemoval[]) => {
    calls.push(`remove ${listId} ${ms.map((m) => m.memberId).join(',')}`);
    ms.forEach((m) => members.delete(m.memberId));
    return { done: ms.map((m) => ({ memberId: m.memberId })), unknown: [], refused: [] };
  },
};

const rules = (over: Record<string, unknown> = {}) =>
  parseRules(
    {
      rules: [
        {
          id: 'high-nurture',
          trigger: { type: 'band', band: 'High' },
          scope: { type: 'filter', where: [{ field: 'Name', op: 'notEquals', value: 'Gamma' }] },
          destinations: [{ kind: 'map-list', settings: { source: 'marketo', listId: '1001' } }],
          ...over,
        },
      ],
    },
    registry,
  );

/** a1 is High on DAY and the day after; a2 is High on DAY only; a3 (Gamma) is High but out of scope. */
beforeAll(async () => {
  await ensureOrg(db, ORG);
  await upsertAccounts(db, ORG, [
    { id: 'a1', name: 'Alpha', domain: null, ownerId: 'u1', ownerName: 'Una' },
    { id: 'a2', name: 'Beta', domain: null, ownerId: 'u1', ownerName: 'Una' },
    { id: 'a3', name: 'Gamma', domain: null, ownerId: 'u2', ownerName: 'Ugo' },
  ]);
  const next = addDays(DAY, 1);
  await insertSnapshots(db, ORG, VERSION, [
    { day: DAY, score: row('a1', 60) },
    { day: DAY, score: row('a2', 55) },
    { day: DAY, score: row('a3', 70) },
    { day: next, score: row('a1', 61) },
    { day: next, score: row('a2', 30) },
    { day: next, score: row('a3', 70) },
  ]);
  for (const [id, account] of [
    ['1', 'a1'],
    ['2', 'a1'],
    ['3', 'a2'],
    ['4', 'a3'],
  ])
    await db.query(`INSERT INTO people (org_id, id, kind, account_id) VALUES ($1, $2, 'marketo', $3)`, [
      ORG,
      `marketo:${id}`,
      account,
    ]);
});

const push = (day: string) =>
  pushRuleLists(db, {
    orgId: ORG,
    model,
    modelVersion: VERSION,
    day,
    rules: rules().rules,
    clientFor: async () => client,
  });

it('validates a map-list destination by path and keeps it out of the outbox', async () => {
  let err: unknown;
  try {
    rules({ destinations: [{ kind: 'map-list', settings: { source: 'mailchimp', listId: '' } }] });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).issues.map((i) => i.path)).toEqual([
    'rules[0].destinations[0].settings.source',
    'rules[0].destinations[0].settings.listId',
  ]);
  expect(actionRules(rules().rules)).toEqual([]);
  const d = await decideDay(db, {
    orgId: ORG,
    model,
    modelVersion: VERSION,
    day: DAY,
    registry,
    now: new Date(),
    rules: { rules: rules(), source: 'stored' },
  });
  expect(d.fired).toBe(0);
  expect(await listOutbox(db, ORG, {})).toEqual([]);
});

it('the list holds the people of the accounts matching today; a second push sends nothing', async () => {
  const [r] = await push(DAY);
  expect(r).toMatchObject({ ruleId: 'high-nurture', accounts: 2, error: null, push: { added: 3, removed: 0 } });
  expect([...members].sort()).toEqual(['1', '2', '3']);
  calls.length = 0;
  const [again] = await push(DAY);
  expect(again!.push).toMatchObject({ added: 0, removed: 0, unchanged: 3 });
  expect(calls).toEqual([]);
});

it('an account that stops matching has its people removed; the hysteresis keeps one still in the band', async () => {
  const [r] = await push(addDays(DAY, 1));
  expect(r!.push).toMatchObject({ added: 0, removed: 1, unchanged: 2 });
  expect(calls).toEqual(['remove 1001 3']);
  expect([...members].sort()).toEqual(['1', '2']);
});

it('a list whose MAP the org has no connection to is recorded, not thrown', async () => {
  const [r] = await pushRuleLists(db, {
    orgId: ORG,
    model,
    modelVersion: VERSION,
    day: DAY,
    rules: rules().rules,
    clientFor: async () => null,
  });
  expect(r).toMatchObject({ push: null, error: 'MAP_NOT_CONFIGURED: the org has no marketo connection' });
});
