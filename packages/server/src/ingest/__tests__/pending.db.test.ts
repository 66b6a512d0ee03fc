import { createTestDb, dropTestDb } from '../../../testing/db';
import type { Db } from '../../store/db';
import { upsertAccounts } from '../../store/accounts';
import { upsertPeople } from '../../store/people';
import { ensureOrg } from '../../store/orgs';
import { API_SOURCE, ingestEventItems } from '../events';
import { resolvePendingEvents } from '../resolve';

const ORG = 'acme';
const NOW = new Date('2026-11-24T12:00:00Z');
const SINCE = new Date('2026-06-01T00:00:00Z');

async function accountOf(db: Db, id: string): Promise<{ account: string | null; person: string | null }> {
  const r = await db.query<{ account: string | null; person: string | null }>(
    'SELECT account_id AS account, person_id AS person FROM events WHERE org_id = $1 AND source_id = $2',
    [ORG, id],
  );
  return r.rows[0]!;
}

describe('resolvePendingEvents', () => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb();
    await ensureOrg(db, ORG);
  });
  afterEach(() => dropTestDb(db));

  it('attributes events that arrived before their company or person was pulled, and only those', async () => {
    const report = await ingestEventItems(
      db,
      ORG,
      [
        { id: 'ad-1', type: 'ad_click', occurredAt: '2026-11-20', domain: 'acme.com', quantity: 3 },
        { id: 'in-1', type: 'intent', occurredAt: '2026-11-17', domain: 'www.acme.com', topic: 'ABM', strength: 70 },
        {
          id: 'v-1',
          type: 'web_visit',
          occurredAt: '2026-11-21T10:00:00Z',
          url: 'https://s.io/pricing',
          email: 'Ann@Globex.io',
        },
        { id: 'v-old', type: 'web_visit', occurredAt: '2026-01-02', url: 'https://s.io/', domain: 'acme.com' },
        { id: 'v-none', type: 'web_visit', occurredAt: '2026-11-21', url: 'https://s.io/', domain: 'initech.com' },
      ],
      NOW,
    );
    expect(report).toMatchObject({ accepted: 5 });
    expect(await accountOf(db, 'ad-1')).toEqual({ account: null, person: null });

    // The pull brings the accounts and the person.
    await upsertAccounts(db, ORG, [
      { id: '001A', name: 'Acme', domain: 'acme.com' },
      { id: '001G', name: 'Globex', domain: 'globex.io' },
    ]);
    await upsertPeople(db, ORG, [
      {
        id: '003ANN',
        accountId: '001G',
        email: 'ann@globex.io',
        name: 'Ann',
        title: 'CMO',
        departmentExplicit: null,
        seniority: 'cxo',
        department: 'marketing',
        matchMethod: null,
        matchConfidence: null,
      },
    ]);
    expect(await resolvePendingEvents(db, ORG, [API_SOURCE], SINCE)).toBe(3);
    expect(await accountOf(db, 'ad-1')).toEqual({ account: '001A', person: null });
    expect(await accountOf(db, 'in-1')).toEqual({ account: '001A', person: null });
    expect(await accountOf(db, 'v-1')).toEqual({ account: '001G', person: '003ANN' });
    // Too old to count any more, and a company Salesforce does not have: left as they are.
    expect(await accountOf(db, 'v-old')).toEqual({ account: null, person: null });
    expect(await accountOf(db, 'v-none')).toEqual({ account: null, person: null });
    expect(await resolvePendingEvents(db, ORG, [API_SOURCE], SINCE)).toBe(0);
  });
});
