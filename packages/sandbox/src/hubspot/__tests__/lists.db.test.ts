/**
 * MAP list membership against the HubSpot emulator's contact lists (Lists v3): PUT
 * /crm/v3/lists/{listId}/memberships/add and /remove with a JSON array of record ids; records that
 * do not exist come back in recordIdsMissing, members already in are ignored; only MANUAL and
 * SNAPSHOT lists. https://developers.hubspot.com/docs/api-reference/legacy/crm/lists/memberships/add-to-list
 */
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { mapListClient, pushListMembership } from '@pulse/server/src/actions/mapLists';
import { MapSourceError } from '@pulse/server/src/sources/map/types';
import type { SeedPerson } from '../../mapSeed';
import { startHubspotEmulator, type HubspotEmulator } from '../server';

const ORG = 'acme';
let db: Db;
let emu: HubspotEmulator;

const person = (email: string, account: string): SeedPerson => ({
  salesforceId: `003${email.slice(0, 3)}`,
  kind: 'contact',
  email,
  firstName: email.split('@')[0]!,
  lastName: 'X',
  title: null,
  department: null,
  company: null,
  salesforceAccountId: account,
  createdAt: '2026-01-01T00:00:00Z',
});

beforeAll(async () => {
  db = await createTestDb();
  emu = await startHubspotEmulator({
    seed: {
      people: [person('ann@a.example', 'A1'), person('bob@a.example', 'A1'), person('cy@b.example', 'A2')],
      activities: [],
    },
    lists: { '7': { name: 'Cooling', processingType: 'MANUAL' }, '8': { name: 'Smart', processingType: 'DYNAMIC' } },
  });
  await db.exec(`INSERT INTO orgs (id, name) VALUES ('${ORG}', 'Acme')`);
  for (const c of emu.portal.contacts) {
    const account = c.properties.email?.endsWith('@a.example') ? 'A1' : 'A2';
    await db.query(`INSERT INTO people (org_id, id, kind, account_id, email) VALUES ($1, $2, 'hubspot', $3, $4)`, [
      ORG,
      `hubspot:${c.id}`,
      account,
      c.properties.email,
    ]);
  }
});
afterAll(async () => {
  await emu.close();
  await dropTestDb(db);
});

const client = () =>
  mapListClient(
    'hubspot',
    { settings: { baseUrl: emu.url }, secrets: { accessToken: emu.credentials.accessToken } },
    { fetch, sleep: async () => {}, countCall: () => {} },
  );
const push = (accountIds: string[], listId = '7') =>
  pushListMembership({ db, orgId: ORG, list: { source: 'hubspot', listId }, accountIds, client: client() });
const listCalls = () => emu.calls.filter(/\/crm\/v3\/lists\//);
const members = (id = '7') => [...emu.lists.get(id)!.members].sort();

it('adds the contacts of the matching account, then a re-run sends nothing', async () => {
  const ids = emu.portal.contacts.map((c) => c.id);
  expect(await push(['A1'])).toMatchObject({ added: 2, removed: 0, unknown: [] });
  expect(members()).toEqual(ids.slice(0, 2).sort());
  emu.calls.clear();
  expect(await push(['A1'])).toMatchObject({ added: 0, removed: 0, unchanged: 2 });
  expect(listCalls()).toHaveLength(0);
});

it('the account recovers: its contacts are removed with one call', async () => {
  emu.calls.clear();
  expect(await push([])).toMatchObject({ added: 0, removed: 2 });
  expect(members()).toEqual([]);
  expect(listCalls().map((c) => [c.method, c.path])).toEqual([['PUT', '/crm/v3/lists/7/memberships/remove']]);
});

it('a contact HubSpot no longer has is reported as unknown', async () => {
  await db.query(`INSERT INTO people (org_id, id, kind, account_id) VALUES ($1, 'hubspot:99999', 'hubspot', 'A2')`, [
    ORG,
  ]);
  const r = await push(['A2']);
  expect(r).toMatchObject({ added: 1, unknown: ['99999'] });
});

it('a DYNAMIC list cannot be changed: the push fails saying so', async () => {
  await expect(push(['A1'], '8')).rejects.toThrow(MapSourceError);
  await expect(push(['A1'], '8')).rejects.toThrow(/DYNAMIC/);
});
