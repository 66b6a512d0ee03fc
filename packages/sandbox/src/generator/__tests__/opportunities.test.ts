/** How the generated org's deals follow engagement (deriveOpportunities): seeded, by buying signal, never a copy of Pulse's score. */
import { DEAL_SIGNAL, deriveOpportunities, type Person, type Plan, type PlanKind } from '../account';
import { buildContext } from '../context';
import { Rng, mixSeed } from '../random';
import { DAY_MS, NOW } from './support';

const ctx = buildContext(7, 100, 180, NOW);

const person = (seniority: Person['seniority']): Person => ({
  id: 'p',
  object: 'Contact',
  firstName: 'A',
  lastName: 'B',
  email: 'a.b@x.example',
  domain: 'x.example',
  title: 'Manager',
  department: 'marketing',
  seniority,
  createdMs: ctx.startMs,
  propensity: 1,
});

/** `perWeek` activities of `kind` every week of the org's history, by one person. */
function steady(kind: PlanKind, perWeek: number, who = person('manager')): Plan[] {
  const plans: Plan[] = [];
  for (let t = ctx.startMs; t < ctx.nowMs; t += DAY_MS * (7 / perWeek)) plans.push({ kind, person: who, t });
  return plans;
}

/** Deals opened over many seeded accounts with the same plans. */
function deals(plans: Plan[], accounts = 400): number {
  let n = 0;
  for (let i = 0; i < accounts; i++) n += deriveOpportunities(new Rng(mixSeed(99, i)), ctx, plans, 'Acme', 500).length;
  return n;
}

test('the same stream and plans give the same deals', () => {
  const plans = steady('meeting', 1);
  const a = deriveOpportunities(new Rng(5), ctx, plans, 'Acme', 500);
  expect(deriveOpportunities(new Rng(5), ctx, plans, 'Acme', 500)).toEqual(a);
});

test('a sustained buying journey opens deals far more often than a few touches', () => {
  const journey = deals(steady('meeting', 1));
  const touches = deals(steady('meeting', 0.1));
  expect(journey).toBeGreaterThan(5 * touches);
  expect(touches).toBeGreaterThan(0); // deals from nowhere still happen
});

test('two-way contact weighs more than passive opens, and outbound effort alone makes no journey', () => {
  expect(DEAL_SIGNAL.meeting).toBeGreaterThan(DEAL_SIGNAL.email_open);
  expect(deals(steady('meeting', 2))).toBeGreaterThan(3 * deals(steady('email_open', 2)));
  for (const kind of ['email_sent', 'call_unanswered', 'campaign_sent'] as const) expect(DEAL_SIGNAL[kind]).toBe(0);
  // Only the 2% "from nowhere" deals remain for an account whose reps only send.
  expect(deals(steady('email_sent', 5))).toBeLessThan(0.05 * 400);
});

test('an executive in the conversation makes deals likelier', () => {
  expect(deals(steady('call', 1, person('cxo')))).toBeGreaterThan(deals(steady('call', 1, person('manager'))));
});

test('deals open after the window, never in the future, and never while another is open', () => {
  for (let i = 0; i < 200; i++) {
    const opps = deriveOpportunities(new Rng(mixSeed(3, i)), ctx, steady('meeting', 3), 'Acme', 500);
    for (const [n, o] of opps.entries()) {
      expect(o.createdMs).toBeLessThanOrEqual(ctx.nowMs);
      expect(o.createdMs).toBeGreaterThan(ctx.startMs + 28 * DAY_MS);
      const before = opps[n - 1];
      if (before) expect(before.closeMs).toBeLessThanOrEqual(o.createdMs);
    }
  }
});
