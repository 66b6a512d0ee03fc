/**
 * Outputs: one account's finished score (plus people's titles and ids, history and run facts) turned into
 * the value of each Pulse output, formatted for the field type the contract gives it. Pure.
 */
import { ACCOUNT_FIELDS, type AccountOutputKey } from '../contract/fields';
import type { AccountScore } from '../scoring/finish';

/** A value as it goes to Salesforce: numbers, booleans, text; Date as YYYY-MM-DD, DateTime as ISO 8601 UTC. */
export type OutputValue = string | number | boolean | null;

/** Display facts about a person the score names. */
export interface PersonInfo {
  name: string;
  title: string | null;
  /** Salesforce Contact/Lead id, when the person is a Salesforce record. */
  salesforceId?: string | null;
}

/** Everything besides the score the outputs need. */
export interface OutputContext {
  /** KPI key → human label (the model's `kpis[].label`). */
  kpiLabels: Record<string, string>;
  people: ReadonlyMap<string, PersonInfo>;
  /** Daily scores, oldest first; null for a day without a score. Only the last 90 are written. */
  history: readonly (number | null)[];
  /** First day of the current MQA period, YYYY-MM-DD. */
  mqaSince: string | null;
  modelVersion: string;
  scoredAt: Date;
}

/** Field lengths of the text outputs, from the contract. */
export const TEXT_LIMITS = {
  missingPersonas: lengthOf('missingPersonas'),
  summary: lengthOf('summary'),
  topContributors: lengthOf('topContributors'),
  history: lengthOf('history'),
  modelVersion: lengthOf('modelVersion'),
} as const;

/**
 * Shape version of the contributors JSON (docs/top-contributors-json.md). Version 2 holds people as ids,
 * points and shares only: names and titles stay on the Contact or Lead, where sharing decides who reads them.
 */
export const CONTRIBUTORS_VERSION = 2;
const LABEL_MAX = 80;
/** Daily scores the history output holds. */
export const HISTORY_DAYS = 90;

/** The value of every output for one account; a null score (no counted activity) blanks the score outputs. */
export function accountOutputs(score: AccountScore | null, ctx: OutputContext): Record<AccountOutputKey, OutputValue> {
  const history = historyText(ctx.history);
  const common = {
    history,
    lastActivity: score?.lastActivity ?? null,
    scoredAt: ctx.scoredAt.toISOString(),
    modelVersion: clip(ctx.modelVersion, TEXT_LIMITS.modelVersion),
  };
  if (!score) {
    return {
      score: null,
      band: null,
      trend: null,
      scoreChange30d: null,
      mqa: false,
      mqaDate: null,
      peopleEngaged: null,
      committeeCoverage: null,
      missingPersonas: null,
      summary: null,
      topContributors: null,
      ...common,
    };
  }
  return {
    score: score.score,
    band: score.band,
    trend: score.trend,
    scoreChange30d: score.change30d,
    mqa: score.mqa,
    mqaDate: score.mqa ? ctx.mqaSince : null,
    peopleEngaged: score.peopleEngaged,
    committeeCoverage: Math.round(score.coveragePct),
    missingPersonas: joinWithin(score.missingPersonas, '; ', TEXT_LIMITS.missingPersonas),
    summary: summaryLine(score, ctx),
    topContributors: contributorsJson(score, ctx),
    ...common,
  };
}

/** "4 people · VP Marketing, Marketing Ops · Meetings 40%, Pricing pages 25%", within the field length. */
export function summaryLine(score: AccountScore, ctx: Pick<OutputContext, 'kpiLabels' | 'people'>): string | null {
  const parts: string[] = [`${score.peopleEngaged} ${score.peopleEngaged === 1 ? 'person' : 'people'}`];
  const titles = [
    ...new Set(
      score.topPeople
        .map((p) => ctx.people.get(p.personId))
        // Titles only: a name on the Account would show a person to readers who cannot open the record.
        .map((p) => p?.title?.trim() ?? '')
        .filter((t) => t !== ''),
    ),
  ].slice(0, 3);
  if (titles.length) parts.push(titles.join(', '));
  const kpis = score.topKpis.slice(0, 3).map((k) => `${ctx.kpiLabels[k.key] ?? k.key} ${Math.round(k.share * 100)}%`);
  if (kpis.length) parts.push(kpis.join(', '));
  return clip(parts.join(' · '), TEXT_LIMITS.summary);
}

/** The contributors JSON, version 1, compact, always within the field length. */
export function contributorsJson(score: AccountScore, ctx: Pick<OutputContext, 'kpiLabels' | 'people'>): string {
  const people = score.topPeople.slice(0, 10).map((p) => ({
    id: salesforcePersonId(p.personId, ctx.people.get(p.personId)),
    points: round(p.points, 1),
    share: round(p.share, 3),
  }));
  const label = (key: string) => clip(ctx.kpiLabels[key] ?? key, LABEL_MAX);
  const kpis = score.topKpis
    .slice(0, 10)
    .map((k) => ({ key: k.key, label: label(k.key), points: round(k.points, 1), share: round(k.share, 3) }));
  const drivers = score.changeDrivers
    .slice(0, 5)
    .map((d) => ({ key: d.key, label: label(d.key), change: round(d.change, 1) }));
  const doc = { v: CONTRIBUTORS_VERSION, people, kpis, drivers };
  let json = JSON.stringify(doc);
  // Cannot happen with the caps above (10 ids, 10 × 80-char labels), but the field limit is a hard wall.
  while (json.length > TEXT_LIMITS.topContributors && (doc.people.length || doc.kpis.length)) {
    if (doc.people.length >= doc.kpis.length) doc.people.pop();
    else doc.kpis.pop();
    json = JSON.stringify(doc);
  }
  return json;
}

const PERSON_ID = /^(003|00Q)[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/;

/** The person's Contact or Lead id, or "" for someone who is not a Salesforce record (e.g. only in the MAP). */
function salesforcePersonId(personId: string, info: PersonInfo | undefined): string {
  const id = info?.salesforceId ?? personId;
  return PERSON_ID.test(id) ? id : '';
}

/** The last 90 daily scores, oldest first, comma-separated; an empty item is a day without a score. */
export function historyText(history: readonly (number | null)[]): string | null {
  const days = history.slice(-HISTORY_DAYS);
  if (!days.some((d) => d !== null)) return null;
  let text = days.map((d) => (d === null ? '' : String(Math.round(d)))).join(',');
  // Keeps the newest days if a caller ever passes values wider than a score.
  while (text.length > TEXT_LIMITS.history) text = text.slice(text.indexOf(',') + 1);
  return text;
}

/** Joins whole items while they fit in `max` characters; null for none. */
export function joinWithin(items: readonly string[], sep: string, max: number): string | null {
  let out = '';
  for (const item of items) {
    const next = out ? out + sep + item : item;
    if (next.length > max) return out ? out : clip(item, max);
    out = next;
  }
  return out || null;
}

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(n * f) / f;
  return Number.isFinite(r) ? r : 0;
}

function lengthOf(output: AccountOutputKey): number {
  return ACCOUNT_FIELDS.find((f) => f.output === output)?.length ?? 255;
}
