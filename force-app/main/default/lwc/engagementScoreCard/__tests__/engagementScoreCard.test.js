import { createElement } from 'lwc';
import EngagementScoreCard from 'c/engagementScoreCard';
import { getRecord, getRecords } from 'lightning/uiRecordApi';
import { $, flush, text } from '../../engagementUtils/__tests__/lwcTesting';
import { answerGetRecords } from './uiRecordPeople';

const surging = require('./data/getRecord.surging.json');
const loneWolf = require('./data/getRecord.loneWolf.json');
const neverScored = require('./data/getRecord.neverScored.json');
const stale = require('./data/getRecord.stale.json');
const malformed = require('./data/getRecord.malformed.json');
const notFound = require('./data/getRecord.error.json');
const directory = require('./data/getRecords.people.json');

// The fixtures are what Pulse wrote for the generated org (`npm run fixtures`): the expectations read them.
const valueOf = (record, field) => record.fields[field].value;
const contributors = (record) => JSON.parse(valueOf(record, 'Engagement_Top_Contributors__c'));
const personIds = (record) => contributors(record).people.map((p) => p.id);
const nameOf = (id) => directory.find((r) => r.id === id).fields.Name.value;
const personas = (record) => valueOf(record, 'Engagement_Missing_Personas__c').split('; ');
const HOUR = 3600 * 1000;
const after = (record, ms) => new Date(Date.parse(valueOf(record, 'Engagement_Scored_At__c')) + ms).toISOString();
// Three hours after the fixtures were scored.
const NOW = after(surging, 3 * HOUR);

function createCard(props = {}) {
  const element = createElement('c-engagement-score-card', { is: EngagementScoreCard });
  Object.assign(element, { recordId: surging.id, now: NOW }, props);
  document.body.appendChild(element);
  return element;
}

/** Lets LDS answer the card's getRecords batch for its contributors; ids in `hidden` the user cannot see. */
async function answerPeople(hidden = []) {
  getRecords.emit(answerGetRecords(getRecords.getLastConfig(), directory, hidden));
  await flush();
}

/** Mounts a card on the record's page and lets LDS answer with the record, then with its people. */
async function showRecord(record, props = {}, hidden = []) {
  const element = createCard({ recordId: record.id, ...props });
  getRecord.emit(record);
  await flush();
  await answerPeople(hidden);
  return element;
}

const names = (element) => [...element.shadowRoot.querySelectorAll('.person-name')].map(text);

describe('c-engagement-score-card', () => {
  it('shows a spinner until the record arrives', async () => {
    const element = createCard();
    expect($(element, 'loading')).not.toBeNull();
    expect($(element, 'score')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('explains itself instead of spinning when placed without an account id', async () => {
    const element = createCard({ recordId: undefined });
    await flush();
    expect($(element, 'no-record')).not.toBeNull();
    expect($(element, 'loading')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('asks LDS for the engagement fields of the record', async () => {
    createCard();
    await flush();
    const config = getRecord.getLastConfig();
    expect(config.recordId).toBe(surging.id);
    const fields = config.optionalFields.map((f) => f.fieldApiName);
    expect(fields).toEqual(
      expect.arrayContaining(['Engagement_Score__c', 'Engagement_Top_Contributors__c', 'Engagement_History__c']),
    );
  });

  it('renders a surging account: score, band, trend chip, people, KPIs, MQA and coverage', async () => {
    const element = await showRecord(surging);
    const doc = contributors(surging);
    expect(valueOf(surging, 'Engagement_Trend__c')).toBe('Surging');
    expect(valueOf(surging, 'Engagement_MQA__c')).toBe(true);

    expect(text($(element, 'score'))).toBe(String(valueOf(surging, 'Engagement_Score__c')));
    const band = valueOf(surging, 'Engagement_Band__c').toLowerCase().replace(' ', '-');
    expect($(element, 'gauge').className).toContain(`band-${band}`);
    const trend = $(element, 'trend');
    expect(text(trend)).toContain(`\u2191 +${valueOf(surging, 'Engagement_Score_Change_30d__c')}`);
    expect(trend.className).toContain('trend-surging');
    expect($(element, 'mqa')).not.toBeNull();

    // contributorCount defaults to 5: at most five people, in the stored order.
    expect(names(element)).toEqual(personIds(surging).slice(0, 5).map(nameOf));
    const shares = [...$(element, 'people').querySelectorAll('c-engagement-contributor-share')].map((row) =>
      text(row.shadowRoot.querySelector('.share')),
    );
    expect(shares[0]).toBe(`${Math.round(doc.people[0].share * 100)}%`);
    const kpis = [...element.shadowRoot.querySelectorAll('.kpi-label')].map(text);
    expect(kpis).toEqual(doc.kpis.slice(0, 5).map((k) => k.label));
    expect(text($(element, 'drivers'))).toContain(`+${Math.round(doc.drivers[0].change)}`);

    expect($(element, 'missing')).not.toBeNull();
    expect($(element, 'coverage').querySelector('[role="progressbar"]').getAttribute('aria-valuenow')).toBe(
      String(valueOf(surging, 'Engagement_Committee_Coverage__c')),
    );
    expect($(element, 'stale')).toBeNull();
    expect($(element, 'malformed')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('gives the gauge and the sparkline text alternatives', async () => {
    const element = await showRecord(surging);

    const gauge = $(element, 'gauge').querySelector('svg');
    expect(gauge.getAttribute('role')).toBe('img');
    expect(gauge.getAttribute('aria-label')).toBeTruthy();
    const spark = $(element, 'sparkline').querySelector('svg');
    expect(spark.getAttribute('role')).toBe('img');
    expect(spark.getAttribute('aria-label')).toBeTruthy();
    const points = spark.querySelector('polyline').getAttribute('points').split(' ');
    expect(points).toHaveLength(90);
    const history = valueOf(surging, 'Engagement_History__c').split(',');
    expect(text(element.shadowRoot.querySelector('.spark-range'))).toBe(`${history[0]} \u2192 ${history[89]}`);
    // The line ends at the score the card shows.
    expect(history[89]).toBe(String(valueOf(surging, 'Engagement_Score__c')));
  });

  it('makes every contributor with an id a keyboard-reachable link that navigates in Lightning', async () => {
    const element = await showRecord(surging);

    const links = [...$(element, 'people').querySelectorAll('a')];
    expect(links).toHaveLength(Math.min(5, personIds(surging).length));
    expect(links[0].getAttribute('href')).toBe(`/lightning/r/${personIds(surging)[0]}/view`);
    const click = new MouseEvent('click', { cancelable: true, bubbles: true });
    links[0].dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
  });

  it('respects the contributorCount and showSparkline design properties', async () => {
    const element = await showRecord(surging, { contributorCount: 2, showSparkline: false });

    expect(element.shadowRoot.querySelectorAll('.person-name')).toHaveLength(2);
    expect(element.shadowRoot.querySelectorAll('.kpi-label')).toHaveLength(2);
    expect($(element, 'sparkline')).toBeNull();
  });

  it('names the missing personas of a lone-wolf account', async () => {
    const element = await showRecord(loneWolf);
    expect(valueOf(loneWolf, 'Engagement_MQA__c')).toBe(false);

    expect(text($(element, 'score'))).toBe(String(valueOf(loneWolf, 'Engagement_Score__c')));
    expect(names(element)).toEqual(personIds(loneWolf).map(nameOf));
    const missing = text($(element, 'missing'));
    expect(personas(loneWolf).length).toBeGreaterThan(0);
    for (const persona of personas(loneWolf)) {
      expect(missing).toContain(persona);
    }
    expect($(element, 'mqa')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows a friendly never-scored state when the score is empty', async () => {
    const element = await showRecord(neverScored);

    expect($(element, 'never-scored')).not.toBeNull();
    expect($(element, 'score')).toBeNull();
    expect($(element, 'footer')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('warns when the score is older than two days, with a falling trend chip', async () => {
    const element = await showRecord(stale, { now: after(stale, 6 * 24 * HOUR) });
    expect(valueOf(stale, 'Engagement_Trend__c')).toBe('Cooling');

    expect($(element, 'stale')).not.toBeNull();
    const change = valueOf(stale, 'Engagement_Score_Change_30d__c');
    expect(text($(element, 'trend'))).toContain(`\u2193 \u2212${Math.abs(change)}`);
    expect($(element, 'trend').className).toContain('trend-cooling');
    expect(names(element)).toEqual(personIds(stale).slice(0, 5).map(nameOf));
    await expect(element).toBeAccessible();
  });

  it('counts a contributor without a Salesforce id, who cannot be looked up, instead of naming them', async () => {
    const record = JSON.parse(JSON.stringify(stale));
    const doc = contributors(stale);
    const [first, ...rest] = doc.people;
    record.fields.Engagement_Top_Contributors__c.value = JSON.stringify({
      ...doc,
      people: [...rest, { ...first, id: '' }],
    });
    const element = await showRecord(record);

    expect(names(element)).toEqual(rest.slice(0, 4).map((p) => nameOf(p.id)));
    expect(text($(element, 'people-hidden'))).toBe('c.Engagement_More_Person');
    await expect(element).toBeAccessible();
  });

  it('is not stale one day after scoring', async () => {
    const element = await showRecord(stale, { now: after(stale, 24 * HOUR) });

    expect($(element, 'stale')).toBeNull();
  });

  it('keeps the rest of the card and shows a notice when the contributors JSON is malformed', async () => {
    const element = await showRecord(malformed);

    expect($(element, 'malformed')).not.toBeNull();
    expect(text($(element, 'score'))).toBe(String(valueOf(malformed, 'Engagement_Score__c')));
    const change = valueOf(malformed, 'Engagement_Score_Change_30d__c');
    const arrow = change > 0 ? '\u2191 +' : change < 0 ? '\u2193 \u2212' : '\u2192 ';
    expect(text($(element, 'trend'))).toContain(`${arrow}${Math.abs(change)}`);
    expect(element.shadowRoot.querySelectorAll('.person-name')).toHaveLength(0);
    expect(text($(element, 'people'))).not.toContain('c.Engagement_Top_People_Empty');
    expect(text($(element, 'missing'))).toContain(personas(malformed)[0]);
    // Garbage entries in the history are skipped, the numbers remain.
    const items = valueOf(malformed, 'Engagement_History__c').split(',');
    const numbers = items.filter((d) => d.trim() !== '' && Number.isFinite(Number(d)));
    expect(numbers.length).toBeLessThan(items.length);
    const points = $(element, 'sparkline').querySelector('polyline').getAttribute('points').split(' ');
    expect(points).toHaveLength(numbers.length);
    await expect(element).toBeAccessible();
  });

  it('shows the error panel with the reduced LDS message when the record cannot be read', async () => {
    const element = createCard();
    getRecord.error(notFound.body, notFound.status, notFound.statusText);
    await flush();

    const panel = element.shadowRoot.querySelector('c-error-panel');
    expect(panel).not.toBeNull();
    expect(text(panel.shadowRoot.querySelector('.error-message'))).toBe('The requested resource does not exist');
    expect($(element, 'score')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('reads who the contributors are from their Contact and Lead records, as the current user', async () => {
    const element = createCard({ recordId: surging.id });
    getRecord.emit(surging);
    await flush();
    // Until LDS answers, the people section waits instead of saying nobody is engaged.
    expect($(element, 'people-loading')).not.toBeNull();
    const { records } = getRecords.getLastConfig();
    expect(
      records.map((r) => ({
        ids: r.recordIds,
        fields: r.fields.map((f) => `${f.objectApiName}.${f.fieldApiName}`),
        optional: r.optionalFields.map((f) => `${f.objectApiName}.${f.fieldApiName}`),
      })),
    ).toEqual(
      [
        ['Contact', '003'],
        ['Lead', '00Q'],
      ]
        .map(([object, prefix]) => ({
          ids: personIds(surging)
            .slice(0, 5)
            .filter((id) => id.startsWith(prefix)),
          fields: [`${object}.Name`],
          optional: [`${object}.Title`],
        }))
        .filter((batch) => batch.ids.length > 0),
    );
    await answerPeople();
    expect($(element, 'people-loading')).toBeNull();
    expect($(element, 'people-hidden')).toBeNull();
  });

  it('shows a person the user cannot see as "1 more person", keeping the others in order', async () => {
    const [first, hidden, ...rest] = personIds(surging).slice(0, 5);
    const element = await showRecord(surging, {}, [hidden]);
    expect(names(element)).toEqual([first, ...rest].map(nameOf));
    expect(text($(element, 'people-hidden'))).toBe('c.Engagement_More_Person');
    expect(text($(element, 'people'))).not.toContain(nameOf(hidden));
    await expect(element).toBeAccessible();
  });

  it('counts several hidden people in one line, and names nobody when none is visible', async () => {
    const shown = personIds(surging).slice(0, 5);
    const some = await showRecord(surging, {}, shown.slice(1, 3));
    expect(names(some)).toHaveLength(shown.length - 2);
    expect(text($(some, 'people-hidden'))).toBe('c.Engagement_More_People');
    document.body.removeChild(some);

    const none = await showRecord(loneWolf, {}, personIds(loneWolf));
    expect(names(none)).toEqual([]);
    expect(text($(none, 'people-hidden'))).toBe(
      personIds(loneWolf).length === 1 ? 'c.Engagement_More_Person' : 'c.Engagement_More_People',
    );
    expect(text($(none, 'people'))).not.toContain('c.Engagement_Top_People_Empty');
  });

  it('names nobody when the batch itself fails (no access to Contacts)', async () => {
    const element = createCard({ recordId: surging.id });
    getRecord.emit(surging);
    await flush();
    getRecords.error({ message: 'no access' }, 403, 'Forbidden');
    await flush();
    expect(names(element)).toEqual([]);
    expect(text($(element, 'people-hidden'))).toBe('c.Engagement_More_People');
  });

  it('ignores names stored by a version-1 field and reads them as the user', async () => {
    const v1 = JSON.parse(JSON.stringify(loneWolf));
    const doc = JSON.parse(v1.fields.Engagement_Top_Contributors__c.value);
    v1.fields.Engagement_Top_Contributors__c.value = JSON.stringify({
      ...doc,
      v: 1,
      people: doc.people.map((p) => ({ ...p, name: 'Stored Name', title: 'Stored Title' })),
    });
    const [hidden, ...visible] = personIds(loneWolf);
    const element = await showRecord(v1, {}, [hidden]);
    expect(text($(element, 'people'))).not.toContain('Stored Name');
    expect(names(element)).toEqual(visible.map(nameOf));
    expect(text($(element, 'people-hidden'))).toBe('c.Engagement_More_Person');
  });

  it('stacks its sections in a narrow region and uses two columns in a wide one', async () => {
    const narrow = createCard({ flexipageRegionWidth: 'SMALL' });
    const wide = createCard({ flexipageRegionWidth: 'LARGE' });
    getRecord.emit(surging);
    await flush();
    await answerPeople();

    expect(narrow.shadowRoot.querySelector('.layout-narrow')).not.toBeNull();
    expect($(narrow, 'people').className).toContain('slds-size_1-of-1');
    expect(wide.shadowRoot.querySelector('.layout-wide')).not.toBeNull();
    expect($(wide, 'people').className).toContain('slds-size_1-of-2');
    await expect(narrow).toBeAccessible();
  });

  it('shows how long ago the score was computed and the model version', async () => {
    const element = await showRecord(surging);

    expect($(element, 'last-scored')).not.toBeNull();
    expect($(element, 'model')).not.toBeNull();
  });
});
