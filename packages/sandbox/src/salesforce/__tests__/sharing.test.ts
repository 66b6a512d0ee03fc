/** What queries see: archived activities, sharing without View All Data, OPERATION_TOO_LARGE, UserPermissionAccess. */
import type { Connection } from 'jsforce';
import type { Emulator } from '../server';
import { withJsforceEmulator } from './jsforceEmulator';

let emu: Emulator;
let conn: Connection;
const now = new Date('2026-11-24T10:00:00.000Z');
let accountId: string;
let ownAccount: string;

withJsforceEmulator(
  {
    forceAppDir: null,
    now: () => now,
    integrationUser: { userPermissions: ['ApiEnabled', 'ViewAllData'], viewAllRecords: [] },
  },
  (e, c) => ((emu = e), (conn = c)),
);
beforeAll(() => {
  const other = emu.store.insert('User', { FirstName: 'Ann', LastName: 'Rep', IsActive: true }).Id;
  accountId = emu.store.insert('Account', { Name: 'Theirs', OwnerId: other }).Id;
  ownAccount = emu.store.insert('Account', { Name: 'Mine' }).Id;
  emu.store.load('Task', [
    { Subject: 'old call', Status: 'Completed', ActivityDate: '2025-10-01', WhatId: accountId, OwnerId: other },
    { Subject: 'open old to-do', Status: 'Not Started', ActivityDate: '2025-10-01', WhatId: accountId, OwnerId: other },
    { Subject: 'recent call', Status: 'Completed', ActivityDate: '2026-11-01', WhatId: accountId, OwnerId: other },
  ]);
  emu.store.load('Event', [
    { Subject: 'old meeting', ActivityDateTime: '2025-11-01T10:00:00.000+0000', WhatId: accountId, OwnerId: other },
  ]);
});

const subjects = async (object: string, all: boolean) =>
  (
    await conn.request<{ records: Array<{ Subject: string; IsArchived: boolean }> }>(
      `/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(`SELECT Subject, IsArchived FROM ${object} ORDER BY Subject`)}`,
    )
  ).records.map((r) => `${r.Subject}${r.IsArchived ? ' (archived)' : ''}`);

// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm
describe('archived activities', () => {
  it('are left out of query and returned by queryAll with IsArchived', async () => {
    expect(await subjects('Task', false)).toEqual(['open old to-do', 'recent call']);
    expect(await subjects('Task', true)).toEqual(['old call (archived)', 'open old to-do', 'recent call']);
    expect(await subjects('Event', false)).toEqual([]);
    expect(await subjects('Event', true)).toEqual(['old meeting (archived)']);
  });
});

// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm (OPERATION_TOO_LARGE)
// and https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_userpermissionaccess.htm
describe('an integration user without View All Data', () => {
  beforeEach(() => emu.user.revoke('ViewAllData'));

  it('sees only its own records and the activities of records it can see', async () => {
    const names = (await conn.query<{ Id: string }>('SELECT Id FROM Account')).records.map((r) => r.Id);
    expect(names).toEqual([ownAccount]);
    expect(await subjects('Task', true)).toEqual([]);
  });

  it('gets OPERATION_TOO_LARGE on a Task query over more rows than sharing is checked for', async () => {
    emu.user.activityQueryLimit = 2;
    await expect(conn.query('SELECT Id FROM Task')).rejects.toMatchObject({ errorCode: 'OPERATION_TOO_LARGE' });
    await expect(conn.query('SELECT Id FROM Account')).resolves.toBeDefined();
  });

  it('reads its permissions from UserPermissionAccess', async () => {
    const [row] = (
      await conn.query<{ PermissionsViewAllData: boolean; PermissionsApiEnabled: boolean }>(
        'SELECT PermissionsViewAllData, PermissionsApiEnabled FROM UserPermissionAccess',
      )
    ).records;
    expect(row).toMatchObject({ PermissionsViewAllData: false, PermissionsApiEnabled: true });
  });
});
