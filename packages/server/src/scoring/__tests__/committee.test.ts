import { DEFAULT_MODEL } from '../../model/defaults';
import { committeeCoverage, personaOf } from '../committee';
import { finishDense, finishPlan, newDenseFinish } from '../finish';

describe('personaOf (default CM Inc. committee)', () => {
  it.each([
    ['cxo', 'marketing', 'CMO', 'marketing_exec'],
    ['vp', 'marketing', 'VP Marketing', 'marketing_exec'],
    ['manager', 'marketing', 'Marketing Operations Manager', 'marketing_ops'],
    ['manager', 'operations', 'RevOps Manager', 'marketing_ops'],
    ['individual', 'marketing', 'Marketing Analyst', 'marketing_analyst'],
    ['cxo', 'security', 'CISO', 'security_approver'],
    ['cxo', 'finance', 'CFO', 'finance_approver'],
    ['director', 'it', 'Director of Business Systems', 'business_systems_approver'],
    ['individual', 'sales', 'Account Executive', null],
    ['unknown', 'unknown', null, null],
  ])('%s %s "%s" → %s', (seniority, department, title, key) => {
    expect(personaOf(DEFAULT_MODEL, { seniority, department, title })?.key ?? null).toBe(key);
  });
});

describe('committeeCoverage', () => {
  it('counts engaged people and required personas covered', () => {
    const r = committeeCoverage(DEFAULT_MODEL, [
      { points: 3, persona: 'marketing_exec' },
      { points: 1, persona: null }, // engaged at exactly the threshold
      { points: 0.99, persona: 'marketing_ops' }, // not engaged
      { points: 5, persona: 'finance_approver' }, // not required
    ]);
    expect(r).toEqual({
      peopleEngaged: 3,
      coveragePct: 100 / 3,
      missingPersonas: ['Marketing operations', 'Marketing analyst'],
    });
  });

  it('is 100% when no persona is required', () => {
    const model = { ...DEFAULT_MODEL, committee: { engagedPoints: 0, personas: [] } };
    expect(committeeCoverage(model, [{ points: 0, persona: null }])).toEqual({
      peopleEngaged: 0,
      coveragePct: 100,
      missingPersonas: [],
    });
  });
});

describe('finishDense counts the committee as committeeCoverage does', () => {
  const people = (keys: (string | null)[]) =>
    keys.map((persona, i) => ({ points: i % 4 === 3 ? 0.5 : 2 + i, persona }));
  const dense = (model: typeof DEFAULT_MODEL, members: { points: number; persona: string | null }[]) => {
    const plan = finishPlan(model, { web_visits: 10, emails: 10 });
    const out = newDenseFinish(plan);
    const points = new Float64Array(model.kpis.length).fill(1);
    const counted = finishDense(
      plan,
      { accountId: 'a', points, counts: points, people: members, lastActivity: null },
      out,
    );
    expect(counted).toBe(true);
    return {
      peopleEngaged: out.peopleEngaged,
      coveragePct: out.coveragePct,
      missingPersonas: [...out.missingPersonas],
    };
  };

  it('with the default committee (bits)', () => {
    const members = people(['marketing_exec', null, 'finance_approver', 'marketing_ops', 'marketing_analyst']);
    expect(dense(DEFAULT_MODEL, members)).toEqual(committeeCoverage(DEFAULT_MODEL, members));
  });

  it('with more than 30 required personas (a list)', () => {
    const personas = Array.from({ length: 33 }, (_, i) => ({
      key: `p${i}`,
      label: `Persona ${i}`,
      required: i !== 5,
      when: { titleMatches: `^Title ${i}$` },
    }));
    const model = { ...DEFAULT_MODEL, committee: { engagedPoints: 1, personas } };
    const members = people(['p0', 'p5', 'p31', 'p32', 'p7', null, 'p30']);
    const want = committeeCoverage(model, members);
    expect(want.missingPersonas).toHaveLength(32 - 4);
    expect(dense(model, members)).toEqual(want);
  });
});
