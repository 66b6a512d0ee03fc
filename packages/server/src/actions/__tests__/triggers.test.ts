import { DEFAULT_MODEL_DOCUMENT } from '../../model/defaults';
import { parseModel } from '../../model/schema';
import { addDays } from '../../scoring/days';
import type { Rule, Trigger } from '../rules';
import {
  applyLimits,
  decisionKey,
  emptyLimits,
  fires,
  matchesOn,
  Timeline,
  weekOf,
  type Candidate,
  type DayPoint,
} from '../triggers';

const model = parseModel(DEFAULT_MODEL_DOCUMENT);
const START = '2026-11-02'; // a Monday

/** A timeline of daily scores from START; `extra` overrides fields per day index. */
function timeline(scores: number[], extra: Partial<DayPoint>[] = []): Timeline {
  return new Timeline(
    scores.map((score, i) => ({ day: addDays(START, i), score, mqa: false, missingPersonas: [], ...extra[i] })),
  );
}

/** The day indexes on which `trigger` fires, each day against the day before. */
function firingDays(trigger: Trigger, t: Timeline): number[] {
  return t.points.flatMap((p, i) => (i > 0 && fires(model, trigger, t, p.day, t.points[i - 1]!.day) ? [i] : []));
}

describe('band trigger with hysteresis (enter High at 50, leave below 45)', () => {
  const enter: Trigger = { type: 'band', band: 'High', exitBelow: 45, on: 'enter' };
  const leave: Trigger = { type: 'band', band: 'High', exitBelow: 45, on: 'leave' };

  it('enters at 50, stays at 47, leaves at 44', () => {
    const t = timeline([40, 50, 47, 44]);
    expect(t.inBand(addDays(START, 1), 50, 45)).toBe(true);
    expect(t.inBand(addDays(START, 2), 50, 45)).toBe(true);
    expect(t.inBand(addDays(START, 3), 50, 45)).toBe(false);
    expect(firingDays(enter, t)).toEqual([1]);
    expect(firingDays(leave, t)).toEqual([3]);
  });

  it('does not fire at 49, and a score at the exit threshold (45) stays in', () => {
    expect(firingDays(enter, timeline([40, 49, 48]))).toEqual([]);
    expect(firingDays(leave, timeline([40, 50, 45, 45]))).toEqual([]);
  });

  it('bouncing between 47 and 50 fires once; re-entering after leaving fires again', () => {
    expect(firingDays(enter, timeline([40, 50, 47, 50, 47, 50]))).toEqual([1]);
    expect(firingDays(enter, timeline([40, 50, 44, 47, 50]))).toEqual([1, 4]);
  });

  it('without exitBelow, leaves 5 points under the band', () => {
    const t = timeline([50, 46, 45, 44]);
    expect(firingDays({ type: 'band', band: 'High', on: 'leave' }, t)).toEqual([3]);
  });
});

describe('other triggers', () => {
  it('trend becomes Surging: when the 30-day change first reaches the surging threshold', () => {
    // 31 flat days at 20, then +25 on day 31 (Surging against day 1), staying there.
    const t = timeline([...Array(31).fill(20), 45, 46]);
    expect(firingDays({ type: 'trend', becomes: 'Surging' }, t)).toEqual([31]);
  });

  it('MQA: becomes and stops', () => {
    const t = timeline([60, 60, 60, 60], [{}, { mqa: true }, { mqa: true }, {}]);
    expect(firingDays({ type: 'mqa', on: 'becomes' }, t)).toEqual([1]);
    expect(firingDays({ type: 'mqa', on: 'stops' }, t)).toEqual([3]);
  });

  it('crosses a score up or down', () => {
    const t = timeline([59, 60, 61, 59]);
    expect(firingDays({ type: 'crosses', score: 60, direction: 'up' }, t)).toEqual([1]);
    expect(firingDays({ type: 'crosses', score: 60, direction: 'down' }, t)).toEqual([3]);
  });

  it('a required persona becomes engaged (by key or label)', () => {
    const persona = model.committee.personas.find((p) => p.required)!;
    const t = timeline([30, 30, 30], [{ missingPersonas: [persona.label] }, { missingPersonas: [persona.label] }, {}]);
    expect(firingDays({ type: 'persona', persona: persona.key }, t)).toEqual([2]);
    expect(firingDays({ type: 'persona', persona: persona.label }, t)).toEqual([2]);
  });

  it('a change of N points in 7 days fires when first reached', () => {
    // Day 7 is 15 above day 0; day 8 is still 15+ above day 1: one firing.
    const t = timeline([20, 20, 20, 20, 20, 20, 20, 35, 36]);
    expect(firingDays({ type: 'change', points: 15, days: 7, direction: 'up' }, t)).toEqual([7]);
    expect(firingDays({ type: 'change', points: 15, days: 7, direction: 'down' }, t)).toEqual([]);
  });

  it('the first time (no previous day), an account enters what it is in, and crosses nothing', () => {
    const t = timeline([60], [{ mqa: true }]);
    expect(fires(model, { type: 'band', band: 'High', on: 'enter' }, t, START, null)).toBe(true);
    expect(fires(model, { type: 'mqa', on: 'becomes' }, t, START, null)).toBe(true);
    expect(fires(model, { type: 'crosses', score: 50, direction: 'up' }, t, START, null)).toBe(false);
  });

  it('an account not scored on the day fires nothing', () => {
    const t = timeline([40, 60]);
    expect(fires(model, { type: 'crosses', score: 50, direction: 'up' }, t, addDays(START, 5), addDays(START, 4))).toBe(
      false,
    );
  });
});

describe('limits', () => {
  const rule = (id: string, cooldownDays = 7): Rule => ({
    id,
    enabled: true,
    trigger: { type: 'mqa', on: 'becomes' },
    scope: { type: 'all' },
    cooldownDays,
    destinations: [{ kind: 'salesforce-task', settings: {} }],
  });
  const cand = (r: Rule, accountId: string, day: string, recipient = 'owner-1', score = 50): Candidate => ({
    rule: r,
    accountId,
    recipients: r.destinations.map(() => recipient),
    score,
    key: decisionKey(r.id, accountId, r.trigger, day),
  });

  it('cooldown of 7 days: held on day 6, fires on day 7', () => {
    const r = rule('r');
    const state = emptyLimits();
    expect(applyLimits([cand(r, 'a', START)], [r], 5, START, state).fired).toHaveLength(1);
    const day6 = applyLimits([cand(r, 'a', addDays(START, 6))], [r], 5, addDays(START, 6), state);
    expect(day6.fired).toEqual([]);
    expect(day6.held.map((h) => h.reason)).toEqual(['cooldown']);
    expect(applyLimits([cand(r, 'a', addDays(START, 7))], [r], 5, addDays(START, 7), state).fired).toHaveLength(1);
  });

  it('the weekly cap holds back the rest, counted with its reason, and resets on Monday', () => {
    const r = rule('r');
    const state = emptyLimits();
    const day = addDays(START, 2); // Wednesday
    const all = ['a', 'b', 'c', 'd'].map((a, i) => cand(r, a, day, 'owner-1', 40 + i));
    const out = applyLimits(all, [r], 3, day, state);
    // The strongest three fire; the weakest is held, not dropped.
    expect(out.fired.map((c) => c.accountId)).toEqual(['d', 'c', 'b']);
    expect(out.held).toEqual([{ candidate: all[0], reason: 'cap' }]);
    // Another owner has a cap of their own.
    expect(applyLimits([cand(r, 'e', day, 'owner-2')], [r], 3, day, state).fired).toHaveLength(1);
    // Later the same week: still capped; next Monday: fires.
    const sunday = addDays(START, 6);
    expect(applyLimits([cand(r, 'e2', sunday)], [r], 3, sunday, state).held[0]!.reason).toBe('cap');
    const monday = addDays(START, 7);
    expect(weekOf(monday)).toBe(monday);
    expect(applyLimits([cand(r, 'e2', monday)], [r], 3, monday, state).fired).toHaveLength(1);
  });

  it("counts the cap per destination's recipient: the channel's own week, the owner's Task held alone", () => {
    const r: Rule = {
      ...rule('r', 0),
      destinations: [
        { kind: 'salesforce-task', settings: {} },
        { kind: 'slack', settings: {} },
      ],
    };
    const state = emptyLimits();
    const day = addDays(START, 1);
    const to = (accountId: string, owner: string, score: number): Candidate => ({
      ...cand(r, accountId, day, owner, score),
      recipients: [owner, 'slack-channel:alerts'],
    });
    // Three accounts of three owners: each owner gets one, the channel gets three: at a cap of 2 the
    // channel's third message is held while that owner's Task still fires.
    const out = applyLimits([to('a', 'o1', 90), to('b', 'o2', 80), to('c', 'o3', 70)], [r], 2, day, state);
    expect(out.fired.map((c) => c.accountId)).toEqual(['a', 'b', 'c']);
    expect(out.decisions.map((d) => [d.candidate.accountId, d.held])).toEqual([
      ['a', [null, null]],
      ['b', [null, null]],
      ['c', [null, 'cap']],
    ]);
    expect(out.cappedDeliveries).toBe(1);
    expect(state.weekCounts.get(`slack-channel:alerts|${weekOf(day)}`)).toBe(2);
    expect(state.weekCounts.get(`o3|${weekOf(day)}`)).toBe(1);
    // Owner o1 at the cap too: both destinations over it, the whole decision is held.
    state.weekCounts.set(`o1|${weekOf(day)}`, 2);
    const next = applyLimits([to('d', 'o1', 60)], [r], 2, day, state);
    expect(next.held).toEqual([{ candidate: expect.objectContaining({ accountId: 'd' }), reason: 'cap' }]);
    expect(next.cappedDeliveries).toBe(2);
  });

  it('a decision whose two destinations reach the same person counts once for them', () => {
    const r: Rule = {
      ...rule('r', 0),
      destinations: [
        { kind: 'salesforce-task', settings: {} },
        { kind: 'slack', settings: {} },
      ],
    };
    const state = emptyLimits();
    applyLimits([cand(r, 'a', START, 'o1')], [r], 5, START, state);
    expect(state.weekCounts.get(`o1|${weekOf(START)}`)).toBe(1);
  });

  it('takes rules in document order when the cap is short', () => {
    const first = rule('first');
    const second = rule('second');
    const out = applyLimits(
      [cand(second, 'a', START, 'o', 90), cand(first, 'b', START, 'o', 10)],
      [first, second],
      1,
      START,
      emptyLimits(),
    );
    expect(out.fired.map((c) => c.rule.id)).toEqual(['first']);
    expect(out.held.map((h) => h.candidate.rule.id)).toEqual(['second']);
  });

  it('weeks start on Monday (UTC)', () => {
    expect(weekOf('2026-11-08')).toBe('2026-11-02'); // Sunday
    expect(weekOf('2026-11-02')).toBe('2026-11-02');
    expect(weekOf('2026-11-03')).toBe('2026-11-02');
  });
});

describe('triggers as states (what a map-list rule holds each day)', () => {
  const matchingDays = (trigger: Trigger, t: Timeline) =>
    t.points.flatMap((p, i) => (matchesOn(model, trigger, t, p.day) ? [i] : []));

  it('in the band with hysteresis 50/45: in at 50, still in at 47, out at 44; leave is the complement', () => {
    const t = timeline([40, 50, 47, 44, 48]);
    expect(matchingDays({ type: 'band', band: 'High', exitBelow: 45, on: 'enter' }, t)).toEqual([1, 2]);
    expect(matchingDays({ type: 'band', band: 'High', exitBelow: 45, on: 'leave' }, t)).toEqual([0, 3, 4]);
  });

  it('crosses as at-or-above / under, MQA as the flag, change over the window', () => {
    const t = timeline([59, 60, 61, 40], [{}, { mqa: true }, { mqa: true }, {}]);
    expect(matchingDays({ type: 'crosses', score: 60, direction: 'up' }, t)).toEqual([1, 2]);
    expect(matchingDays({ type: 'crosses', score: 60, direction: 'down' }, t)).toEqual([0, 3]);
    expect(matchingDays({ type: 'mqa', on: 'becomes' }, t)).toEqual([1, 2]);
    expect(matchingDays({ type: 'mqa', on: 'stops' }, t)).toEqual([0, 3]);
    expect(matchingDays({ type: 'change', points: 15, days: 2, direction: 'down' }, t)).toEqual([3]);
  });
});
