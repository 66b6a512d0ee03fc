/** The call log: filters by path, pattern, predicate and method, and what recordCall logs off a real server. */
import { CallLog, recordCall, type Call } from '../callLog';
import { listen, type Listening } from '../server';

interface TaggedCall extends Call {
  tag: string;
}

const call = (method: string, path: string, status = 200): TaggedCall => ({ method, path, status, at: 0, tag: '' });

describe('CallLog', () => {
  it('filters by path substring, RegExp, predicate and method', () => {
    const log = new CallLog<TaggedCall>();
    log.add(call('GET', '/services/data/v62.0/limits'));
    log.add(call('POST', '/services/data/v62.0/sobjects/Account', 201));
    log.add(call('GET', '/services/data/v62.0/sobjects/Account/001', 404));
    expect(log.filter('/sobjects/').map((c) => c.status)).toEqual([201, 404]);
    expect(log.filter('/sobjects/', 'GET').map((c) => c.status)).toEqual([404]);
    expect(log.filter(/limits$/)).toHaveLength(1);
    expect(log.filter((c) => c.status >= 400).map((c) => c.path)).toEqual([
      '/services/data/v62.0/sobjects/Account/001',
    ]);
    expect(log).toHaveLength(3);
    log.clear();
    expect(log.entries).toEqual([]);
  });
});

describe('recordCall', () => {
  let http: Listening;
  const log = new CallLog<TaggedCall>();
  let wall = 1_000;

  beforeAll(async () => {
    http = await listen((req, res) => {
      recordCall(
        log,
        req,
        res,
        (c) => ({ ...c, tag: String(res.getHeader('x-tag') ?? '') }),
        () => wall,
      );
      if (req.url?.startsWith('/reset')) return void req.socket.destroy();
      res.setHeader('x-tag', 'answered');
      res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
      res.end('{}');
    });
  });
  afterAll(() => http.close());
  beforeEach(() => log.clear());

  it('logs method, path without the query, status, arrival time and the emulator’s own fields, once', async () => {
    wall = 42;
    await fetch(`${http.url}/missing/thing?secret=1`, { method: 'DELETE' });
    await fetch(`${http.url}/ok`);
    expect(log.entries).toEqual([
      { method: 'DELETE', path: '/missing/thing', status: 404, at: 42, tag: 'answered' },
      { method: 'GET', path: '/ok', status: 200, at: 42, tag: 'answered' },
    ]);
  });

  it('a call whose connection closes before any answer is logged with status 0', async () => {
    await expect(fetch(`${http.url}/reset`)).rejects.toThrow();
    // The close event follows the client's error; wait for it rather than for a fixed time.
    for (let i = 0; i < 200 && log.entries.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(log.entries.map((c) => [c.path, c.status])).toEqual([['/reset', 0]]);
  });
});
