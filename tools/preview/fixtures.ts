/**
 * `npm run fixtures`: the data the component preview and the LWC tests show, produced by Pulse itself.
 *
 * It runs the demo's first daily cycle on a small generated org (packages/sandbox, seeded, with a pinned
 * as-of day) on an in-memory PGlite — pull, publish the default model with its 90-day back-fill, score,
 * write back — and then reads the Accounts, Contacts and Leads back from the Salesforce emulator, so the
 * fixtures hold the Engagement_* values exactly as the write-back wrote them. Re-running gives the same files.
 *
 * Writes, in force-app/main/default/lwc:
 * - engagementScoreCard/__tests__/data/getRecord.<scenario>.json: getRecord answers (surging, lone wolf,
 *   cooling — shown as stale —, never scored, and a malformed copy of a neutral account);
 * - engagementScoreCard/__tests__/data/getRecords.people.json: the contributors' Contact and Lead records;
 * - engagementLeaderboard/__tests__/data/accounts.leaderboard.json: leaderboard rows covering every trend
 *   and band.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from 'jsforce';
import { readConfig } from '@pulse/server/src/config';
import { openDb } from '@pulse/server/src/store/db';
import { migrate } from '@pulse/server/src/store/migrate';
import { quietLogs } from '@pulse/server/src/cli/score';
import { runDemo } from '@pulse/demo/src/demo';
import { BOARD_DATA, CARD_DATA, FIXTURE_ORG } from './fixturePaths';

const ROOT = path.resolve(__dirname, '..', '..');
const LWC = path.join(ROOT, 'force-app', 'main', 'default', 'lwc');

/** The Account fields the card and the leaderboard read (the write-back's default mapping). */
export const ACCOUNT_FIELDS = [
  'Name',
  'Engagement_Score__c',
  'Engagement_Band__c',
  'Engagement_Trend__c',
  'Engagement_Score_Change_30d__c',
  'Engagement_MQA__c',
  'Engagement_MQA_Date__c',
  'Engagement_People_Engaged__c',
  'Engagement_Committee_Coverage__c',
  'Engagement_Missing_Personas__c',
  'Engagement_Summary__c',
  'Engagement_Top_Contributors__c',
  'Engagement_History__c',
  'Engagement_Last_Activity__c',
  'Engagement_Scored_At__c',
  'Engagement_Model_Version__c',
] as const;

type Value = string | number | boolean | null;
/** An Account as SOQL returns it: Id plus the fields above. */
export type AccountRow = { Id: string } & Record<(typeof ACCOUNT_FIELDS)[number], Value>;
type PersonRow = { Id: string; Name: string; Title: string | null };

/**
 * The UI API's spelling of a REST value: DateTimes in ISO 8601 with `Z` (REST answers `+0000`), and a
 * Checkbox never null (an Account the write-back never touched reads false in Salesforce).
 */
function uiValue(field: string, value: Value | undefined): Value {
  if (field === 'Engagement_MQA__c') return value === true;
  if (field === 'Engagement_Scored_At__c' && typeof value === 'string') return new Date(value).toISOString();
  return value ?? null;
}

/** A getRecord answer (the UI API record shape, as sfdx-lwc-jest's wire adapter mock emits it). */
function uiRecord(apiName: string, row: { Id: string } & Record<string, Value>, fields: readonly string[]) {
  const scoredAt = uiValue('Engagement_Scored_At__c', row.Engagement_Scored_At__c);
  // The record changed when the write-back wrote it; a never-written one gets a fixed stamp.
  const stamp = typeof scoredAt === 'string' ? scoredAt : `${FIXTURE_ORG.asOf}T00:00:00.000Z`;
  return {
    apiName,
    id: row.Id,
    childRelationships: {},
    eTag: 'e',
    lastModifiedById: null,
    lastModifiedDate: stamp,
    recordTypeId: '012000000000000AAA',
    recordTypeInfo: null,
    systemModstamp: stamp,
    weakEtag: 1,
    fields: Object.fromEntries(fields.map((f) => [f, { value: uiValue(f, row[f]), displayValue: null }])),
  };
}

/** Person ids named by an account's contributors JSON (v2: ids only). */
function contributorIds(row: AccountRow): string[] {
  const json = row.Engagement_Top_Contributors__c;
  if (typeof json !== 'string') return [];
  const doc = JSON.parse(json) as { people?: { id: string }[] };
  return (doc.people ?? []).map((p) => p.id).filter((id) => id !== '');
}

const scored = (r: AccountRow) => typeof r.Engagement_Score__c === 'number';
const byScore = (a: AccountRow, b: AccountRow) =>
  Number(b.Engagement_Score__c) - Number(a.Engagement_Score__c) || a.Id.localeCompare(b.Id);

/**
 * The accounts the card scenarios show: the planted surging and lone-wolf stories, the planted cooling
 * story (the stale card: the same record looked at days after it was written), an account the run did
 * not score, and a neutral account whose stored values the malformed scenario damages.
 */
export function pickCards(accounts: AccountRow[], stories: Record<string, string>) {
  const find = (id: string | undefined, what: string) => {
    const row = accounts.find((a) => a.Id === id);
    if (!row || !scored(row)) throw new Error(`the generated org has no scored ${what} account (id ${id ?? 'none'})`);
    return row;
  };
  const neverScored = accounts.find((a) => !scored(a));
  if (!neverScored) throw new Error('every account of the generated org was scored; none shows "never scored"');
  const neutral = accounts
    .filter((a) => a.Engagement_Trend__c === 'Neutral' && contributorIds(a).length > 0)
    .sort(byScore)[0];
  if (!neutral) throw new Error('the generated org has no neutral account with contributors');
  return {
    surging: find(stories.surging, 'surging'),
    loneWolf: find(stories.loneWolf, 'lone-wolf'),
    stale: find(stories.cooling, 'cooling'),
    neverScored,
    malformed: neutral,
  };
}

/**
 * Leaderboard rows: the card accounts, then per trend and per band the best-scored account not yet
 * chosen, so every trend (Surging, Heating, Neutral, Cooling, New) and every band shows.
 */
export function pickLeaderboard(accounts: AccountRow[], cards: AccountRow[]): AccountRow[] {
  const chosen = new Map<string, AccountRow>(cards.filter(scored).map((a) => [a.Id, a]));
  const ranked = accounts.filter(scored).sort(byScore);
  const add = (pred: (a: AccountRow) => boolean, what: string) => {
    const row = ranked.find((a) => pred(a) && !chosen.has(a.Id)) ?? ranked.find(pred);
    if (!row) throw new Error(`the generated org has no scored account that is ${what}`);
    chosen.set(row.Id, row);
  };
  for (const trend of ['Surging', 'Heating', 'Neutral', 'Cooling', 'New']) {
    add((a) => a.Engagement_Trend__c === trend, trend);
  }
  for (const band of ['Very High', 'High', 'Medium', 'Low']) {
    if (![...chosen.values()].some((a) => a.Engagement_Band__c === band))
      add((a) => a.Engagement_Band__c === band, band);
  }
  // A second cooling and a second heating account make the filters show more than one row.
  add((a) => a.Engagement_Trend__c === 'Heating', 'Heating');
  return [...chosen.values()].sort(byScore);
}

/**
 * The malformed scenario: the neutral account's real record with the contributors JSON cut short and
 * junk between the history's numbers, what a hand-edited or truncated field looks like to the card.
 */
export function damage(row: AccountRow): AccountRow {
  const json = String(row.Engagement_Top_Contributors__c);
  const history = String(row.Engagement_History__c).split(',');
  const junk = ['', 'abc', ` ${history[history.length - 3]} `, 'NaN'];
  const messy = [...history.slice(0, -2), ...junk, ...history.slice(-2)];
  return {
    ...row,
    Engagement_Top_Contributors__c: json.slice(0, Math.floor(json.length / 2)),
    Engagement_History__c: messy.join(','),
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function main(): Promise<void> {
  quietLogs();
  const db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  const progress: string[] = [];
  const demo = await runDemo(
    { accounts: FIXTURE_ORG.accounts, seed: FIXTURE_ORG.seed, port: 0, once: true, asOf: FIXTURE_ORG.asOf, bar: false },
    { write: (s) => void progress.push(s) },
    { db, config: readConfig({}) },
  );
  try {
    const emulator = demo.emulator;
    if (!emulator) throw new Error('the demo ran against a real org; the fixtures come from the generated one');
    const conn = new Connection({
      oauth2: { loginUrl: emulator.loginUrl, clientId: emulator.clientId, clientSecret: emulator.clientSecret },
      version: '62.0',
    });
    await conn.authorize({ grant_type: 'client_credentials' });
    const accounts = (
      await conn.query<AccountRow>(`SELECT Id, ${ACCOUNT_FIELDS.join(', ')} FROM Account ORDER BY Id`, {
        autoFetch: true,
        maxFetch: 100_000,
      })
    ).records.map(({ attributes: _a, ...row }: AccountRow & { attributes?: unknown }) => row as AccountRow);
    const stories = Object.fromEntries(demo.stories.map((s) => [s.story, s.accountId]));
    const cards = pickCards(accounts, stories);
    const board = pickLeaderboard(accounts, [cards.surging, cards.loneWolf, cards.stale, cards.malformed]);

    const ids = [...new Set([cards.surging, cards.loneWolf, cards.stale].flatMap(contributorIds))];
    const people: { apiName: string; row: PersonRow }[] = [];
    for (const [apiName, prefix] of [
      ['Contact', '003'],
      ['Lead', '00Q'],
    ] as const) {
      const wanted = ids.filter((id) => id.startsWith(prefix));
      if (!wanted.length) continue;
      const rows = await conn.query<PersonRow>(
        `SELECT Id, Name, Title FROM ${apiName} WHERE Id IN (${wanted.map((id) => `'${id}'`).join(', ')})`,
      );
      people.push(...rows.records.map((r) => ({ apiName, row: { Id: r.Id, Name: r.Name, Title: r.Title ?? null } })));
    }
    people.sort((a, b) => a.row.Id.localeCompare(b.row.Id));

    await mkdir(CARD_DATA, { recursive: true });
    const card = (row: AccountRow) => uiRecord('Account', row, ACCOUNT_FIELDS);
    await writeFile(path.join(CARD_DATA, 'getRecord.surging.json'), json(card(cards.surging)));
    await writeFile(path.join(CARD_DATA, 'getRecord.loneWolf.json'), json(card(cards.loneWolf)));
    await writeFile(path.join(CARD_DATA, 'getRecord.stale.json'), json(card(cards.stale)));
    await writeFile(path.join(CARD_DATA, 'getRecord.neverScored.json'), json(card(cards.neverScored)));
    await writeFile(path.join(CARD_DATA, 'getRecord.malformed.json'), json(card(damage(cards.malformed))));
    await writeFile(
      path.join(CARD_DATA, 'getRecords.people.json'),
      json(people.map((p) => uiRecord(p.apiName, p.row, ['Name', 'Title']))),
    );
    const boardFields = [
      'Name',
      'Engagement_Score__c',
      'Engagement_Band__c',
      'Engagement_Trend__c',
      'Engagement_Score_Change_30d__c',
      'Engagement_MQA__c',
    ] as const;
    await writeFile(
      path.join(BOARD_DATA, 'accounts.leaderboard.json'),
      json(board.map((a) => Object.fromEntries([['Id', a.Id], ...boardFields.map((f) => [f, uiValue(f, a[f])])]))),
    );
    console.log(
      `Scored ${demo.scores.length} of ${accounts.length} generated accounts as of ${demo.asOf} (model ${demo.modelVersion}); ` +
        `wrote 5 card records, ${people.length} people and ${board.length} leaderboard rows to ${path.relative(ROOT, LWC)}`,
    );
  } finally {
    await demo.close();
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
