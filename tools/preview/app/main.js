/* global document */
/**
 * Preview page: the real engagement components, compiled by the LWC compiler, fed with the
 * jest fixtures through the stand-ins in ../stubs. One section per state of the card. The fixtures are
 * what Pulse wrote for a generated org (`npm run fixtures`), so every number here is the engine's.
 */
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import EngagementScoreCard from 'c/engagementScoreCard';
import EngagementLeaderboard from 'c/engagementLeaderboard';
import { registry } from '../stubs/registry.js';
import surging from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecord.surging.json';
import loneWolf from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecord.loneWolf.json';
import neverScored from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecord.neverScored.json';
import stale from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecord.stale.json';
import malformed from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecord.malformed.json';
import notFound from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecord.error.json';
import people from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/data/getRecords.people.json';
import USER_ID from '@salesforce/user/Id';
import leaderboard from '../../../force-app/main/default/lwc/engagementLeaderboard/__tests__/data/accounts.leaderboard.json';
import { answerAccountQuery } from '../../../force-app/main/default/lwc/engagementLeaderboard/__tests__/uiapiAccounts.js';

const HOUR = 3600 * 1000;
/** The moment `hours` after the record was scored. */
const after = (record, hours) =>
  new Date(Date.parse(record.fields.Engagement_Scored_At__c.value) + hours * HOUR).toISOString();
// The preview looks at the cards three hours after the run wrote them, and at the stale one six days later.
const NOW = after(surging, 3);
const STALE_NOW = after(stale, 6 * 24);

for (const record of [surging, loneWolf, neverScored, stale, malformed]) {
  registry.records[record.id] = record;
}
registry.recordErrors['001000000000404AAA'] = notFound;
// The contributors' own records; the preview user may not open the stale card's second person (sharing), so
// that person is only counted.
registry.people = people;
registry.hiddenPeople = [JSON.parse(stale.fields.Engagement_Top_Contributors__c.value).people[1].id];
// The leaderboard's query is answered over the fixture accounts (owned by the preview user), so sorting and
// filtering go through the variables as they do against Salesforce.
const boardAccounts = leaderboard.map((a) => ({ ...a, OwnerId: USER_ID }));
registry.graphql = (config) => ({ data: answerAccountQuery(boardAccounts, config.query, config.variables) });

const SCENARIOS = [
  { key: 'surging', title: 'Surging account (wide region)', recordId: surging.id, width: 'LARGE' },
  {
    key: 'lone-wolf',
    title: 'Lone-wolf account: a deal worked without its executives',
    recordId: loneWolf.id,
    width: 'LARGE',
  },
  { key: 'narrow', title: 'Surging account in a narrow (sidebar) region', recordId: surging.id, width: 'SMALL' },
  { key: 'never-scored', title: 'Never scored', recordId: neverScored.id, width: 'MEDIUM' },
  {
    key: 'stale',
    title: 'Stale: not scored for 6 days, cooling',
    recordId: stale.id,
    width: 'MEDIUM',
    now: STALE_NOW,
  },
  {
    key: 'malformed',
    title: 'Malformed contributors JSON and a messy history',
    recordId: malformed.id,
    width: 'MEDIUM',
  },
  { key: 'loading', title: 'Loading', recordId: '001000000000000AAA', width: 'MEDIUM' },
  { key: 'error', title: 'Error (record not found)', recordId: '001000000000404AAA', width: 'MEDIUM' },
];

const FRAME_WIDTHS = { SMALL: '320px', MEDIUM: '480px', LARGE: '760px' };

function section(key, title, width) {
  const el = document.createElement('section');
  el.className = 'scenario slds-m-bottom_large';
  el.dataset.scenario = key;
  const heading = document.createElement('h2');
  heading.className = 'slds-text-heading_medium slds-m-bottom_small';
  heading.textContent = title;
  const frame = document.createElement('div');
  frame.className = 'frame';
  frame.style.width = width;
  el.append(heading, frame);
  document.querySelector('#scenarios').append(el);
  return frame;
}

for (const scenario of SCENARIOS) {
  const frame = section(scenario.key, scenario.title, FRAME_WIDTHS[scenario.width]);
  const card = createElement('c-engagement-score-card', { is: EngagementScoreCard });
  card.recordId = scenario.recordId;
  card.flexipageRegionWidth = scenario.width;
  card.contributorCount = 5;
  card.showSparkline = true;
  card.now = scenario.now || NOW;
  frame.append(card);
}

const boardFrame = section('leaderboard', 'Leaderboard (home page)', '760px');
boardFrame.append(createElement('c-engagement-leaderboard', { is: EngagementLeaderboard }));

document.body.dataset.ready = 'true';
