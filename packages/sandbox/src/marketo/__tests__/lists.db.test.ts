/**
 * MAP list membership against the Marketo emulator's static lists: the people of matching accounts
 * are added, removed when their account stops matching, and a re-run with the same accounts sends
 * nothing. Marketo's list membership API: POST/DELETE /rest/v1/lists/{listId}/leads.json, at most
 * 300 ids per call, a status per lead in `result` (`added`, `removed`, `skipped` with reasons 1004
 * "Lead not found")
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/list-membership
 */
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { mapListClient, pushListMembership } from '@pulse/server/src/actions/mapLists';
import { readListMembers } from '@pulse/server/src/store/listMembers';
import { startMarketoEmulator, type MarketoEmulator } from '../server';

const DOCS = 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/list-membership';
const ORG = 'acme';
const LIST = '1001';
let db: Db;
let emu: MarketoEmulator;

beforeAll(async () => {
  db = await createTestDb();
  emu = await startMarketoEmulator({ seed: { people: [], activities: [] }, rateLimit: null, noise: false });
  await db.exec(`INSERT INTO orgs (id, name) VALUES ('${ORG}', 'Acme');
    INSERT INTO accounts (org_id, id, name) VALUES ('${ORG}', 'A1', 'Cooling Co'), ('${ORG}', 'A2', 'Other Co');`);
  // Three Marketo leads: two matched to Salesforce contacts of A1 (by CRM id), one matched by domain to A2.
  for (const [email, sf] of [
    ['ann@cooling.example', '003A1'],
    ['bob@cooling.example', '003B1'],
    ['cy@other.example', null],
  ] as const) {
    const lead = emu.data.addLead({ email, firstName: email.split('@')[0]!, lastName: 'X' });
    await db.query(
      `INSERT INTO people (org_id, id, kind, account_id, email, merged_into)
       VALUES ($1, $2, 'marketo', $3, $4, $5)`,
      [ORG, `marketo:${lead.id}`, sf ? null : 'A2', email, sf],
    );
    if (sf)
      await db.query(`INSERT INTO people (org_id, id, kind, account_id, email) VALUES ($1, $2, 'contact', 'A1', $3)`, [
        ORG,
        sf,
        email,
      ]);
  }
});
afterAll(async () => {
  await emu.close();
  await dropTestDb(db);
});

const client = () =>
  mapListClient(
    'marketo',
    {
      settings: { baseUrl: emu.url, clientId: emu.credentials.clientId, maxCallsPer20s: '0' },
      secrets: { clientSecret: emu.credentials.clientSecret },
    },
    { fetch, sleep: async () => {}, countCall: () => {} },
  );
const push = (accountIds: string[]) =>
  pushListMembership({ db, orgId: ORG, list: { source: 'marketo', listId: LIST }, accountIds, client: client() });
const listCalls = () => emu.calls.filter(/\/rest\/v1\/lists\//);
const members = () => [...emu.lists.get(LIST)!.members].sort();

it(`adds the people of the matching account (${DOCS})`, async () => {
  const r = await push(['A1']);
  expect(r).toMatchObject({ added: 2, removed: 0, unchanged: 0, wanted: 2, unknown: [], refused: [] });
  expect(members()).toEqual([1001, 1002]);
  expect(listCalls().map((c) => [c.method, c.status, c.code])).toEqual([['POST', 200, null]]);
  expect([...(await readListMembers(db, ORG, { source: 'marketo', listId: LIST })).keys()].sort()).toEqual([
    '1001',
    '1002',
  ]);
});

it('a re-run with the same accounts sends nothing', async () => {
  emu.calls.clear();
  const r = await push(['A1']);
  expect(r).toMatchObject({ added: 0, removed: 0, unchanged: 2 });
  expect(listCalls()).toHaveLength(0);
});

it('only the difference: A2 joins and A1 leaves, one add and one remove call', async () => {
  emu.calls.clear();
  const r = await push(['A2']);
  expect(r).toMatchObject({ added: 1, removed: 2, unchanged: 0 });
  expect(members()).toEqual([1003]);
  expect(listCalls().map((c) => c.method)).toEqual(['DELETE', 'POST']);
});

it('nothing matching any more: everyone Pulse added is removed; someone else added stays', async () => {
  emu.lists.get(LIST)!.members.add(1002); // added by hand in Marketo
  emu.calls.clear();
  const r = await push([]);
  expect(r).toMatchObject({ added: 0, removed: 1 });
  expect(members()).toEqual([1002]);
});

it('a lead Marketo no longer has is reported, not stored, and the rest go through', async () => {
  emu.lists.get(LIST)!.members.clear();
  emu.data.leads.delete(1001);
  const r = await push(['A1']);
  expect(r).toMatchObject({ added: 1, unknown: ['1001'] });
  expect(members()).toEqual([1002]);
});

it('the emulator: more than 300 ids is refused (1003), an unknown list is 1013, and each lead gets its status', async () => {
  const token = (await (
    await fetch(
      `${emu.url}/identity/oauth/token?grant_type=client_credentials&client_id=${emu.credentials.clientId}&client_secret=${emu.credentials.clientSecret}`,
    )
  ).json()) as { access_token: string };
  const call = async (method: string, path: string) =>
    (await (
      await fetch(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${token.access_token}` } })
    ).json()) as Record<string, unknown>;
  const many = Array.from({ length: 301 }, (_, i) => `id=${i + 1}`).join('&');
  expect(await call('POST', `/rest/v1/lists/${LIST}/leads.json?${many}`)).toMatchObject({
    success: false,
    errors: [{ code: '1003' }],
  });
  expect(await call('POST', '/rest/v1/lists/999/leads.json?id=1002')).toMatchObject({
    success: false,
    errors: [{ code: '1013' }],
  });
  expect(await call('DELETE', `/rest/v1/lists/${LIST}/leads.json?id=1003&id=999999`)).toMatchObject({
    success: true,
    result: [
      { id: 1003, status: 'skipped', reasons: [{ code: '1015', message: 'Lead not in list' }] },
      { id: 999999, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
    ],
  });
});

it('650 people go in calls of at most 300 ids', async () => {
  await db.query(`INSERT INTO accounts (org_id, id, name) VALUES ($1, 'A3', 'Big Co')`, [ORG]);
  const ids: number[] = [];
  for (let i = 0; i < 650; i++) ids.push(emu.data.addLead({ email: `p${i}@big.example` }).id);
  await db.query(
    `INSERT INTO people (org_id, id, kind, account_id) SELECT $1, 'marketo:' || x, 'marketo', 'A3' FROM unnest($2::int[]) AS x`,
    [ORG, ids],
  );
  emu.calls.clear();
  const r = await push(['A3']);
  expect(r.added).toBe(650);
  expect(listCalls().map((c) => [c.method, c.results])).toEqual([
    ['DELETE', 1],
    ['POST', 300],
    ['POST', 300],
    ['POST', 50],
  ]);
});
