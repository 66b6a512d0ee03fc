import { normalizeTitle, personAttributes, departmentOf, expandTitle } from '../title';
import { TITLES } from './titles.table';

describe('normalizeTitle on real-world titles', () => {
  it('has a table of at least 200 titles', () => {
    expect(TITLES.length).toBeGreaterThanOrEqual(200);
  });

  it.each(TITLES)('%j → %s / %s', (title, seniority, department) => {
    expect(normalizeTitle(title)).toEqual({ seniority, department });
  });

  it('treats null and undefined as unknown', () => {
    expect(normalizeTitle(null)).toEqual({ seniority: 'unknown', department: 'unknown' });
    expect(normalizeTitle(undefined)).toEqual({ seniority: 'unknown', department: 'unknown' });
  });
});

describe('expandTitle', () => {
  it('spells out abbreviations as whole words only', () => {
    expect(expandTitle('Sr. VP, Mktg')).toBe('senior vice president marketing');
    expect(expandTitle('Digital Marketing')).toBe('digital marketing');
    expect(expandTitle('FP&A Mgr.')).toBe('financial planning and analysis manager');
  });
});

describe('personAttributes', () => {
  it('lets a recognizable explicit department win over the title', () => {
    expect(personAttributes('VP Marketing', 'Information Technology')).toEqual({ seniority: 'vp', department: 'it' });
    expect(personAttributes('Director', 'Finance & Accounting')).toEqual({
      seniority: 'director',
      department: 'finance',
    });
    expect(personAttributes('Analyst', 'InfoSec')).toEqual({ seniority: 'individual', department: 'security' });
  });

  it('keeps the title department when the explicit one is blank or unrecognizable', () => {
    expect(personAttributes('VP Marketing', '')).toEqual({ seniority: 'vp', department: 'marketing' });
    expect(personAttributes('VP Marketing', null)).toEqual({ seniority: 'vp', department: 'marketing' });
    expect(personAttributes('VP Marketing', 'Team Blue')).toEqual({ seniority: 'vp', department: 'marketing' });
    expect(personAttributes('n/a', 'Team Blue')).toEqual({ seniority: 'unknown', department: 'other' });
  });
});

describe('departmentOf free text', () => {
  it.each([
    ['Information Technology', 'it'],
    ['IT', 'it'],
    ['Human Resources', 'hr'],
    ['R&D', 'engineering'],
    ['Sales & Marketing', 'sales'],
    ['Legal', 'legal'],
    ['Customer Success', 'customer_success'],
    ['', 'unknown'],
  ])('%j → %s', (text, dept) => {
    expect(departmentOf(text)).toBe(dept);
  });
});
