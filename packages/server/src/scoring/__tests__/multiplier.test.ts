import { parseModel } from '../../model/schema';
import { multiplier } from '../multiplier';
import type { ScoringPerson } from '../committee';

const model = parseModel({
  version: 't',
  kpis: [{ key: 'm', label: 'M', weight: 100, activities: { meeting: 1 } }],
  multipliers: [
    { when: { seniority: ['vp', 'cxo'], department: ['it'] }, factor: 1.2 },
    { when: { seniority: ['manager', 'individual'] }, factor: 0.5 },
    { when: { titleMatches: 'student|intern' }, factor: 0, label: 'students' },
    { when: { persona: ['cfo'] }, factor: 2 },
    { when: { accountIndustry: ['Software'], accountMinEmployees: 100, accountMaxEmployees: 1000 }, factor: 1.5 },
  ],
  committee: { personas: [{ key: 'cfo', label: 'CFO', when: { department: ['finance'], seniority: ['cxo'] } }] },
});

const person = (seniority: string, department: string, title: string | null = null): ScoringPerson => ({
  seniority,
  department,
  title,
});
const noAccount = { industry: null, employees: null };
const saas = { industry: 'software', employees: 500 };

describe('multiplier', () => {
  it.each<[string, ScoringPerson | null, { industry: string | null; employees: number | null }, number, number[]]>([
    ['VP of IT', person('vp', 'it'), noAccount, 1.2, [0]],
    ['VP of sales matches nothing', person('vp', 'sales'), noAccount, 1, []],
    ['manager', person('manager', 'marketing'), noAccount, 0.5, [1]],
    ['intern individual: product with 0', person('individual', 'it', 'IT Intern'), noAccount, 0, [1, 2]],
    ['CFO persona', person('cxo', 'finance'), noAccount, 2, [3]],
    ['account rule with no person', null, saas, 1.5, [4]],
    ['account and person rules multiply', person('cxo', 'it'), saas, 1.8, [0, 4]],
    ['industry is case-insensitive but employees bound', null, { industry: 'SOFTWARE', employees: 1001 }, 1, []],
    ['unknown employees match no bound', null, { industry: 'software', employees: null }, 1, []],
    ['company-level event gets no person rule', null, noAccount, 1, []],
  ])('%s', (_name, p, account, factor, rules) => {
    const m = multiplier(model, p, account);
    expect(m.factor).toBeCloseTo(factor, 12);
    expect(m.applied.map((a) => a.index)).toEqual(rules);
  });

  it('labels rules by their label or their conditions', () => {
    const m = multiplier(model, person('individual', 'it', 'intern'), noAccount);
    expect(m.applied.map((a) => a.label)).toEqual(['seniority=manager|individual', 'students']);
  });

  it('uses a persona given on the person over the derived one', () => {
    expect(multiplier(model, { ...person('individual', 'sales'), persona: 'cfo' }, noAccount).factor).toBe(1);
    expect(multiplier(model, { ...person('cxo', 'finance'), persona: null }, noAccount).factor).toBe(1);
  });
});
