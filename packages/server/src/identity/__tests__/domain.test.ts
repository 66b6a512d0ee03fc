import {
  companyNameSimilarity,
  domainOfEmail,
  isPersonalDomain,
  matchAccountByDomain,
  normalizeDomain,
  type AccountCandidate,
} from '../domain';

describe('normalizeDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['ACME.COM', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['https://www.acme.com/', 'acme.com'],
    ['http://acme.com:8080/pricing?x=1#top', 'acme.com'],
    ['https://user:pw@shop.acme.com/path', 'acme.com'],
    ['eu.shop.acme.com', 'acme.com'],
    ['acme.co.uk', 'acme.co.uk'],
    ['https://www.acme.co.uk/about', 'acme.co.uk'],
    ['mail.acme.com.au', 'acme.com.au'],
    ['acme.io.', 'acme.io'],
    ['acme.de', 'acme.de'],
    ['', null],
    ['not a domain', null],
    ['localhost', null],
    [null, null],
  ])('%j → %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});

describe('domainOfEmail', () => {
  it.each([
    ['Jane.Doe@Acme.COM', 'acme.com'],
    ['ops@eu.acme.com', 'eu.acme.com'],
    [' bob@acme.co.uk ', 'acme.co.uk'],
    ['no-at-sign', null],
    ['a@b@c.com', null],
    ['x@nodot', null],
    ['', null],
  ])('%j → %j', (email, expected) => {
    expect(domainOfEmail(email)).toBe(expected);
  });
});

describe('isPersonalDomain', () => {
  it('knows free-mail providers, by email or domain', () => {
    expect(isPersonalDomain('someone@gmail.com')).toBe(true);
    expect(isPersonalDomain('proton.me')).toBe(true);
    expect(isPersonalDomain('x@GMX.de')).toBe(true);
    expect(isPersonalDomain('someone@acme.com')).toBe(false);
  });
});

describe('companyNameSimilarity', () => {
  it('ignores legal suffixes and case', () => {
    expect(companyNameSimilarity('Acme, Inc.', 'ACME')).toBe(1);
    expect(companyNameSimilarity('Acme Europe GmbH', 'Acme')).toBe(0.5);
    expect(companyNameSimilarity('Globex', 'Acme')).toBe(0);
  });
});

describe('matchAccountByDomain', () => {
  const acme: AccountCandidate = { accountId: 'A1', name: 'Acme Inc', domain: 'acme.com', contactCount: 3 };
  const acmeEu: AccountCandidate = {
    accountId: 'A2',
    name: 'Acme Europe',
    domain: 'https://www.acme.com',
    contactCount: 3,
  };
  const acmeSmall: AccountCandidate = { accountId: 'A3', name: 'Acme Labs', domain: 'acme.com', contactCount: 1 };
  const globex: AccountCandidate = { accountId: 'G1', name: 'Globex', domain: 'globex.co.uk', contactCount: 0 };
  const shop: AccountCandidate = { accountId: 'S1', name: 'Acme Shop', domain: 'shop.acme.com', contactCount: 0 };

  it('matches an exact domain with high confidence', () => {
    expect(matchAccountByDomain([acme, globex], 'jane@acme.com')).toEqual({
      accountId: 'A1',
      method: 'email_domain',
      confidence: 0.95,
    });
    expect(matchAccountByDomain([acme, globex], 'bob@globex.co.uk')?.accountId).toBe('G1');
  });

  it('matches an email subdomain to the parent domain', () => {
    expect(matchAccountByDomain([acme, globex], 'jane@eu.acme.com')).toEqual({
      accountId: 'A1',
      method: 'email_subdomain',
      confidence: 0.85,
    });
  });

  it('prefers an exact host over the registrable domain', () => {
    expect(matchAccountByDomain([acme, shop], 'x@shop.acme.com')?.accountId).toBe('S1');
  });

  it('picks the account with most contacts when several share the domain', () => {
    expect(matchAccountByDomain([acmeSmall, acme], 'x@acme.com')).toEqual({
      accountId: 'A1',
      method: 'email_domain',
      confidence: 0.7,
    });
  });

  it('breaks a contact-count tie by company-name similarity, then by id', () => {
    expect(matchAccountByDomain([acme, acmeEu], 'x@acme.com', 'Acme Europe GmbH')?.accountId).toBe('A2');
    expect(matchAccountByDomain([acmeEu, acme], 'x@acme.com')?.accountId).toBe('A1');
  });

  it('never matches personal or unparseable addresses, or unknown domains', () => {
    const gmailAccount: AccountCandidate = { accountId: 'X', name: 'Google', domain: 'gmail.com', contactCount: 9 };
    expect(matchAccountByDomain([gmailAccount], 'someone@gmail.com')).toBeNull();
    expect(matchAccountByDomain([acme], 'not-an-email')).toBeNull();
    expect(matchAccountByDomain([acme], null)).toBeNull();
    expect(matchAccountByDomain([acme], 'x@initech.com')).toBeNull();
  });
});
