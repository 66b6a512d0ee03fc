import { LightningElement, api } from 'lwc';
import { get, errorText } from 'console/api';
import { followLink } from 'console/router';
// The registry the lightning/uiRecordApi stand-in (the same one `npm run preview` uses) answers the card from.
import { registry } from '../../../../../../tools/preview/stubs/registry.js';

const SPARK_W = 600;
const SPARK_H = 80;

/** The UI API record the package's card reads (getRecord), made from the account's Account field values. */
function cardRecord(account, card) {
  const fields = { Name: { value: account.name, displayValue: null } };
  for (const [name, value] of Object.entries(card || {})) fields[name] = { value, displayValue: null };
  return { apiName: 'Account', id: account.accountId, fields };
}

/** Contact and Lead records for the card's contributors, named from the receipt (the console user sees all). */
function peopleRecords(receipt) {
  const seen = new Map();
  for (const e of (receipt && receipt.events) || []) {
    if (!e.personId || seen.has(e.personId)) continue;
    const apiName = e.personId.startsWith('00Q') ? 'Lead' : 'Contact';
    seen.set(e.personId, {
      apiName,
      id: e.personId,
      fields: { Name: { value: e.personName || e.personId, displayValue: null } },
    });
  }
  return [...seen.values()];
}

const round = (n, d = 2) => (typeof n === 'number' ? Math.round(n * 10 ** d) / 10 ** d : n);

/**
 * An account page: the package's real engagementScoreCard with this account's values, the score history as a
 * sparkline, and the score receipt (every event, multiplier, decay, contribution or exclusion) filtered by KPI
 * and person.
 */
export default class AccountPage extends LightningElement {
  @api accountId;
  data = null;
  error = '';
  kpiFilter = '';
  personFilter = '';

  connectedCallback() {
    get(`/api/accounts/${encodeURIComponent(this.accountId)}`)
      .then((data) => {
        registry.records[data.account.accountId] = cardRecord(data.account, data.card);
        registry.people = peopleRecords(data.receipt);
        this.data = data;
      })
      .catch((error) => {
        this.error = error.code === 'NO_ACCOUNT' ? `No account ${this.accountId} in this org.` : errorText(error);
      });
  }

  get ready() {
    return this.data !== null;
  }
  get recordId() {
    return this.data.account.accountId;
  }
  get history() {
    return (this.data.history || []).filter((h) => h.score !== null && h.score !== undefined);
  }
  get sparkPoints() {
    const h = this.history;
    if (h.length < 2) return '';
    return h
      .map(
        (p, i) => `${((i / (h.length - 1)) * SPARK_W).toFixed(1)},${(SPARK_H - (p.score / 100) * SPARK_H).toFixed(1)}`,
      )
      .join(' ');
  }
  get sparkLabel() {
    const h = this.history;
    if (h.length === 0) return 'No score history yet.';
    const first = h[0];
    const last = h[h.length - 1];
    return `Score history, ${h.length} days: ${Math.round(first.score)} on ${first.day}, ${Math.round(last.score)} on ${last.day}.`;
  }
  get receipt() {
    return this.data.receipt;
  }
  get kpiOptions() {
    const kpis = (this.receipt && this.receipt.kpis) || [];
    return [{ value: '', label: 'All KPIs', selected: this.kpiFilter === '' }].concat(
      kpis.map((k) => ({ value: k.key, label: k.label, selected: this.kpiFilter === k.key })),
      [{ value: '-', label: 'Not counted (excluded)', selected: this.kpiFilter === '-' }],
    );
  }
  get personOptions() {
    const people = new Map();
    for (const e of (this.receipt && this.receipt.events) || [])
      if (e.personId) people.set(e.personId, e.personName || e.personId);
    return [{ value: '', label: 'Everyone', selected: this.personFilter === '' }].concat(
      [...people].map(([id, name]) => ({ value: id, label: name, selected: this.personFilter === id })),
    );
  }
  get kpiRows() {
    return ((this.receipt && this.receipt.kpis) || []).map((k) => ({
      ...k,
      subscoreText: round(k.subscore, 1),
      weightedText: round(k.weighted, 1),
      pointsText: round(k.points),
      changeText: k.change === null || k.change === undefined ? '—' : `${k.change > 0 ? '+' : ''}${round(k.change, 1)}`,
    }));
  }
  get events() {
    return ((this.receipt && this.receipt.events) || [])
      .filter((e) => !this.kpiFilter || (this.kpiFilter === '-' ? Boolean(e.excluded) : e.kpi === this.kpiFilter))
      .filter((e) => !this.personFilter || e.personId === this.personFilter)
      .map((e) => ({
        ...e,
        day: (e.occurredAt || '').slice(0, 10),
        person: e.personName || e.personId || '—',
        multipliersText:
          (e.multipliers || []).map((m) => `${m.label || 'rule ' + m.rule} ×${m.factor}`).join(', ') || '—',
        basePoints: round(e.basePoints),
        decayText: round(e.decay, 3),
        contributionText: e.excluded ? '' : round(e.contribution, 2),
        rowClass: e.excluded ? 'slds-text-color_weak' : '',
      }));
  }
  get eventCount() {
    return `${this.events.length} of ${((this.receipt && this.receipt.events) || []).length} events`;
  }
  get scoreLine() {
    const s = this.receipt && this.receipt.score;
    return s
      ? `Score ${round(s.score, 1)} as of ${this.receipt.asOf}, model ${this.receipt.modelVersion}`
      : 'No score on this day.';
  }

  handleKpi(event) {
    this.kpiFilter = event.target.value;
  }
  handlePerson(event) {
    this.personFilter = event.target.value;
  }
  handleLink(event) {
    followLink(event);
  }
}
