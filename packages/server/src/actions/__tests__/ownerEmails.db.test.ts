/**
 * Owner emails come from the Users the Salesforce pull keeps (source_records, object 'User'): the
 * AccountChange a rule fires on carries the owner's Email (Slack DMs look the owner up by it), and
 * the weekly digest addresses each owner by it, naming the owners without one.
 */
import { withTestDb } from '../../../testing/db';
import { addDays } from '../../scoring/days';
import type { HistoryRow } from '../../scoring/finish';
import { upsertAccounts } from '../../store/accounts';
import { listActionAccounts } from '../../store/actions';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { upsertSourceRecords } from '../../store/salesforceRecords';
import { insertSnapshots } from '../../store/snapshots';
import { gatherOwnerDigests, ownerEmailsOf } from '../digest';

let db: Db;
withTestDb((d) => (db = d));

const ORG = 'mails';
const WEEK_END = '2026-12-06';

const row = (accountId: string, mqa: boolean): HistoryRow => ({
  accountId,
  score: mqa ? 70 : 30,
  scoreExact: mqa ? 70 : 30,
  band: mqa ? 'High' : 'Low',
  peopleEngaged: 1,
  coveragePct: 100,
  missingPersonas: [],
  mqa,
  lastActivity: null,
  subscores: {},
});

beforeAll(async () => {
  await ensureOrg(db, ORG);
  await upsertAccounts(db, ORG, [
    { id: 'a1', name: 'Alpha', domain: null, ownerId: 'u1', ownerName: 'Una' },
    { id: 'a2', name: 'Beta', domain: null, ownerId: 'u2', ownerName: 'Ugo' },
    { id: 'a3', name: 'Gamma', domain: null, ownerId: 'u3', ownerName: 'Ida' },
  ]);
  await upsertSourceRecords(db, ORG, 'User', [
    { id: 'u1', fields: { Id: 'u1', Name: 'Una', Email: 'una@acme.example' }, isDeleted: false },
    { id: 'u2', fields: { Id: 'u2', Name: 'Ugo', Email: null }, isDeleted: false },
  ]);
  // Every account becomes an MQA in the week, so each owner has a digest to get.
  await insertSnapshots(db, ORG, 'v1', [
    ...['a1', 'a2', 'a3'].map((id) => ({ day: addDays(WEEK_END, -7), score: row(id, false) })),
    ...['a1', 'a2', 'a3'].map((id) => ({ day: WEEK_END, score: row(id, true) })),
  ]);
});

it('the accounts rules read carry the owner email of the pulled User', async () => {
  const byId = new Map((await listActionAccounts(db, ORG)).map((a) => [a.id, a.ownerEmail]));
  expect(Object.fromEntries(byId)).toEqual({ a1: 'una@acme.example', a2: null, a3: null });
});

it('the digest addresses owners by their pulled email and names those without one', async () => {
  expect(Object.fromEntries(await ownerEmailsOf(db, ORG))).toEqual({ u1: 'una@acme.example' });
  const g = await gatherOwnerDigests(db, ORG, WEEK_END, undefined, 'v1');
  expect(g.digests.map((d) => [d.ownerId, d.ownerEmail, d.newlyMqa.map((a) => a.accountName)])).toEqual([
    ['u1', 'una@acme.example', ['Alpha']],
  ]);
  expect(g.withoutEmail).toEqual([
    { ownerId: 'u2', ownerName: 'Ugo' },
    { ownerId: 'u3', ownerName: 'Ida' },
  ]);
});
