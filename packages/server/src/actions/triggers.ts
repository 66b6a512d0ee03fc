/**
 * Triggers as pure functions over an account's daily timeline (rounded score, MQA flag, missing
 * required personas per day), and the limits that hold actions back: the cooldown per rule and
 * account and the cap per recipient per week. The daily decision and the replay both use these, so
 * the replay counts what the daily run would have done.
 */
import type { Model } from '../model/schema';
import { bandOf } from '../scoring/band';
import { addDays } from '../scoring/days';
import { trendOf, type Trend } from '../scoring/trend';
import type { Rule, Trigger } from './rules';

/** One day of an account as triggers read it. */
export interface DayPoint {
  day: string;
  /** The rounded score, as shown. */
  score: number;
  mqa: boolean;
  /** Labels of the required committee personas nobody engages. */
  missingPersonas: readonly string[];
}

/** An account's days, oldest first, with the lookups triggers need (band states are cached). */
export class Timeline {
  private readonly index = new Map<string, number>();
  private readonly bandStates = new Map<string, boolean[]>();

  constructor(readonly points: readonly DayPoint[]) {
    points.forEach((p, i) => this.index.set(p.day, i));
  }

  /** The point of `day`, if the account was scored that day. */
  at(day: string): DayPoint | undefined {
    const i = this.index.get(day);
    return i === undefined ? undefined : this.points[i];
  }

  /**
   * Whether the account is in the band on `day`, with hysteresis: it enters when its score reaches
   * `enter` and stays in until its score falls below `exit` (enter 50, exit 45: in at 50, still in
   * at 47, out at 44). The first stored day starts from its own score.
   */
  inBand(day: string, enter: number, exit: number): boolean {
    const k = `${enter}/${exit}`;
    let states = this.bandStates.get(k);
    if (!states) {
      states = [];
      let inside = false;
      for (const p of this.points) {
        inside = inside ? p.score >= exit : p.score >= enter;
        states.push(inside);
      }
      this.bandStates.set(k, states);
    }
    const i = this.index.get(day);
    return i === undefined ? false : states[i]!;
  }
}

/** The trend of `day`: its score against the score `model.trend.days` earlier (New when there is none). */
export function trendOn(model: Model, t: Timeline, day: string): Trend | null {
  const today = t.at(day);
  const past = t.at(addDays(day, -model.trend.days));
  return trendOf(model, today?.score ?? null, past?.score ?? null)?.trend ?? null;
}

/** The score threshold a band starts at, in the model. */
export function bandThreshold(model: Model, band: 'Low' | 'Medium' | 'High' | 'Very High'): number {
  return band === 'Very High'
    ? model.bands.veryHigh
    : band === 'High'
      ? model.bands.high
      : band === 'Medium'
        ? model.bands.medium
        : 0;
}

/** A band trigger's exit threshold: `exitBelow`, else 5 points under the enter threshold. */
export function exitThreshold(model: Model, trigger: Extract<Trigger, { type: 'band' }>): number {
  const enter = bandThreshold(model, trigger.band);
  return Math.min(enter, trigger.exitBelow ?? Math.max(0, enter - 5));
}

/** The persona label `missingPersonas` uses for a trigger's persona (given by key or label). */
function personaLabel(model: Model, persona: string): string {
  return model.committee.personas.find((p) => p.key === persona || p.label === persona)?.label ?? persona;
}

/**
 * Whether `trigger` fires on `day` against `previous` (the last day the rules were evaluated; the day
 * before, on a daily schedule; null the first time). An account not scored on `day` fires nothing; one
 * not scored on `previous`, or with no previous day, is compared with nothing: out of every band, not
 * an MQA, no trend (so it enters what it is in), and with no score to cross from.
 */
export function fires(model: Model, trigger: Trigger, t: Timeline, day: string, previous: string | null): boolean {
  const now = t.at(day);
  if (!now) return false;
  const before = previous === null ? undefined : t.at(previous);
  switch (trigger.type) {
    case 'band': {
      const enter = bandThreshold(model, trigger.band);
      const exit = exitThreshold(model, trigger);
      const was = before ? t.inBand(before.day, enter, exit) : false;
      const is = t.inBand(day, enter, exit);
      return trigger.on === 'enter' ? is && !was : was && !is;
    }
    case 'trend':
      return (
        trendOn(model, t, day) === trigger.becomes &&
        (before ? trendOn(model, t, before.day) : null) !== trigger.becomes
      );
    case 'mqa':
      return trigger.on === 'becomes' ? now.mqa && !before?.mqa : !now.mqa && before?.mqa === true;
    case 'crosses':
      if (!before) return false;
      return trigger.direction === 'up'
        ? before.score < trigger.score && now.score >= trigger.score
        : before.score >= trigger.score && now.score < trigger.score;
    case 'persona': {
      const label = personaLabel(model, trigger.persona);
      return before !== undefined && before.missingPersonas.includes(label) && !now.missingPersonas.includes(label);
    }
    case 'change': {
      const moved = (d: string): boolean => {
        const a = t.at(d);
        const b = t.at(addDays(d, -trigger.days));
        if (!a || !b) return false;
        const delta = a.score - b.score;
        return trigger.direction === 'up'
          ? delta >= trigger.points
          : trigger.direction === 'down'
            ? -delta >= trigger.points
            : Math.abs(delta) >= trigger.points;
      };
      return moved(day) && !(before && moved(before.day));
    }
  }
}

/**
 * Whether an account matches `trigger` on `day` as a state, not a change: what a set-based
 * destination (a MAP list) holds. In the band (with hysteresis) or out of it for `leave`; the trend
 * is the one named; an MQA or not one for `stops`; the score at or above the number (`up`) or under it
 * (`down`); the persona engaged; the score moved by the points over the days.
 */
export function matchesOn(model: Model, trigger: Trigger, t: Timeline, day: string): boolean {
  const now = t.at(day);
  if (!now) return false;
  switch (trigger.type) {
    case 'band': {
      const is = t.inBand(day, bandThreshold(model, trigger.band), exitThreshold(model, trigger));
      return trigger.on === 'enter' ? is : !is;
    }
    case 'trend':
      return trendOn(model, t, day) === trigger.becomes;
    case 'mqa':
      return trigger.on === 'becomes' ? now.mqa : !now.mqa;
    case 'crosses':
      return trigger.direction === 'up' ? now.score >= trigger.score : now.score < trigger.score;
    case 'persona':
      return !now.missingPersonas.includes(personaLabel(model, trigger.persona));
    case 'change': {
      const b = t.at(addDays(day, -trigger.days));
      if (!b) return false;
      const delta = now.score - b.score;
      return trigger.direction === 'up'
        ? delta >= trigger.points
        : trigger.direction === 'down'
          ? -delta >= trigger.points
          : Math.abs(delta) >= trigger.points;
    }
  }
}

/** The stable part of the idempotency key that names the trigger: `band:High:enter`, `trend:Surging`. */
export function triggerKey(trigger: Trigger): string {
  switch (trigger.type) {
    case 'band':
      return `band:${trigger.band}:${trigger.on}`;
    case 'trend':
      return `trend:${trigger.becomes}`;
    case 'mqa':
      return `mqa:${trigger.on}`;
    case 'crosses':
      return `crosses:${trigger.score}:${trigger.direction}`;
    case 'persona':
      return `persona:${trigger.persona}`;
    case 'change':
      return `change:${trigger.direction}:${trigger.points}:${trigger.days}d`;
  }
}

/** What fired, in words a person reads: "entered High", "became Surging", "became an MQA". */
export function triggerLabel(model: Model, trigger: Trigger): string {
  switch (trigger.type) {
    case 'band':
      return trigger.on === 'enter' ? `entered ${trigger.band}` : `left ${trigger.band}`;
    case 'trend':
      return `became ${trigger.becomes}`;
    case 'mqa':
      return trigger.on === 'becomes' ? 'became an MQA' : 'stopped being an MQA';
    case 'crosses':
      return `crossed ${trigger.score} ${trigger.direction === 'up' ? 'upwards' : 'downwards'}`;
    case 'persona':
      return `engaged a ${personaLabel(model, trigger.persona)}`;
    case 'change': {
      const how = trigger.direction === 'up' ? 'rose' : trigger.direction === 'down' ? 'fell' : 'moved';
      return `${how} ${trigger.points}+ points in ${trigger.days} days`;
    }
  }
}

/** The band of a rounded score, for messages. */
export const bandName = (model: Model, score: number): string => bandOf(model, score);

/** The idempotency key of one decision: rule, account, trigger, day. */
export function decisionKey(ruleId: string, accountId: string, trigger: Trigger, day: string): string {
  return `${ruleId}|${accountId}|${triggerKey(trigger)}|${day}`;
}

/** The Monday (UTC) of the week `day` is in: the cap counts per recipient per such week. */
export function weekOf(day: string): string {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((dow + 6) % 7));
}

/** Whole days from `a` to `b` (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** A rule that fired for an account on a day, before the limits. */
export interface Candidate {
  rule: Rule;
  accountId: string;
  /**
   * Who each destination's delivery is for, by destination index: the owner for a Task or a direct
   * message, the channel for a channel message, the URL for a webhook. The cap counts per recipient.
   */
  recipients: readonly string[];
  score: number;
  key: string;
}

/** What the limits remember: the last day each rule fired for each account, and each recipient's week. */
export interface LimitState {
  /** `${ruleId}|${accountId}` → the last day it fired (not held). */
  lastFired: Map<string, string>;
  /** `${recipient}|${monday}` → actions fired that week (a decision counts once per recipient). */
  weekCounts: Map<string, number>;
}

/** An empty limit state. */
export const emptyLimits = (): LimitState => ({ lastFired: new Map(), weekCounts: new Map() });

/** Why an action was held back. */
export type HeldReason = 'cooldown' | 'cap';

/** One candidate after the limits: per destination, null when it fires, else why it is held back. */
export interface Decision {
  candidate: Candidate;
  held: (HeldReason | null)[];
}

/** One day's candidates after the limits: what fires, and what is held back (and why). */
export interface Limited {
  /** Candidates with at least one destination that fires. */
  fired: Candidate[];
  /** Candidates held back on every destination: in cooldown, or every recipient over the cap. */
  held: { candidate: Candidate; reason: HeldReason }[];
  /** Every candidate with each destination's outcome (a channel over its cap holds only its own delivery). */
  decisions: Decision[];
  /** Deliveries held over the cap, also those of a candidate that fired elsewhere. */
  cappedDeliveries: number;
}

/**
 * Applies the cooldown (a rule that fired for an account on day d stays quiet for it until
 * d + cooldownDays: with 7, day 6 is held and day 7 fires) and the cap (at most `cap` fired actions
 * per recipient per week; each destination has its own recipient, and a decision counts once for a
 * recipient two of its destinations reach), updating `state`. Candidates are taken in rule order,
 * then by score (highest first), then account id, so the cap keeps the first rules' strongest accounts.
 */
export function applyLimits(
  candidates: readonly Candidate[],
  rules: readonly Rule[],
  cap: number,
  day: string,
  state: LimitState,
): Limited {
  const order = new Map(rules.map((r, i) => [r.id, i]));
  const sorted = [...candidates].sort(
    (a, b) =>
      order.get(a.rule.id)! - order.get(b.rule.id)! ||
      b.score - a.score ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
  const out: Limited = { fired: [], held: [], decisions: [], cappedDeliveries: 0 };
  const week = weekOf(day);
  for (const c of sorted) {
    const last = state.lastFired.get(`${c.rule.id}|${c.accountId}`);
    if (last !== undefined && daysBetween(last, day) < c.rule.cooldownDays) {
      out.held.push({ candidate: c, reason: 'cooldown' });
      out.decisions.push({ candidate: c, held: c.recipients.map(() => 'cooldown') });
      continue;
    }
    const under = new Map<string, boolean>();
    for (const who of new Set(c.recipients)) under.set(who, (state.weekCounts.get(`${who}|${week}`) ?? 0) < cap);
    const held = c.recipients.map((who) => (under.get(who) ? null : ('cap' as const)));
    out.cappedDeliveries += held.filter((h) => h === 'cap').length;
    out.decisions.push({ candidate: c, held });
    if (held.every((h) => h !== null)) {
      out.held.push({ candidate: c, reason: 'cap' });
      continue;
    }
    for (const [who, ok] of under) {
      if (ok) state.weekCounts.set(`${who}|${week}`, (state.weekCounts.get(`${who}|${week}`) ?? 0) + 1);
    }
    state.lastFired.set(`${c.rule.id}|${c.accountId}`, day);
    out.fired.push(c);
  }
  return out;
}
