/** The token book: lifetimes by the injected clock, and epochs that expire every token issued so far. */
import { makeClock } from '../clock';
import { TokenBook } from '../tokens';

const T0 = new Date('2026-11-24T10:00:00.000Z');

describe('TokenBook', () => {
  it('a token is live until its lifetime has passed by the clock, then expired', () => {
    const clock = makeClock(T0);
    const book = new TokenBook<{ user: string }>(clock, 60_000);
    const t = book.issue('tok-1', { user: 'u1' });
    expect(t).toMatchObject({ user: 'u1', expiresAt: T0.getTime() + 60_000, epoch: 0 });
    clock.advance(59_999);
    expect(book.check('tok-1')).toMatchObject({ state: 'live', token: { user: 'u1' } });
    expect(book.remainingMs(t)).toBe(1);
    clock.advance(1);
    expect(book.check('tok-1').state).toBe('expired');
    expect(book.live('tok-1')).toBeNull();
    expect(book.remainingMs(t)).toBe(0);
  });

  it('an unknown token is unknown, not expired', () => {
    const book = new TokenBook(makeClock(T0));
    expect(book.check('never-issued')).toEqual({ state: 'unknown' });
  });

  it('expireAll expires every token issued so far; tokens issued after it are live', () => {
    const book = new TokenBook(makeClock(T0));
    book.issue('old-1', {});
    book.issue('old-2', {});
    book.expireAll();
    book.issue('new', {});
    expect(book.check('old-1').state).toBe('expired');
    expect(book.check('old-2').state).toBe('expired');
    expect(book.live('new')).not.toBeNull();
    expect(book.epoch).toBe(1);
  });

  it('without a lifetime a token never expires by time', () => {
    const clock = makeClock(T0);
    const book = new TokenBook(clock);
    book.issue('forever', {});
    clock.advance(10 * 365 * 86_400_000);
    expect(book.check('forever').state).toBe('live');
  });

  it('issue at an explicit time dates the lifetime from it', () => {
    const book = new TokenBook(makeClock(T0), 1000);
    expect(book.issue('t', {}, T0.getTime() - 1000).expiresAt).toBe(T0.getTime());
    expect(book.check('t').state).toBe('expired');
  });

  it('revoke forgets a token', () => {
    const book = new TokenBook(makeClock(T0));
    book.issue('t', {});
    expect(book.revoke('t')).toBe(true);
    expect(book.revoke('t')).toBe(false);
    expect(book.check('t').state).toBe('unknown');
  });
});
