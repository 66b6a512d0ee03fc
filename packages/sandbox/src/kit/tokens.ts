/**
 * Issued tokens with lifetimes and an epoch: `expireAll()` bumps the epoch, and every token
 * issued under an older one is expired from then on, as if its session had timed out. Every
 * emulator's auth (access tokens) and Pardot's page tokens stand on this.
 */
import type { Clock } from './clock';

/** What the book keeps with every token besides the emulator's own data. */
export interface TokenStamp {
  /** Clock ms from which the token is expired (Infinity: never by time). */
  expiresAt: number;
  /** The epoch the token was issued under. */
  epoch: number;
}

/** What a token check finds: no such token, an expired one, or a live one. */
export type TokenCheck<D> =
  { state: 'unknown' } | { state: 'expired'; token: D & TokenStamp } | { state: 'live'; token: D & TokenStamp };

/** A book of issued tokens, each carrying the emulator's data `D`. */
export class TokenBook<D extends object = object> {
  private readonly tokens = new Map<string, D & TokenStamp>();
  /** Bumped by expireAll(); tokens issued under an older epoch are expired. */
  epoch = 0;

  /** `ttlMs` is every token's lifetime by `clock` (default: no expiry by time). */
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = Infinity,
  ) {}

  /** Records `token` as issued at `atMs` (default: now), carrying `data`; returns what the book holds for it. */
  issue(token: string, data: D, atMs = this.clock.now().getTime()): D & TokenStamp {
    const stamped = { ...data, expiresAt: atMs + this.ttlMs, epoch: this.epoch };
    this.tokens.set(token, stamped);
    return stamped;
  }

  /** Whether `token` is unknown, expired (by time or epoch) or live. */
  check(token: string): TokenCheck<D> {
    const t = this.tokens.get(token);
    if (!t) return { state: 'unknown' };
    return { state: this.isLive(t) ? 'live' : 'expired', token: t };
  }

  /** The live token's data, or null when `token` is unknown or expired. */
  live(token: string): (D & TokenStamp) | null {
    const c = this.check(token);
    return c.state === 'live' ? c.token : null;
  }

  /** Whether an issued token is still live: issued under the current epoch and not past its lifetime. */
  isLive(t: TokenStamp): boolean {
    return t.epoch === this.epoch && t.expiresAt > this.clock.now().getTime();
  }

  /** Milliseconds until `t` expires by time (0 when it has). */
  remainingMs(t: TokenStamp): number {
    return Math.max(0, t.expiresAt - this.clock.now().getTime());
  }

  /** Expires every token issued so far. */
  expireAll(): void {
    this.epoch++;
  }

  /** Forgets `token`; true when it was issued. */
  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }
}
