/**
 * Pure helpers shared by the engagement components: parsing the fields Pulse writes back
 * (history, contributors JSON, missing personas) and turning them into display values.
 * Nothing here touches the DOM or the clock, so every function is tested with plain inputs.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Days after which a score counts as stale (the nightly run missed at least one day). */
export const STALE_AFTER_DAYS = 2;

/** Contributors JSON versions this component can read (see docs/top-contributors-json.md). */
export const SUPPORTED_CONTRIBUTOR_VERSIONS = [1, 2];

const BAND_CLASSES = {
  Low: 'band-low',
  Medium: 'band-medium',
  High: 'band-high',
  'Very High': 'band-very-high',
};

const TREND_CLASSES = {
  Surging: 'trend-surging',
  Heating: 'trend-heating',
  Neutral: 'trend-neutral',
  Cooling: 'trend-cooling',
  New: 'trend-new',
};

/** Reads a field value from a UI API record by its schema import; null when absent. */
export function fieldValue(record, field) {
  const name = field && typeof field === 'object' ? field.fieldApiName : field;
  const entry = record && record.fields ? record.fields[name] : undefined;
  return entry && entry.value !== undefined ? entry.value : null;
}

/** Replaces {0}, {1}… in a custom label with the given values. */
export function formatLabel(template, ...args) {
  return String(template).replace(/\{(\d+)\}/g, (match, index) => {
    return args[index] === undefined ? match : String(args[index]);
  });
}

/** Parses the comma-separated daily history, oldest first; blanks and garbage are skipped. */
export function parseHistory(text) {
  if (typeof text !== 'string' || text.trim() === '') {
    return [];
  }
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && /^-?\d+(\.\d+)?$/.test(part))
    .map((part) => Math.min(100, Math.max(0, Number(part))));
}

/** Splits the `; `-separated missing personas into trimmed names. */
export function parsePersonas(text) {
  if (typeof text !== 'string') {
    return [];
  }
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function finiteOr(value, fallback) {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function asText(value) {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

// People are ids, points and shares; a version-1 document's stored names and titles are ignored, so the
// card only names people the reader may open (resolvePeople).
function readPeople(list) {
  return (Array.isArray(list) ? list : [])
    .filter((p) => p && typeof p === 'object')
    .map((p, index) => ({
      key: asText(p.id) || `person-${index}`,
      id: asText(p.id),
      points: finiteOr(p.points, 0),
      share: finiteOr(p.share, 0),
    }));
}

const PERSON_OBJECTS = { '003': 'Contact', '00Q': 'Lead' };

/** The object of a contributor id: Contact (003…), Lead (00Q…), or null for anything else. */
export function personObject(id) {
  const text = asText(id);
  return /^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$/.test(text) ? PERSON_OBJECTS[text.slice(0, 3)] || null : null;
}

function recordText(record, field) {
  const entry = record && record.fields ? record.fields[field] : undefined;
  return entry && entry.value !== null && entry.value !== undefined ? String(entry.value) : '';
}

/**
 * Names the people `getRecords` returned to the reader (results with status 200): `shown` adds their name and
 * title; everyone else (no Salesforce id, not visible to the reader, deleted) is only counted in `hidden`.
 */
export function resolvePeople(people, results) {
  const byId = new Map();
  for (const r of Array.isArray(results) ? results : []) {
    const record = r && r.statusCode === 200 ? r.result : null;
    if (record && record.id) {
      byId.set(String(record.id).slice(0, 15), record);
    }
  }
  const shown = [];
  let hidden = 0;
  for (const p of people || []) {
    const record = p.id ? byId.get(p.id.slice(0, 15)) : undefined;
    const name = recordText(record, 'Name');
    if (name) {
      shown.push({ ...p, name, title: recordText(record, 'Title') });
    } else {
      hidden += 1;
    }
  }
  return { shown, hidden };
}

// KPIs and drivers are both named by a key, with an optional display label that falls back to it.
function readKeyed(list, keyPrefix, readValues) {
  return (Array.isArray(list) ? list : [])
    .filter((item) => item && typeof item === 'object' && (asText(item.label) !== '' || asText(item.key) !== ''))
    .map((item, index) => ({
      key: asText(item.key) || `${keyPrefix}-${index}`,
      label: asText(item.label) || asText(item.key),
      ...readValues(item),
    }));
}

function readKpis(list) {
  return readKeyed(list, 'kpi', (k) => ({ points: finiteOr(k.points, 0), share: finiteOr(k.share, 0) }));
}

function readDrivers(list) {
  return readKeyed(list, 'driver', (d) => ({ change: finiteOr(d.change, 0) }));
}

/**
 * Parses Engagement_Top_Contributors__c. Never throws: a blank field gives empty lists,
 * unreadable JSON or an unknown version gives empty lists with `malformed: true`.
 */
export function parseContributors(json) {
  const empty = { people: [], kpis: [], drivers: [], malformed: false };
  if (typeof json !== 'string' || json.trim() === '') {
    return empty;
  }
  let parsed;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ...empty, malformed: true };
  }
  if (!parsed || typeof parsed !== 'object' || !SUPPORTED_CONTRIBUTOR_VERSIONS.includes(parsed.v)) {
    return { ...empty, malformed: true };
  }
  return {
    people: readPeople(parsed.people),
    kpis: readKpis(parsed.kpis),
    drivers: readDrivers(parsed.drivers),
    malformed: false,
  };
}

/** Formats a 0–1 share as a whole percent ("42%"); shares above 1 are taken as percents already. */
export function formatShare(share) {
  const n = finiteOr(share, 0);
  const percent = n > 1 ? n : n * 100;
  return `${Math.round(percent)}%`;
}

/** Signed points change with a true minus sign: "+27", "−12", "0". */
export function formatChange(change) {
  const n = Math.round(finiteOr(change, 0));
  if (n > 0) {
    return `+${n}`;
  }
  if (n < 0) {
    return `\u2212${Math.abs(n)}`;
  }
  return '0';
}

/** The trend chip: arrow, signed change and the CSS class for the trend picklist value. */
export function trendChip(trend, change) {
  const n = Math.round(finiteOr(change, 0));
  const arrow = n > 0 ? '\u2191' : n < 0 ? '\u2193' : '\u2192';
  const trendClass = TREND_CLASSES[trend] || 'trend-neutral';
  return {
    arrow,
    change: formatChange(n),
    text: `${arrow} ${formatChange(n)}`,
    className: `trend-chip slds-badge ${trendClass}`,
  };
}

/** CSS class for a band picklist value (colours the gauge). */
export function bandClass(band) {
  return BAND_CLASSES[band] || 'band-unknown';
}

/** Clamps a score into 0–100, or null when there is none. */
export function normalizeScore(score) {
  if (score === null || score === undefined || score === '') {
    return null;
  }
  const n = Number(score);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, Math.round(n))) : null;
}

/** Stroke-dasharray for a ring of radius r filled to `score` percent. */
export function ringDash(score, radius) {
  const circumference = 2 * Math.PI * radius;
  const filled = (circumference * (normalizeScore(score) || 0)) / 100;
  return `${filled.toFixed(2)} ${circumference.toFixed(2)}`;
}

/** Smallest vertical span (score points) of the sparkline, so day-to-day noise does not look like a cliff. */
const MIN_SPARK_RANGE = 20;

/**
 * SVG polyline points for the sparkline; y grows downwards. The vertical axis fits the data
 * (at least MIN_SPARK_RANGE points, clamped to 0–100) so a trend reads at 48 px high.
 */
export function sparklinePoints(values, width, height, padding = 2) {
  if (!values || values.length === 0) {
    return '';
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < MIN_SPARK_RANGE) {
    const mid = (hi + lo) / 2;
    lo = Math.max(0, Math.min(100 - MIN_SPARK_RANGE, mid - MIN_SPARK_RANGE / 2));
    hi = lo + MIN_SPARK_RANGE;
  }
  const innerW = width - padding * 2;
  const innerH = height - padding * 2;
  const step = values.length > 1 ? innerW / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = padding + (values.length > 1 ? i * step : innerW / 2);
      const y = padding + innerH - (innerH * (v - lo)) / (hi - lo);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** Summary numbers for the sparkline's text alternative. */
export function historySummary(values) {
  if (!values || values.length === 0) {
    return null;
  }
  return {
    days: values.length,
    first: values[0],
    last: values[values.length - 1],
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Parses a Date/Time field value (ISO string, epoch or Date) into epoch ms, or null. */
export function toEpoch(value) {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** True when the score was computed more than STALE_AFTER_DAYS before `now`. */
export function isStale(scoredAt, now, days = STALE_AFTER_DAYS) {
  const at = toEpoch(scoredAt);
  const current = toEpoch(now);
  if (at === null || current === null) {
    return false;
  }
  return current - at > days * DAY_MS;
}

/**
 * How long ago `value` was, as a unit and an amount, so the caller picks the matching label:
 * { unit: 'now' | 'minutes' | 'hours' | 'days', amount }.
 */
export function elapsed(value, now) {
  const at = toEpoch(value);
  const current = toEpoch(now);
  if (at === null || current === null) {
    return null;
  }
  const diff = Math.max(0, current - at);
  if (diff < MINUTE_MS) {
    return { unit: 'now', amount: 0 };
  }
  if (diff < HOUR_MS) {
    return { unit: 'minutes', amount: Math.floor(diff / MINUTE_MS) };
  }
  if (diff < DAY_MS) {
    return { unit: 'hours', amount: Math.floor(diff / HOUR_MS) };
  }
  return { unit: 'days', amount: Math.floor(diff / DAY_MS) };
}

/** Formats a 'YYYY-MM-DD' date field for display in the user's locale, without shifting days. */
export function formatDate(value, locale) {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return '';
  }
  const date = new Date(`${value}T00:00:00Z`);
  try {
    return new Intl.DateTimeFormat(locale || 'en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
  } catch {
    return value;
  }
}

/** Salesforce record URL used as the href of record links (the click itself navigates via NavigationMixin). */
export function recordUrl(recordId) {
  return recordId ? `/lightning/r/${encodeURIComponent(recordId)}/view` : undefined;
}

/**
 * The record page a record link's click opens inside Lightning (the link keeps its href for
 * open-in-new-tab, so the plain click is taken over), or null when the link names no record.
 */
export function recordPageOfClick(event, objectApiName) {
  const recordId = event.currentTarget.dataset.id;
  if (!recordId) {
    return null;
  }
  event.preventDefault();
  const attributes = objectApiName ? { recordId, objectApiName, actionName: 'view' } : { recordId, actionName: 'view' };
  return { type: 'standard__recordPage', attributes };
}
