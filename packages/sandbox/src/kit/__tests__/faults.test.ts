/** Fault switches: armed for the next N calls on matching paths, first armed first; a board clears them all. */
import { FaultBoard, FaultSwitch, pathMatches } from '../faults';

describe('pathMatches', () => {
  it('a string matches as a substring, a RegExp by test, nothing as every path', () => {
    expect(pathMatches('/events', '/events/v3/events')).toBe(true);
    expect(pathMatches('/events', '/crm/v3/objects')).toBe(false);
    expect(pathMatches(/^\/rest\/v1\/leads/, '/rest/v1/leads.json')).toBe(true);
    expect(pathMatches(/^\/leads/, '/rest/v1/leads.json')).toBe(false);
    expect(pathMatches(undefined, '/anything')).toBe(true);
  });
});

describe('FaultSwitch', () => {
  it('an armed fault applies to the next `count` calls, then no more', () => {
    const f = new FaultSwitch<number>().arm(503, 2);
    expect([f.take('/a'), f.take('/b'), f.take('/c')]).toEqual([503, 503, null]);
    expect(f.pending()).toBe(0);
  });

  it('a path-bound fault skips other paths without being consumed', () => {
    const f = new FaultSwitch().arm(true, 1, '/events');
    expect(f.take('/crm/v3/objects/contacts')).toBeNull();
    expect(f.pending()).toBe(1);
    expect(f.take('/events/v3/events')).toBe(true);
    expect(f.take('/events/v3/events')).toBeNull();
  });

  it('arm replaces what was armed; queue adds after it, in order', () => {
    const f = new FaultSwitch<string>().arm('first', 5).arm('second', 1);
    expect([f.take(), f.take()]).toEqual(['second', null]);
    f.queue('606', 2).queue('615', 1);
    expect([f.take(), f.take(), f.take(), f.take()]).toEqual(['606', '606', '615', null]);
  });

  it('the first queued fault that applies to the path is taken, later ones wait', () => {
    const f = new FaultSwitch<string>().queue('leads-only', 1, /leads/).queue('any', 1);
    expect(f.take('/rest/v1/activities.json')).toBe('any');
    expect(f.take('/rest/v1/activities.json')).toBeNull();
    expect(f.take('/rest/v1/leads.json')).toBe('leads-only');
  });

  it('arming zero calls arms nothing, and clear disarms everything', () => {
    const f = new FaultSwitch().arm(true, 0);
    expect(f.take()).toBeNull();
    f.queue(true, 3).queue(true, 2, '/x');
    expect(f.pending()).toBe(5);
    f.clear();
    expect(f.take('/x')).toBeNull();
  });
});

describe('FaultBoard', () => {
  class Board extends FaultBoard {
    readonly errors = this.switch<number>();
    readonly resets = this.switch();
    readonly resetConnections = this.counted(this.resets);
    spent = false;
    readonly spend = this.fluent((on: boolean = true) => (this.spent = on));
    override clear(): this {
      this.spent = false;
      return super.clear();
    }
  }

  it('a counted setter arms its switch for `count` calls (default 1) and chains', () => {
    const b = new Board();
    expect(b.resetConnections(2)).toBe(b);
    expect([b.resets.take(), b.resets.take(), b.resets.take()]).toEqual([true, true, null]);
    b.resetConnections();
    expect(b.resets.pending()).toBe(1);
  });

  it('a fluent setter passes its arguments through and chains', () => {
    const b = new Board();
    expect(b.spend()).toBe(b);
    expect(b.spent).toBe(true);
    b.spend(false).resetConnections(3);
    expect([b.spent, b.resets.pending()]).toEqual([false, 3]);
  });

  it('clear disarms every switch made on the board, and the vendor resets its own flags', () => {
    const b = new Board();
    b.errors.arm(503, 3);
    b.resetConnections(1);
    b.spent = true;
    b.clear();
    expect([b.errors.take(), b.resets.take(), b.spent]).toEqual([null, null, false]);
  });
});
