import { DEFAULT_MODEL } from '../../model/defaults';
import { committeeCoverage, personaOf } from '../committee';

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
