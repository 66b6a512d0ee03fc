import { LightningElement, api, wire } from 'lwc';
import { getRecord, getRecords } from 'lightning/uiRecordApi';
import { NavigationMixin } from 'lightning/navigation';
import LOCALE from '@salesforce/i18n/locale';
import NAME_FIELD from '@salesforce/schema/Account.Name';
import SCORE_FIELD from '@salesforce/schema/Account.Engagement_Score__c';
import BAND_FIELD from '@salesforce/schema/Account.Engagement_Band__c';
import TREND_FIELD from '@salesforce/schema/Account.Engagement_Trend__c';
import CHANGE_FIELD from '@salesforce/schema/Account.Engagement_Score_Change_30d__c';
import MQA_FIELD from '@salesforce/schema/Account.Engagement_MQA__c';
import MQA_DATE_FIELD from '@salesforce/schema/Account.Engagement_MQA_Date__c';
import PEOPLE_ENGAGED_FIELD from '@salesforce/schema/Account.Engagement_People_Engaged__c';
import COVERAGE_FIELD from '@salesforce/schema/Account.Engagement_Committee_Coverage__c';
import MISSING_PERSONAS_FIELD from '@salesforce/schema/Account.Engagement_Missing_Personas__c';
import CONTRIBUTORS_FIELD from '@salesforce/schema/Account.Engagement_Top_Contributors__c';
import HISTORY_FIELD from '@salesforce/schema/Account.Engagement_History__c';
import LAST_ACTIVITY_FIELD from '@salesforce/schema/Account.Engagement_Last_Activity__c';
import SCORED_AT_FIELD from '@salesforce/schema/Account.Engagement_Scored_At__c';
import MODEL_VERSION_FIELD from '@salesforce/schema/Account.Engagement_Model_Version__c';
import CONTACT_NAME_FIELD from '@salesforce/schema/Contact.Name';
import CONTACT_TITLE_FIELD from '@salesforce/schema/Contact.Title';
import LEAD_NAME_FIELD from '@salesforce/schema/Lead.Name';
import LEAD_TITLE_FIELD from '@salesforce/schema/Lead.Title';
import LABELS from 'c/engagementLabels';
import {
  bandClass,
  elapsed,
  fieldValue,
  formatChange,
  formatDate,
  formatLabel,
  historySummary,
  isStale,
  normalizeScore,
  parseContributors,
  parseHistory,
  parsePersonas,
  personObject,
  recordPageOfClick,
  recordUrl,
  resolvePeople,
  ringDash,
  sparklinePoints,
  toEpoch,
  trendChip,
} from 'c/engagementUtils';

// Optional so a user without access to one field still sees the rest of the card.
const ENGAGEMENT_FIELDS = [
  SCORE_FIELD,
  BAND_FIELD,
  TREND_FIELD,
  CHANGE_FIELD,
  MQA_FIELD,
  MQA_DATE_FIELD,
  PEOPLE_ENGAGED_FIELD,
  COVERAGE_FIELD,
  MISSING_PERSONAS_FIELD,
  CONTRIBUTORS_FIELD,
  HISTORY_FIELD,
  LAST_ACTIVITY_FIELD,
  SCORED_AT_FIELD,
  MODEL_VERSION_FIELD,
];

// Who a contributor is comes from their own record, read as the current user: sharing decides.
const PERSON_FIELDS = {
  Contact: { fields: [CONTACT_NAME_FIELD], optionalFields: [CONTACT_TITLE_FIELD] },
  Lead: { fields: [LEAD_NAME_FIELD], optionalFields: [LEAD_TITLE_FIELD] },
};

const RING_RADIUS = 42;
const SPARK_WIDTH = 240;
const SPARK_HEIGHT = 48;
const DEFAULT_CONTRIBUTORS = 5;

/** Account engagement at a glance: score, trend, history, who is engaged and who is missing. */
export default class EngagementScoreCard extends NavigationMixin(LightningElement) {
  /** Account id, set by the record page. */
  @api recordId;
  /** How many people and KPIs to list (App Builder design property). */
  @api contributorCount = DEFAULT_CONTRIBUTORS;
  /** Show the 90-day sparkline (App Builder design property; unset means shown). */
  @api showSparkline;
  /** SMALL, MEDIUM or LARGE: set by Lightning for the region the card sits in. */
  @api flexipageRegionWidth;
  /** The current time (ms, ISO string or Date); only tests and the preview set it. */
  @api now;

  labels = LABELS;
  record;
  error;
  /** getRecords results for the listed people; undefined until they answer. */
  personResults;

  ringRadius = RING_RADIUS;
  sparkWidth = SPARK_WIDTH;
  sparkHeight = SPARK_HEIGHT;

  @wire(getRecord, { recordId: '$recordId', fields: [NAME_FIELD], optionalFields: ENGAGEMENT_FIELDS })
  wiredRecord({ data, error }) {
    if (data) {
      if (!this.record || this.record.id !== data.id) {
        this.personResults = undefined;
      }
      this.record = data;
      this.error = undefined;
    } else if (error) {
      this.record = undefined;
      this.error = error;
    }
  }

  /** getRecords batches for the listed people with a Contact or Lead id; undefined when there are none. */
  get personRecords() {
    const ids = { Contact: [], Lead: [] };
    for (const p of this.listedPeople) {
      const object = personObject(p.id);
      if (object && !ids[object].includes(p.id)) {
        ids[object].push(p.id);
      }
    }
    const records = Object.keys(ids)
      .filter((object) => ids[object].length > 0)
      .map((object) => ({ recordIds: ids[object], ...PERSON_FIELDS[object] }));
    return records.length ? records : undefined;
  }

  @wire(getRecords, { records: '$personRecords' })
  wiredPeople({ data, error }) {
    if (data) {
      this.personResults = data.results || [];
    } else if (error) {
      // Not even the batch could be read (e.g. no access to Contacts): everyone is counted, nobody named.
      this.personResults = [];
    }
  }

  // ---- state ----

  // On app and home pages nothing sets recordId unless the admin does: say so instead of spinning.
  get hasNoRecord() {
    return !this.recordId;
  }

  get isLoading() {
    return !this.hasNoRecord && !this.record && !this.error;
  }

  get hasError() {
    return !!this.error;
  }

  get score() {
    return normalizeScore(fieldValue(this.record, SCORE_FIELD));
  }

  get isNeverScored() {
    return !!this.record && this.score === null;
  }

  get isScored() {
    return !!this.record && this.score !== null;
  }

  get currentTime() {
    const now = toEpoch(this.now);
    return now === null ? Date.now() : now;
  }

  get scoredAt() {
    return fieldValue(this.record, SCORED_AT_FIELD);
  }

  get isStale() {
    return isStale(this.scoredAt, this.currentTime);
  }

  get staleMessage() {
    const ago = elapsed(this.scoredAt, this.currentTime);
    return formatLabel(LABELS.stale, ago ? ago.amount : '');
  }

  get contributors() {
    return parseContributors(fieldValue(this.record, CONTRIBUTORS_FIELD));
  }

  // With unreadable contributors "nobody engaged yet" would be wrong: the notice says it instead.
  get showEmptyLists() {
    return !this.isMalformed;
  }

  get isMalformed() {
    return this.contributors.malformed;
  }

  // ---- layout ----

  get isNarrow() {
    return this.flexipageRegionWidth === 'SMALL';
  }

  get containerClass() {
    return `engagement-card ${this.isNarrow ? 'layout-narrow' : 'layout-wide'}`;
  }

  get sectionClass() {
    return this.isNarrow
      ? 'slds-col slds-size_1-of-1 slds-p-bottom_small'
      : 'slds-col slds-size_1-of-2 slds-p-around_x-small';
  }

  // ---- score, band, trend ----

  get band() {
    return fieldValue(this.record, BAND_FIELD) || '';
  }

  get bandText() {
    return this.band ? formatLabel(LABELS.bandLabel, this.band) : '';
  }

  get gaugeClass() {
    return `gauge ${bandClass(this.band)}`;
  }

  get gaugeAlt() {
    return formatLabel(LABELS.scoreAlt, this.score, this.band || '—');
  }

  get ringDash() {
    return ringDash(this.score, RING_RADIUS);
  }

  get trend() {
    return fieldValue(this.record, TREND_FIELD) || '';
  }

  get change() {
    return fieldValue(this.record, CHANGE_FIELD);
  }

  get chip() {
    return trendChip(this.trend, this.change);
  }

  get trendAlt() {
    return formatLabel(LABELS.trendAlt, this.trend || '—', formatChange(this.change));
  }

  // ---- MQA ----

  get isMqa() {
    return fieldValue(this.record, MQA_FIELD) === true;
  }

  get mqaText() {
    const date = formatDate(fieldValue(this.record, MQA_DATE_FIELD), LOCALE);
    return date ? formatLabel(LABELS.mqaSince, date) : LABELS.mqa;
  }

  // ---- sparkline ----

  get history() {
    return parseHistory(fieldValue(this.record, HISTORY_FIELD));
  }

  get sparklineVisible() {
    return this.showSparkline !== false && this.showSparkline !== 'false';
  }

  get hasHistory() {
    return this.history.length > 1;
  }

  get sparkPoints() {
    return sparklinePoints(this.history, SPARK_WIDTH, SPARK_HEIGHT);
  }

  get sparkViewBox() {
    return `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`;
  }

  get sparkTitle() {
    return formatLabel(LABELS.sparklineTitle, this.history.length);
  }

  get sparkAlt() {
    const s = historySummary(this.history);
    return s ? formatLabel(LABELS.sparklineAlt, s.days, s.first, s.last, s.min, s.max) : LABELS.sparklineEmpty;
  }

  get sparkRange() {
    const s = historySummary(this.history);
    return s ? `${s.first} \u2192 ${s.last}` : '';
  }

  get sparkLastPoint() {
    const points = this.sparkPoints.split(' ');
    const [x, y] = (points[points.length - 1] || '0,0').split(',');
    return { x, y };
  }

  // ---- contributors ----

  get limit() {
    const n = Number(this.contributorCount);
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : DEFAULT_CONTRIBUTORS;
  }

  /** The top people the card lists (contributorCount), before anyone is resolved. */
  get listedPeople() {
    return this.contributors.people.slice(0, this.limit);
  }

  get peopleResolved() {
    return !this.personRecords || this.personResults !== undefined;
  }

  get resolvedPeople() {
    return resolvePeople(this.listedPeople, this.peopleResolved ? this.personResults || [] : []);
  }

  get isPeopleLoading() {
    return !this.peopleResolved;
  }

  get people() {
    return this.resolvedPeople.shown.map((p) => ({ ...p, url: recordUrl(p.id) }));
  }

  get hasShownPeople() {
    return this.people.length > 0;
  }

  get hiddenPeopleText() {
    const n = this.resolvedPeople.hidden;
    if (n === 0) {
      return '';
    }
    return n === 1 ? LABELS.morePerson : formatLabel(LABELS.morePeople, n);
  }

  get hasPeople() {
    return this.listedPeople.length > 0;
  }

  get kpis() {
    return this.contributors.kpis.slice(0, this.limit);
  }

  get hasKpis() {
    return this.kpis.length > 0;
  }

  get drivers() {
    return this.contributors.drivers.slice(0, 3).map((d) => ({
      ...d,
      changeText: formatChange(d.change),
      changeClass: d.change >= 0 ? 'driver-change driver-up' : 'driver-change driver-down',
    }));
  }

  get hasDrivers() {
    return this.drivers.length > 0;
  }

  // ---- committee coverage ----

  get coverage() {
    const value = Number(fieldValue(this.record, COVERAGE_FIELD));
    return Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : null;
  }

  get hasCoverage() {
    return this.coverage !== null && fieldValue(this.record, COVERAGE_FIELD) !== null;
  }

  get coverageText() {
    return formatLabel(LABELS.coverageValue, this.coverage);
  }

  get coverageStyle() {
    return `width: ${this.coverage}%`;
  }

  get missingPersonas() {
    return parsePersonas(fieldValue(this.record, MISSING_PERSONAS_FIELD));
  }

  get hasMissingPersonas() {
    return this.missingPersonas.length > 0;
  }

  get missingText() {
    return this.missingPersonas.join(', ');
  }

  get peopleEngagedText() {
    const n = fieldValue(this.record, PEOPLE_ENGAGED_FIELD);
    return n === null ? '' : formatLabel(LABELS.peopleEngaged, n);
  }

  // ---- footer ----

  get lastScoredText() {
    const ago = elapsed(this.scoredAt, this.currentTime);
    if (!ago) {
      return '';
    }
    const labels = {
      now: LABELS.justNow,
      minutes: LABELS.minutesAgo,
      hours: LABELS.hoursAgo,
      days: LABELS.daysAgo,
    };
    return formatLabel(LABELS.lastScored, formatLabel(labels[ago.unit], ago.amount));
  }

  get modelText() {
    const version = fieldValue(this.record, MODEL_VERSION_FIELD);
    return version ? formatLabel(LABELS.modelVersion, version) : '';
  }

  get lastActivityText() {
    const date = formatDate(fieldValue(this.record, LAST_ACTIVITY_FIELD), LOCALE);
    return date ? formatLabel(LABELS.lastActivity, date) : '';
  }

  // ---- events ----

  handlePersonClick(event) {
    // A contributor is a contact or a lead: the record page finds the object from the id.
    const page = recordPageOfClick(event);
    if (page) {
      this[NavigationMixin.Navigate](page);
    }
  }
}
