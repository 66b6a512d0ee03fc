import { createTestDb, dropTestDb } from '../../../../testing/db';
import type { Db } from '../../../store/db';
import { upsertAccounts } from '../../../store/accounts';
import { upsertPeople, type PersonRecord } from '../../../store/people';
import { ensureOrg } from '../../../store/orgs';
import { getCheckpoint } from '../../../store/checkpoints';
import { listRuns } from '../../../store/runs';
import { toId18 } from '../../../identity/salesforceId';
import { toSalesforceId18 } from '../../../identity/salesforceId';
import { MAP_CONNECTORS } from '../registry';
import { syncMapSource, checkpointKey } from '../sync';
import { MapSourceError, type MapActivity, type MapConnector, type MapPage, type MapPerson } from '../types';

const ORG = 'acme';
const NOW = new Date('2026-11-20T12:00:00Z');
const ACME = '001000000000001AAA';
const GLOBEX = '001000000000002AAA';
const CONTACT = '003000000000001AAA';
const LEAD = '00Q000000000001AAA';
const CONVERTED_LEAD = '00Q000000000002AAA';

function sfPerson(id: string, kind: 'contact' | 'lead', email: string, accountId: string | null): PersonRecord {
  return {
    id,
    kind,
    accountId,
    email,
    name: id,
    title: 'VP Marketing',
    departmentExplicit: null,
    seniority: 'vp',
    department: 'marketing',
    matchMethod: null,
    matchConfidence: null,
  };
}

async function seedSalesforce(db: Db): Promise<void> {
  await ensureOrg(db, ORG);
  await upsertAccounts(db, ORG, [
    { id: ACME, name: 'Acme Corp', domain: 'acme.com' },
    { id: GLOBEX, name: 'Globex', domain: 'globex.io' },
  ]);
  await upsertPeople(db, ORG, [
    sfPerson(CONTACT, 'contact', 'Ann@Acme.com', ACME),
    sfPerson(LEAD, 'lead', 'bob@globex.io', null),
    sfPerson(CONVERTED_LEAD, 'lead', 'cy@acme.com', null),
  ]);
  // The converted lead's history follows it to the contact.
  await db.query('UPDATE people SET merged_into = $2 WHERE org_id = $1 AND id = $3', [ORG, CONTACT, CONVERTED_LEAD]);
}

const person = (id: string, email: string | null, crmId: string | null = null): MapPerson => ({
  id,
  email,
  name: `Person ${id}`,
  title: 'Director of IT',
  company: null,
  crmId,
  crmAccountId: null,
});

let seq = 0;
const act = (
  personId: string,
  type: MapActivity['type'],
  at: string,
  extra: Partial<MapActivity> = {},
): MapActivity => ({
  id: `a${++seq}`,
  personId,
  type,
  occurredAt: new Date(at),
  url: null,
  vendorType: type,
  ...extra,
});

/** A connector over fixed pages; resumes after the page whose cursor it is given. */
class FixedConnector implements MapConnector {
  readonly source = 'marketo' as const;
  calls = 0;
  constructor(
    private readonly pages: MapPage[],
    private readonly failAt: { page: number; error: Error } | null = null,
  ) {}

  async *pull(ctx: Parameters<MapConnector['pull']>[0]): AsyncIterable<MapPage> {
    const start = ctx.since.cursor === null ? 0 : Number(ctx.since.cursor) + 1;
    for (let i = start; i < this.pages.length; i++) {
      ctx.countCall();
      this.calls++;
      if (this.failAt?.page === i) throw this.failAt.error;
      yield this.pages[i]!;
    }
  }
}

function pages(): MapPage[] {
  seq = 0;
  const people = [
    person('1', 'ann@acme.com', CONTACT.slice(0, 15)), // CRM id in its 15-character form
    person('2', 'BOB@globex.io'), // no CRM id: matched by email to the lead
    person('3', 'dee@acme.com'), // not in Salesforce: counts for Acme by domain
    person('4', 'eve@gmail.com'), // personal mail: unmatched, kept
    person('5', 'cy@acme.com', CONVERTED_LEAD), // converted lead: follows to the contact
  ];
  const send = { emailName: 'Nov newsletter' };
  return [
    {
      people: people.slice(0, 3),
      activities: [
        act('1', 'web_visit', '2026-11-01T10:00:00Z', { url: 'https://seller.com/pricing' }),
        act('2', 'form_fill', '2026-11-02T10:00:00Z'),
        act('3', 'email_sent', '2026-11-03T09:00:00Z', send),
        // A scanner: opened and clicked seconds after delivery.
        act('3', 'email_open', '2026-11-03T09:00:04Z', send),
        act('3', 'email_click', '2026-11-03T09:00:09Z', send),
      ],
      checkpoint: { watermark: new Date('2026-11-03T09:00:09Z'), cursor: '0' },
    },
    {
      people: people.slice(3),
      activities: [
        act('4', 'web_visit', '2026-11-04T10:00:00Z'),
        act('5', 'email_click', '2026-11-05T10:00:00Z'),
        // A person: clicked two minutes after the send.
        act('3', 'email_click', '2026-11-03T09:02:00Z', send),
      ],
      checkpoint: { watermark: new Date('2026-11-05T10:00:00Z'), cursor: '1' },
    },
  ];
}

async function eventsOf(db: Db): Promise<Array<Record<string, unknown>>> {
  const r = await db.query(
    `SELECT source_id AS id, type, person_id AS person, account_id AS account, excluded_reason AS excluded
     FROM events WHERE org_id = $1 ORDER BY source_id`,
    [ORG],
  );
  return r.rows;
}

describe('syncMapSource', () => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb();
    await seedSalesforce(db);
  });
  afterEach(() => dropTestDb(db));

  it('stores every page, matches people by CRM id, email, then domain, and flags the scanner', async () => {
    const r = await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW });
    expect(r.status).toBe('succeeded');
    expect(r.counts).toMatchObject({
      pages: 2,
      people: 5,
      activities: 8,
      matchedByCrmId: 2,
      matchedByEmail: 1,
      matchedByDomain: 1,
      unmatched: 1,
      bot: 2,
    });
    expect(r.apiCalls.total).toBe(2);
    expect(await eventsOf(db)).toEqual([
      { id: 'a1', type: 'web_visit', person: CONTACT, account: ACME, excluded: null },
      { id: 'a2', type: 'form_fill', person: LEAD, account: null, excluded: null },
      { id: 'a3', type: 'email_sent', person: 'marketo:3', account: ACME, excluded: null },
      { id: 'a4', type: 'email_open', person: 'marketo:3', account: ACME, excluded: 'bot' },
      { id: 'a5', type: 'email_click', person: 'marketo:3', account: ACME, excluded: 'bot' },
      { id: 'a6', type: 'web_visit', person: 'marketo:4', account: null, excluded: null },
      { id: 'a7', type: 'email_click', person: CONTACT, account: ACME, excluded: null },
      { id: 'a8', type: 'email_click', person: 'marketo:3', account: ACME, excluded: null },
    ]);
    const runs = await listRuns(db, ORG, 'sync:marketo');
    expect(runs[0]).toMatchObject({ id: r.runId, status: 'succeeded', apiCalls: { total: 2 } });
  });

  it('re-matches when Salesforce learns the person later (a lead that becomes known, then converts)', async () => {
    await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW });
    const newLead = '00Q000000000009AAA';
    await upsertPeople(db, ORG, [sfPerson(newLead, 'lead', 'dee@acme.com', null)]);
    const again = await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW });
    expect(again.counts).toMatchObject({ pages: 0, matchedByEmail: 2, matchedByDomain: 0 });
    const rows = await eventsOf(db);
    expect(rows.find((e) => e.id === 'a8')).toMatchObject({ person: newLead, account: null });
    // The bot flags hold after the person moved: the pairing is by the MAP person, not the matched one.
    expect(rows.filter((e) => e.excluded === 'bot').map((e) => e.id)).toEqual(['a4', 'a5']);
  });

  it('sets aside MAP events on a deleted Salesforce account again after a re-pull; domain matches leave it', async () => {
    await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW });
    await db.query('UPDATE accounts SET is_deleted = true WHERE org_id = $1 AND id = $2', [ORG, ACME]);
    await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW, full: true });
    const rows = await eventsOf(db);
    // The contact still names the deleted account; the domain-matched person no longer has one.
    expect(rows.filter((e) => e.account === ACME).map((e) => [e.id, e.excluded])).toEqual([
      ['a1', 'deleted_account'],
      ['a7', 'deleted_account'],
    ]);
    expect(rows.filter((e) => e.person === 'marketo:3').map((e) => [e.account, e.excluded])).toEqual([
      [null, null],
      [null, 'bot'],
      [null, 'bot'],
      [null, null],
    ]);
  });

  it('a crash between pages resumes from the checkpoint and ends with the same store as a clean run', async () => {
    const clean = await createTestDb();
    try {
      await seedSalesforce(clean);
      await syncMapSource({ db: clean, orgId: ORG, connector: new FixedConnector(pages()), now: NOW });

      const crash = await syncMapSource({
        db,
        orgId: ORG,
        connector: new FixedConnector(pages()),
        now: NOW,
        afterPage: (n) => {
          if (n === 0) throw new Error('killed');
        },
      });
      expect(crash.status).toBe('failed');
      expect((await getCheckpoint(db, ORG, checkpointKey('marketo'))).cursor).toBe('0');
      const resumed = new FixedConnector(pages());
      const r = await syncMapSource({ db, orgId: ORG, connector: resumed, now: NOW });
      expect(r.counts.pages).toBe(1);
      expect(resumed.calls).toBe(1);
      expect(await eventsOf(db)).toEqual(await eventsOf(clean));
    } finally {
      await dropTestDb(clean);
    }
  });

  it('stops as partial on a spent daily quota, keeping what was stored; other vendor errors fail the run', async () => {
    const quota = new MapSourceError('marketo', '607', 'Daily quota reached', 'quota');
    const r = await syncMapSource({
      db,
      orgId: ORG,
      connector: new FixedConnector(pages(), { page: 1, error: quota }),
      now: NOW,
    });
    expect(r).toMatchObject({ status: 'partial', reason: 'quota', counts: { pages: 1, activities: 5, bot: 2 } });
    expect(r.error).toContain('Daily quota reached');
    expect((await listRuns(db, ORG, 'sync:marketo'))[0]).toMatchObject({
      status: 'partial',
      state: { full: false, reason: 'quota' },
    });

    const auth = new MapSourceError('marketo', '601', 'Access token invalid', 'auth');
    const f = await syncMapSource({
      db,
      orgId: ORG,
      connector: new FixedConnector(pages(), { page: 1, error: auth }),
      now: NOW,
    });
    expect(f.status).toBe('failed');
    const runs = await listRuns(db, ORG, 'sync:marketo');
    expect(runs[0]!.errors).toEqual([{ code: '601', kind: 'auth', message: 'marketo: Access token invalid' }]);
  });

  it('a vendor that never answers fails the pull after its tries, instead of holding the run', async () => {
    const silent = ((_url: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      })) as typeof fetch;
    const hubspot = MAP_CONNECTORS.hubspot;
    const connector = hubspot.create(hubspot.validate({ settings: {}, secrets: { accessToken: 'pat-na1-silent' } }), {
      salesforce: null,
    });
    const r = await syncMapSource({
      db,
      orgId: ORG,
      connector,
      now: NOW,
      fetch: silent,
      callTimeoutMs: 20,
      sleep: async () => undefined,
    });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/no answer from api\.hubapi\.com/);
    expect(r.apiCalls.total).toBe(5);
  });

  it('a --full pull forgets the checkpoint and re-reads everything without duplicating', async () => {
    await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW });
    const before = await eventsOf(db);
    const r = await syncMapSource({ db, orgId: ORG, connector: new FixedConnector(pages()), now: NOW, full: true });
    expect(r.counts.pages).toBe(2);
    expect(await eventsOf(db)).toEqual(before);
  });
});

describe('toSalesforceId18', () => {
  it('adds the case-check suffix Salesforce computes', () => {
    for (const id of ['0015g0100000000AAA', '003Dn00000AbCdEFGH', '00Q5g01000001RMAAY']) {
      const fifteen = id.slice(0, 15);
      expect(toSalesforceId18(fifteen)).toBe(toId18(fifteen));
    }
    expect(toSalesforceId18('003Dn00000AbCdEFGH')).toBe('003Dn00000AbCdEFGH');
    expect(toSalesforceId18('not-an-id')).toBeNull();
    expect(toSalesforceId18(null)).toBeNull();
  });
});
