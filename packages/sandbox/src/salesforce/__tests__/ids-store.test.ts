import { SOBJECTS } from '../../generator/types';
import { idChecksum, isValidId, makeId, normalizeId, toId15, toId18, IdMinter } from '../ids';
import { OrgStore, formatDateTime, parseDateTime } from '../store';
import { Schema, STANDARD_OBJECTS } from '../schema';

describe('ids (https://help.salesforce.com/s/articleView?id=000385203)', () => {
  it.each([
    ['001D000000IRFma', '001D000000IRFmaIAH'],
    ['003RO0000035WQg', '003RO0000035WQgYAM'],
    ['001RM000003oCpr', '001RM000003oCprYAE'],
    ['750R0000000zxr8', '750R0000000zxr8IAA'],
    ['00558000001N0Ke', '00558000001N0KeAAK'],
  ])('15-char %s → 18-char %s', (id15, id18) => {
    expect(toId18(id15)).toBe(id18);
    expect(toId15(id18)).toBe(id15);
    expect(idChecksum(id15)).toBe(id18.slice(15));
  });

  it('accepts both forms and rejects a bad checksum', () => {
    expect(isValidId('001D000000IRFmaIAH')).toBe(true);
    expect(isValidId('001D000000IRFmaiah')).toBe(true);
    expect(isValidId('001D000000IRFmaAAA')).toBe(false);
    expect(normalizeId('001D000000IRFma')).toBe('001D000000IRFmaIAH');
    expect(normalizeId('nope')).toBeNull();
  });

  it('mints distinct valid ids with the object prefix', () => {
    const m = new IdMinter();
    const a = m.next('Account');
    const b = m.next('Account');
    expect(a).not.toBe(b);
    expect(a.slice(0, 3)).toBe('001');
    expect(isValidId(a)).toBe(true);
    expect(m.next('CampaignMember').slice(0, 3)).toBe('00v');
    expect(makeId('00Q', 61)).toMatch(/^00Q5g000000000z/);
  });
});

describe('OrgStore', () => {
  let t = Date.parse('2026-11-24T10:00:00Z');
  const store = new OrgStore({ now: () => new Date(t) });

  it('maintains system fields and the recycle bin', () => {
    const acc = store.insert('account', { Name: 'Acme' });
    expect(acc.CreatedDate).toBe('2026-11-24T10:00:00.000+0000');
    t += 60_000;
    store.update('Account', acc.Id.slice(0, 15), { Name: 'Acme Inc' });
    expect(store.get('Account', acc.Id)?.SystemModstamp).toBe('2026-11-24T10:01:00.000+0000');
    expect(store.get('Account', acc.Id)?.CreatedDate).toBe('2026-11-24T10:00:00.000+0000');
    expect(store.delete('Account', acc.Id)).toBe(true);
    expect(store.get('Account', acc.Id)).toBeUndefined();
    expect(store.get('Account', acc.Id, { includeDeleted: true })?.IsDeleted).toBe(true);
    expect([...store.all('Account')]).toHaveLength(0);
    expect(store.count('Account', { includeDeleted: true })).toBe(1);
  });

  it('derives Task.AccountId from the Who contact and Name from first/last', () => {
    const acc = store.insert('Account', { Name: 'Globex' });
    const c = store.insert('Contact', { AccountId: acc.Id, FirstName: 'Ada', LastName: 'Byron' });
    expect(c.Name).toBe('Ada Byron');
    const task = store.insert('Task', { WhoId: c.Id, Subject: 'Call', Status: 'Completed' });
    expect(task.AccountId).toBe(acc.Id);
    expect(task.IsClosed).toBe(true);
    expect(store.getAny(c.Id)?.object).toBe('Contact');
  });

  it('counts API calls per UTC day', () => {
    store.countApiCall();
    store.countApiCall(2);
    expect(store.apiCallsToday()).toBe(3);
    t += 86_400_000;
    expect(store.apiCallsToday()).toBe(0);
  });

  it('formats and parses Salesforce datetimes', () => {
    expect(formatDateTime(new Date('2026-01-02T03:04:05.006Z'))).toBe('2026-01-02T03:04:05.006+0000');
    expect(parseDateTime('2026-01-02T03:04:05.006+0000')).toBe(Date.parse('2026-01-02T03:04:05.006Z'));
    expect(parseDateTime('2026-01-02T03:04:05Z')).toBe(Date.parse('2026-01-02T03:04:05Z'));
  });
});

describe('schema', () => {
  it('has the standard objects with polymorphic Who/What', () => {
    const s = new Schema();
    // Every object the generated org fills is one the emulator describes.
    expect(STANDARD_OBJECTS.map((o) => o.name)).toEqual(expect.arrayContaining([...SOBJECTS]));
    expect(s.field('task', 'whoid')?.referenceTo).toEqual(['Contact', 'Lead']);
    expect(s.relationship('Task', 'What')?.name).toBe('WhatId');
    expect(s.field('Account', 'Id')?.updateable).toBe(false);
  });
});
