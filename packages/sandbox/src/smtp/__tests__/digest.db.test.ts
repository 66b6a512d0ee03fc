/**
 * The weekly owner digest end to end: gathered from stored snapshots, sent by nodemailer over a real
 * SMTP conversation to a local smtp-server, and read back from what arrived.
 * SMTP reply codes: RFC 5321 §4.2.1 (4yz transient, 5yz permanent), https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1
 */
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { gatherOwnerDigests, sendOwnerDigests, SmtpSettings } from '@pulse/server/src/actions/digest';
import { startSmtpReceiver, type SmtpReceiver } from '../server';

const ORG = 'acme';
const V = 'v1';
const DAY = '2026-12-06';
const WEEK_BEFORE = '2026-11-29';
let db: Db;
let smtp: SmtpReceiver;

beforeAll(async () => {
  db = await createTestDb();
  smtp = await startSmtpReceiver();
  await db.exec(`INSERT INTO orgs (id, name) VALUES ('${ORG}', 'Acme')`);
  const accounts: [string, string, string][] = [
    ['A1', 'Globex <script>alert(1)</script>', 'U1'],
    ['A2', 'Initech', 'U1'],
    ['A3', 'Umbrella', 'U1'],
    ['A4', 'Quiet Co', 'U1'],
    ['A5', 'Hooli', 'U2'],
    ['A6', 'Nobody Owns Email', 'U3'],
    ['A7', 'Still MQA', 'U1'],
  ];
  for (const [id, name, owner] of accounts)
    await db.query(`INSERT INTO accounts (org_id, id, name, owner_id, owner_name) VALUES ($1, $2, $3, $4, $5)`, [
      ORG,
      id,
      name,
      owner,
      owner === 'U1' ? 'Dana Scully' : owner === 'U2' ? 'Fox Mulder' : 'No Mail',
    ]);
  await db.exec(`INSERT INTO people (org_id, id, name, title, account_id) VALUES
    ('${ORG}', 'P1', 'Ann & Bob', 'VP <Ops>', 'A1'), ('${ORG}', 'P2', 'Cy Young', NULL, 'A1')`);
  const snap = async (account: string, day: string, score: number, trend: string, mqa: boolean, top: object[] = []) =>
    db.query(
      `INSERT INTO snapshots (org_id, model_version, account_id, day, score, band, mqa, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        ORG,
        V,
        account,
        day,
        score,
        score >= 50 ? 'High' : 'Low',
        mqa,
        JSON.stringify({ score: Math.round(score), trend, topPeople: top }),
      ],
    );
  await snap('A1', DAY, 72.4, 'Surging', false, [
    { personId: 'P1', points: 21.5, share: 0.3 },
    { personId: 'P2', points: 10, share: 0.14 },
  ]);
  await snap('A1', WEEK_BEFORE, 50, 'Neutral', false);
  await snap('A2', DAY, 20, 'Cooling', false);
  await snap('A2', WEEK_BEFORE, 41, 'Neutral', false);
  await snap('A3', DAY, 61, 'Neutral', true);
  await snap('A3', WEEK_BEFORE, 58, 'Neutral', false);
  await snap('A4', DAY, 30, 'Neutral', false);
  await snap('A5', DAY, 80, 'Surging', false);
  await snap('A6', DAY, 77, 'Surging', false);
  await snap('A7', DAY, 70, 'Neutral', true);
  await snap('A7', WEEK_BEFORE, 70, 'Neutral', true);
});
afterAll(async () => {
  await smtp.close();
  await dropTestDb(db);
});
beforeEach(() => {
  smtp.messages.length = 0;
  smtp.refusals.clear();
});

const emails = new Map([
  ['U1', 'dana@acme.example'],
  ['U2', 'fox@acme.example'],
]);
const settings = () =>
  SmtpSettings.parse({
    host: smtp.host,
    port: smtp.port,
    from: 'Pulse <pulse@acme.example>',
    salesforceUrl: 'https://acme.my.salesforce.com',
  });

it('gathers each owner surging, newly MQA and cooling accounts, and names owners without an email', async () => {
  const g = await gatherOwnerDigests(db, ORG, DAY, emails, V);
  expect(g.withoutEmail).toEqual([{ ownerId: 'U3', ownerName: 'No Mail' }]);
  const dana = g.digests.find((d) => d.ownerId === 'U1')!;
  expect(dana).toMatchObject({ ownerEmail: 'dana@acme.example', weekStart: '2026-11-30', weekEnd: DAY });
  expect(dana.surging.map((a) => [a.accountId, a.score, a.previousScore])).toEqual([['A1', 72, 50]]);
  expect(dana.newlyMqa.map((a) => a.accountId)).toEqual(['A3']);
  expect(dana.cooling.map((a) => a.accountId)).toEqual(['A2']);
  expect(dana.surging[0]!.topPeople).toEqual([
    { name: 'Ann & Bob', title: 'VP <Ops>', points: 21.5 },
    { name: 'Cy Young', title: null, points: 10 },
  ]);
});

it('each digest arrives at the SMTP server, text and HTML, with the expected accounts, HTML escaped', async () => {
  const { digests } = await gatherOwnerDigests(db, ORG, DAY, emails, V);
  const out = await sendOwnerDigests(digests, { smtp: settings() });
  expect(out.map((o) => [o.ownerId, o.outcome.status])).toEqual([
    ['U1', 'delivered'],
    ['U2', 'delivered'],
  ]);
  expect(smtp.messages.map((m) => m.to)).toEqual([['dana@acme.example'], ['fox@acme.example']]);
  const m = smtp.messages[0]!;
  expect(m.from).toBe('pulse@acme.example');
  expect(m.subject).toBe('Pulse weekly digest 2026-11-30 – 2026-12-06: 1 surging, 1 newly MQA, 1 cooling');
  expect(m.headers.get('x-pulse-digest')).toBe('U1:2026-12-06');
  expect(m.text).toContain('Surging (1)\n- Globex <script>alert(1)</script>: 72 (+22 this week), High');
  expect(m.text).toContain('Ann & Bob, VP <Ops> (21.5 pts)');
  expect(m.text).toContain('Newly MQA (1)\n- Umbrella: 61 (+3 this week), High');
  expect(m.text).toContain('Cooling (1)\n- Initech: 20 (-21 this week), Low');
  expect(m.text).not.toContain('Quiet Co');
  expect(m.text).not.toContain('Still MQA');
  expect(m.html).toContain('Globex &lt;script&gt;alert(1)&lt;/script&gt;');
  expect(m.html).not.toContain('<script>');
  expect(m.html).toContain('Ann &amp; Bob, VP &lt;Ops&gt;');
  expect(m.html).toContain('href="https://acme.my.salesforce.com/lightning/r/Account/A1/view"');
  expect(smtp.messages[1]!.text).toContain('Hooli: 80');
});

it('a 4xx reply retries, a 5xx fails, and the other owners still get theirs', async () => {
  const { digests } = await gatherOwnerDigests(db, ORG, DAY, emails, V);
  smtp.refusals.queue(451).queue(550);
  const out = await sendOwnerDigests([...digests, digests[0]!], { smtp: settings() });
  expect(out.map((o) => o.outcome.status)).toEqual(['retry', 'failed', 'delivered']);
  expect(smtp.messages).toHaveLength(1);
});

it('nothing listening: retry', async () => {
  const { digests } = await gatherOwnerDigests(db, ORG, DAY, emails, V);
  const closed = await startSmtpReceiver();
  await closed.close();
  const out = await sendOwnerDigests(digests.slice(0, 1), {
    smtp: SmtpSettings.parse({ host: '127.0.0.1', port: closed.port, from: 'pulse@acme.example' }),
  });
  expect(out[0]!.outcome).toMatchObject({ status: 'retry', error: expect.stringContaining('ECONNREFUSED') });
});
