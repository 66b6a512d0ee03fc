import { LightningElement, api, track } from 'lwc';
import { get, request, errorText, issuesByPath } from 'console/api';
import { navigate } from 'console/router';
import { shared } from 'console/state';

const DECAY_DEFAULTS = {
  linear: { kind: 'linear', lifespanDays: 90 },
  step: { kind: 'step' },
  halfLife: { kind: 'halfLife', days: 30 },
  piecewise: {
    kind: 'piecewise',
    points: [
      [0, 1],
      [90, 0],
    ],
  },
  none: { kind: 'none' },
};
const DECAY_KINDS = [
  { value: 'linear', label: 'Linear (fades to 0 over a lifespan)' },
  { value: 'halfLife', label: 'Half-life' },
  { value: 'step', label: 'Step (full until a day)' },
  { value: 'piecewise', label: 'Piecewise ([age, factor] points)' },
  { value: 'none', label: 'None (full weight in the window)' },
];
const LIST_KEYS = ['seniority', 'department', 'persona', 'accountIndustry'];

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Sets `value` at a dotted path ("kpis.0.decay.days"); undefined removes the key. */
function setPath(target, dotted, value) {
  const keys = dotted.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (node[k] === undefined || node[k] === null) node[k] = {};
    node = node[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** "0:1, 60:0.5" ↔ [[0,1],[60,0.5]] for piecewise decay points. */
function pointsText(points) {
  return (points || []).map(([a, f]) => `${a}:${f}`).join(', ');
}
function parsePoints(text) {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => s.split(':').map((n) => Number(n.trim())));
}

/** A new version name for a draft made from `live`: the live name with a time stamp, within 40 characters. */
function nextVersion(live) {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return `${String(live || 'model').slice(0, 26)}-${stamp}`;
}

/**
 * Page 4: the model editor. KPI weights as sliders and inputs that must total 100% (the total and how far off
 * it is shown live; saving is refused otherwise), enable/disable, decay with its curve, activity points and URL
 * patterns, multipliers, committee personas, the MQA rule, bands and trend thresholds, reset to defaults. The
 * API validates with the same zod schema as `pulse model validate`; each issue shows next to its field.
 */
export default class ModelEditor extends LightningElement {
  @api canWrite = false;
  @track model = null;
  live = null;
  defaults = null;
  errors = {};
  error = '';
  notice = '';
  saving = false;

  connectedCallback() {
    get('/api/model')
      .then((answer) => {
        this.live = answer.live;
        this.defaults = answer.defaults;
        // Edit the saved draft, else a copy of the live model (or the defaults before any publish) under a new name.
        const base = answer.live ? answer.live.model : answer.defaults;
        const start = shared.draft || answer.draft || { ...clone(base), version: nextVersion(base.version) };
        this.model = clone(start);
        shared.liveVersion = answer.live ? answer.live.version : null;
      })
      .catch((error) => {
        this.error = errorText(error);
      });
  }

  get readOnly() {
    return !this.canWrite;
  }
  get loaded() {
    return this.model !== null;
  }
  get total() {
    return (this.model ? this.model.kpis : [])
      .filter((k) => k.enabled !== false)
      .reduce((sum, k) => sum + (Number(k.weight) || 0), 0);
  }
  get totalText() {
    return `${Math.round(this.total * 100) / 100}%`;
  }
  get totalOk() {
    return Math.abs(this.total - 100) < 1e-9;
  }
  get totalProblem() {
    if (this.totalOk) return '';
    const off = Math.round((this.total - 100) * 100) / 100;
    return off < 0 ? `${-off}% short of 100%: raise weights or enable a KPI` : `${off}% over 100%: lower weights`;
  }
  get totalClass() {
    return `slds-text-heading_medium ${this.totalOk ? 'slds-text-color_success' : 'slds-text-color_error'}`;
  }
  get cannotSave() {
    return this.readOnly || !this.totalOk || this.saving;
  }
  get modelErrors() {
    return [this.errors.kpis, this.errors[''], this.errors.version].filter(Boolean).join('; ');
  }
  get kpis() {
    return this.model.kpis.map((k, i) => {
      const p = `kpis.${i}`;
      const rate = Boolean(k.rate);
      const decay = k.decay || { kind: 'none' };
      return {
        key: k.key || `kpi-${i}`,
        index: i,
        label: k.label,
        rate,
        enabled: k.enabled !== false,
        enabledPath: `${p}.enabled`,
        enabledId: `enabled-${i}`,
        weight: k.weight,
        weightPath: `${p}.weight`,
        weightId: `weight-${i}`,
        sliderId: `slider-${i}`,
        weightLabel: `${k.label} weight (percent)`,
        weightError: this.errors[`${p}.weight`] || '',
        rowError: this.errors[p] || this.errors[`${p}.key`] || this.errors[`${p}.activities`] || '',
        rowClass: `slds-box slds-box_x-small slds-m-bottom_small${k.enabled === false ? ' slds-theme_shade' : ''}`,
        decayKindId: `decay-kind-${i}`,
        decayKindPath: `${p}.decay.kind`,
        decayKinds: DECAY_KINDS.map((d) => ({ ...d, selected: d.value === decay.kind })),
        decay,
        decayError: Object.entries(this.errors)
          .filter(([path]) => path.startsWith(`${p}.decay`))
          .map(([, m]) => m)
          .join('; '),
        lifespan: decay.kind === 'linear',
        halfLife: decay.kind === 'halfLife',
        step: decay.kind === 'step',
        piecewise: decay.kind === 'piecewise',
        lifespanPath: `${p}.decay.lifespanDays`,
        daysPath: `${p}.decay.days`,
        pointsPath: `${p}.decay.points`,
        paramId: `decay-param-${i}`,
        decayDays: decay.days,
        lifespanDays: decay.lifespanDays,
        pointsText: pointsText(decay.points),
        activities: rate
          ? []
          : Object.entries(k.activities || {}).map(([type, points]) => ({
              type,
              points,
              id: `points-${i}-${type}`,
              path: `${p}.activities.${type}`,
              error: this.errors[`${p}.activities.${type}`] || '',
            })),
        urlsId: `urls-${i}`,
        urlsPath: `${p}.urls`,
        urls: (k.urls || []).join(', '),
        urlsError: this.errors[`${p}.urls`] || '',
        rateText: rate
          ? `${k.rate.numerator} ÷ ${k.rate.denominator}, target ${k.rate.target}, at least ${k.rate.minDenominator ?? 1}`
          : '',
      };
    });
  }
  get windowDays() {
    return this.model.windowDays || 90;
  }
  get multipliers() {
    return (this.model.multipliers || []).map((r, i) => {
      const p = `multipliers.${i}`;
      const when = r.when || {};
      const field = (name, label) => ({
        name,
        label,
        id: `mult-${i}-${name}`,
        path: `${p}.when.${name}`,
        kind: LIST_KEYS.includes(name) ? 'list' : name.startsWith('accountM') ? 'number' : 'text',
        value: Array.isArray(when[name]) ? when[name].join(', ') : (when[name] ?? ''),
      });
      return {
        index: i,
        key: `mult-${i}`,
        title: r.label || `Rule ${i + 1}`,
        fields: [
          field('seniority', 'Seniority'),
          field('department', 'Department'),
          field('persona', 'Persona'),
          field('titleMatches', 'Title pattern'),
          field('accountIndustry', 'Account industry'),
          field('accountMinEmployees', 'Min employees'),
          field('accountMaxEmployees', 'Max employees'),
        ],
        labelId: `mult-${i}-label`,
        labelPath: `${p}.label`,
        label: r.label || '',
        factorId: `mult-${i}-factor`,
        factorPath: `${p}.factor`,
        factor: r.factor,
        error: Object.entries(this.errors)
          .filter(([path]) => path.startsWith(p))
          .map(([, m]) => m)
          .join('; '),
        removeLabel: `Remove multiplier rule ${i + 1}`,
      };
    });
  }
  get personas() {
    const committee = this.model.committee || { personas: [] };
    return (committee.personas || []).map((persona, i) => {
      const p = `committee.personas.${i}`;
      const when = persona.when || {};
      return {
        index: i,
        key: `persona-${i}`,
        keyId: `persona-${i}-key`,
        keyPath: `${p}.key`,
        keyValue: persona.key,
        labelId: `persona-${i}-label`,
        labelPath: `${p}.label`,
        label: persona.label,
        seniorityId: `persona-${i}-seniority`,
        seniorityPath: `${p}.when.seniority`,
        seniority: (when.seniority || []).join(', '),
        departmentId: `persona-${i}-department`,
        departmentPath: `${p}.when.department`,
        department: (when.department || []).join(', '),
        titleId: `persona-${i}-title`,
        titlePath: `${p}.when.titleMatches`,
        title: when.titleMatches || '',
        requiredId: `persona-${i}-required`,
        requiredPath: `${p}.required`,
        required: persona.required === true,
        error: Object.entries(this.errors)
          .filter(([path]) => path.startsWith(p))
          .map(([, m]) => m)
          .join('; '),
        removeLabel: `Remove persona ${persona.label || i + 1}`,
      };
    });
  }
  get numbers() {
    const m = { bands: {}, trend: {}, mqa: {}, committee: {}, ...this.model };
    const n = (path, label, value) => ({
      path,
      label,
      value,
      id: `num-${path.replace(/\./g, '-')}`,
      error: this.errors[path] || '',
    });
    return {
      bands: [
        n('bands.medium', 'Medium from', m.bands.medium),
        n('bands.high', 'High from', m.bands.high),
        n('bands.veryHigh', 'Very High from', m.bands.veryHigh),
      ],
      trend: [
        n('trend.days', 'Days compared', m.trend.days),
        n('trend.cooling', 'Cooling at or below', m.trend.cooling),
        n('trend.heating', 'Heating from', m.trend.heating),
        n('trend.surging', 'Surging from', m.trend.surging),
      ],
      mqa: [
        n('mqa.minScore', 'Minimum score', m.mqa.minScore),
        n('mqa.minEngagedPeople', 'Minimum engaged people', m.mqa.minEngagedPeople),
        n('mqa.minCoveragePct', 'Minimum committee coverage (%)', m.mqa.minCoveragePct),
        n('committee.engagedPoints', 'Points for a person to count as engaged', m.committee.engagedPoints),
      ],
      window: [n('windowDays', 'Window (days)', m.windowDays)],
    };
  }
  get bandsError() {
    return this.errors.bands || '';
  }
  get trendError() {
    return this.errors.trend || '';
  }
  get versionError() {
    return this.errors.version || '';
  }

  /** Every input of the editor: `data-path` says where, `data-kind` how to read the value. */
  handleInput(event) {
    const { path, kind } = event.target.dataset;
    const raw = kind === 'bool' ? event.target.checked : event.target.value;
    let value = raw;
    if (kind === 'number') value = raw === '' ? undefined : Number(raw);
    else if (kind === 'list') {
      const items = String(raw)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      value = items.length ? items : undefined;
    } else if (kind === 'points') value = parsePoints(String(raw));
    else if (kind === 'text') value = raw === '' ? undefined : raw;
    if (kind === 'decay') {
      const index = Number(event.target.dataset.index);
      this.model.kpis[index].decay = clone(DECAY_DEFAULTS[raw]);
    } else {
      setPath(this.model, path, value);
    }
    // A value the user touched is no longer the one the error was about.
    if (this.errors[path]) {
      const { [path]: _, ...rest } = this.errors;
      this.errors = rest;
    }
    shared.draft = clone(this.model);
    this.notice = '';
  }

  handleAddMultiplier() {
    this.model.multipliers = [...(this.model.multipliers || []), { when: { seniority: ['vp'] }, factor: 1, label: '' }];
  }
  handleRemoveMultiplier(event) {
    this.model.multipliers.splice(Number(event.target.dataset.index), 1);
  }
  handleAddPersona() {
    const personas = this.model.committee.personas || [];
    personas.push({ key: `persona_${personas.length + 1}`, label: 'New persona', when: { seniority: ['director'] } });
    this.model.committee.personas = personas;
  }
  handleRemovePersona(event) {
    this.model.committee.personas.splice(Number(event.target.dataset.index), 1);
  }

  handleReset() {
    this.model = { ...clone(this.defaults), version: this.model.version };
    shared.draft = clone(this.model);
    this.errors = {};
    this.notice = 'Reset to the default model (not saved yet).';
  }

  async handleSave() {
    if (!this.totalOk) {
      this.notice = `Not saved: the weights of enabled KPIs total ${this.totalText}; they must total 100%.`;
      return;
    }
    this.saving = true;
    this.errors = {};
    try {
      await request('PUT', '/api/model/draft', { model: this.model });
      shared.draft = clone(this.model);
      this.notice = `Draft ${this.model.version} saved.`;
    } catch (error) {
      this.errors = issuesByPath(error);
      this.notice = error.status === 400 ? 'Not saved: fix the fields marked below.' : errorText(error);
    } finally {
      this.saving = false;
    }
  }

  handlePreview() {
    shared.draft = clone(this.model);
    navigate('/console/preview');
  }
}
