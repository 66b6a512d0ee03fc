/**
 * MAP list membership against the Pardot emulator's lists (v5 List Membership object): a create per
 * prospect added (POST /api/v5/objects/list-memberships {listId, prospectId}), a delete by
 * membership id per prospect removed, a query by listId and prospectId.
 * https://developer.salesforce.com/docs/marketing/pardot/guide/list-membership-v5.html
 */
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { pushListMembership } from '@pulse/server/src/actions/mapLists';
import { PardotClient } from '@pulse/server/src/sources/pardot/client';
import { PardotLists } from '@pulse/server/src/sources/pardot/lists';
import { readListMembers } from '@pulse/server/src/store/listMembers';
import type { SeedPerson } from '../../mapSeed';
import { startPardotEmulator, type PardotEmulator } from '../server';

const ORG = 'acme';
const LIST = '2001';
let db: Db;
let emu: PardotEmulator;

const person = (email: string): SeedPerson => ({
  salesforceId: `003${email.slice(0, 3)}`,
  kind: 'contact',
  email,
  firstName: 'X',
  lastName: 'Y',
  title: null,
  department: null,
  company: null,
  salesforceAccountId: null,
  createdAt: '2026-01-01T00:00:00Z',
});

beforeAll(async () => {
  db = await createTestDb();
  emu = await startPardotEmulator({
    seed: { people: [person('ann@a.example'), person('bob@a.example'), person('cy@b.example')], activities: [] },
    now: new Date('2026-12-01T00:00:00Z'),
  });
  await db.exec(`INSERT INTO orgs (id, name) VALUES ('${ORG}', 'Acme')`);
  for (const email of ['ann@a.example', 'bob@a.example', 'cy@b.example'])
    await db.query(`INSERT INTO people (org_id, id, kind, account_id, email) VALUES ($1, $2, 'pardot', $3, $4)`, [
      ORG,
      `pardot:${emu.prospectId(email)}`,
      email.endsWith('@a.example') ? 'A1' : 'A2',
      email,
    ]);
});
afterAll(async () => {
  await emu.close();
  await dropTestDb(db);
});

const client = () =>
  new PardotLists(
    new PardotClient({
      baseUrl: emu.url,
      businessUnitId: emu.credentials.businessUnitId,
      token: async () => emu.credentials.issueToken(),
      fetch,
      sleep: async () => {},
      countCall: () => {},
    }),
  );
const push = (accountIds: string[]) =>
  pushListMembership({ db, orgId: ORG, list: { source: 'pardot', listId: LIST }, accountIds, client: client() });
const members = () => [...emu.lists.get(Number(LIST))!.memberships.values()].sort();
const listCalls = () => emu.calls.filter(/list-memberships/);

it('adds each prospect with a create, keeping the membership id, and a re-run sends nothing', async () => {
  expect(await push(['A1'])).toMatchObject({ added: 2, refused: [] });
  expect(members()).toEqual([emu.prospectId('ann@a.example'), emu.prospectId('bob@a.example')].sort());
  const stored = await readListMembers(db, ORG, { source: 'pardot', listId: LIST });
  expect([...stored.values()].every((m) => m.membershipId !== null)).toBe(true);
  emu.calls.clear();
  expect(await push(['A1'])).toMatchObject({ added: 0, removed: 0, unchanged: 2 });
  expect(listCalls()).toHaveLength(0);
});

it('removes by the stored membership id when the account stops matching', async () => {
  emu.calls.clear();
  expect(await push(['A2'])).toMatchObject({ added: 1, removed: 2 });
  expect(members()).toEqual([emu.prospectId('cy@b.example')]);
  expect(listCalls().map((c) => c.method)).toEqual(['DELETE', 'DELETE', 'POST']);
});

it('a prospect someone else already put in the list is found and counted in, not refused', async () => {
  await push([]);
  const bob = emu.prospectId('bob@a.example')!;
  emu.lists.get(Number(LIST))!.memberships.set(42, bob);
  const r = await push(['A1']);
  expect(r).toMatchObject({ added: 2, refused: [] });
  const stored = await readListMembers(db, ORG, { source: 'pardot', listId: LIST });
  expect(stored.get(String(bob))?.membershipId).toBe('42');
});
