/**
 * The retry policy itself: counting, backoff with full jitter, server-told waits, re-authentication
 * that is not an attempt, and which error is thrown when the tries run out.
 */
import { backoffCapMs, DEFAULT_RETRY, timedFetch, withRetry, type RetryOptions, type Verdict } from '../retry';

/** Runs `withRetry` over scripted verdicts (one per attempt); records waits, attempt numbers and re-auths. */
async function run<T>(verdicts: Verdict<T>[], over: Partial<RetryOptions> = {}) {
  const waits: number[] = [];
  const attempts: number[] = [];
  let reauths = 0;
  const outcome = await withRetry<T>(
    async (n) => {
      attempts.push(n);
      const v = verdicts.shift();
      if (!v) throw new Error('more attempts than scripted');
      return v;
    },
    {
      policy: { attempts: 5, baseMs: 1_000, maxMs: 5_000 },
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 1,
      reauth: async () => {
        reauths++;
      },
      ...over,
    },
  ).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { outcome, waits, attempts, reauths, left: verdicts.length };
}

const boom = (n: number) => new Error(`boom ${n}`);

describe('withRetry', () => {
  it('returns the first try’s value without waiting', async () => {
    const r = await run([{ done: 'ok' }]);
    expect(r.outcome).toEqual({ value: 'ok' });
    expect(r.waits).toEqual([]);
    expect(r.attempts).toEqual([1]);
  });

  it('doubles the backoff window per retry and caps it (random = 1: each wait is the top of its window)', async () => {
    const r = await run([
      { backoff: boom(1) },
      { backoff: boom(2) },
      { backoff: boom(3) },
      { backoff: boom(4) },
      { done: 7 },
    ]);
    expect(r.outcome).toEqual({ value: 7 });
    expect(r.waits).toEqual([1_000, 2_000, 4_000, 5_000]);
    expect(r.attempts).toEqual([1, 2, 3, 4, 5]);
  });

  it('jitters the whole window: the wait is random() times its top', async () => {
    const r = await run([{ backoff: boom(1) }, { backoff: boom(2) }, { done: 1 }], { random: () => 0.5 });
    expect(r.waits).toEqual([500, 1_000]);
    const zero = await run([{ backoff: boom(1) }, { done: 1 }], { random: () => 0 });
    expect(zero.waits).toEqual([0]);
  });

  it('a backoff verdict may start its window from its own base', async () => {
    const r = await run([{ backoff: boom(1), baseMs: 200 }, { backoff: boom(2), baseMs: 200 }, { done: 1 }]);
    expect(r.waits).toEqual([200, 400]);
  });

  it('waitThen waits what the server said, without jitter, and counts as an attempt', async () => {
    const r = await run([{ waitThen: 3_000, error: boom(1) }, { waitThen: 60_000, error: boom(2) }, { done: 1 }], {
      random: () => 0.1,
    });
    expect(r.waits).toEqual([3_000, 60_000]);
    expect(r.attempts).toEqual([1, 2, 3]);
  });

  it('throws the last error when the tries run out', async () => {
    const last = boom(5);
    const r = await run([
      { backoff: boom(1) },
      { waitThen: 10, error: boom(2) },
      { backoff: boom(3) },
      { backoff: boom(4) },
      { backoff: last },
    ]);
    expect(r.outcome).toEqual({ error: last });
    expect(r.attempts).toEqual([1, 2, 3, 4, 5]);
    expect(r.waits).toHaveLength(4);
  });

  it('fail stops at once with its error', async () => {
    const e = boom(1);
    const r = await run([{ backoff: boom(0) }, { fail: e }, { done: 1 }]);
    expect(r.outcome).toEqual({ error: e });
    expect(r.attempts).toEqual([1, 2]);
    expect(r.left).toBe(1);
  });

  it('an error thrown by an attempt is not retried', async () => {
    const e = boom(1);
    let tries = 0;
    const thrown = await withRetry(
      async () => {
        tries++;
        throw e;
      },
      { sleep: async () => undefined },
    ).catch((x: unknown) => x);
    expect(thrown).toBe(e);
    expect(tries).toBe(1);
  });

  it('reauth signs in again and replays without counting an attempt', async () => {
    const r = await run([{ backoff: boom(1) }, { reauth: boom(2) }, { done: 'ok' }], {
      policy: { attempts: 2, baseMs: 1_000, maxMs: 5_000 },
    });
    expect(r.outcome).toEqual({ value: 'ok' });
    expect(r.reauths).toBe(1);
    expect(r.attempts).toEqual([1, 2, 2]);
    expect(r.waits).toEqual([1_000]);
  });

  it('two re-authentications in one call fail with the second one’s error, without signing in again', async () => {
    const second = boom(2);
    const r = await run([{ reauth: boom(1) }, { reauth: second }, { done: 'never' }]);
    expect(r.outcome).toEqual({ error: second });
    expect(r.reauths).toBe(1);
    expect(r.left).toBe(1);
  });

  it('a client may allow more re-authentications per call', async () => {
    const third = boom(3);
    const r = await run([{ reauth: boom(1) }, { reauth: boom(2) }, { reauth: third }], { reauths: 2 });
    expect(r.outcome).toEqual({ error: third });
    expect(r.reauths).toBe(2);
  });

  it('tells onRetry each wait before it is slept', async () => {
    const seen: { attempt: number; waitMs: number; error: unknown }[] = [];
    const e1 = boom(1);
    const e2 = boom(2);
    await run([{ backoff: e1 }, { waitThen: 50, error: e2 }, { done: 1 }], { onRetry: (x) => seen.push(x) });
    expect(seen).toEqual([
      { attempt: 1, waitMs: 1_000, error: e1 },
      { attempt: 2, waitMs: 50, error: e2 },
    ]);
  });
});

describe('backoffCapMs', () => {
  it('is min(maxMs, baseMs × 2^(attempt − 1)); the default grows 1, 2, 4, 8 s', () => {
    expect([1, 2, 3, 4].map((n) => backoffCapMs(DEFAULT_RETRY, n))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffCapMs(DEFAULT_RETRY, 10)).toBe(DEFAULT_RETRY.maxMs);
  });
});

describe('timedFetch', () => {
  /** A server that never answers: the call ends only when its signal aborts it. */
  const silent = ((_url: unknown, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    })) as typeof fetch;

  it('gives up a call the server never answers, as a TimeoutError (which the clients retry as a network error)', async () => {
    await expect(timedFetch(silent, 20)('https://vendor.example/')).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('passes a call answered in time through, with its own options', async () => {
    let seen: RequestInit | undefined;
    const quick = (async (_url: unknown, init?: RequestInit) => {
      seen = init;
      return new Response('ok');
    }) as typeof fetch;
    const res = await timedFetch(quick, 1_000)('https://vendor.example/', { headers: { accept: 'text/csv' } });
    expect(await res.text()).toBe('ok');
    expect(seen?.headers).toEqual({ accept: 'text/csv' });
    expect(seen?.signal?.aborted).toBe(false);
  });

  it("still ends when the caller's own signal aborts first", async () => {
    const caller = new AbortController();
    const call = timedFetch(silent, 60_000)('https://vendor.example/', { signal: caller.signal });
    caller.abort(new Error('the run was stopped'));
    await expect(call).rejects.toThrow('the run was stopped');
  });
});
