/**
 * The writer's call gate and the retry policy: a write call is sent again only after a network
 * error (3 tries, backoff windows of 100 and 200 ms), never after an HTTP answer. A scripted
 * connection and an in-memory ledger stand in for Salesforce and the database.
 */
import type { Connection } from 'jsforce';
import type { Db } from '../../store/db';
import { writeAccounts, type WriteLedger } from '../writer';

const ID = '001000000000001AAA';

/** A connection whose `request` throws the scripted errors in turn, then confirms every record. */
function scripted(errors: unknown[]) {
  let calls = 0;
  const conn = {
    version: '62.0',
    request: async (req: { body: string }) => {
      calls++;
      const e = errors.shift();
      if (e) throw e;
      const body = JSON.parse(req.body) as { records: { Id: string }[] };
      return body.records.map((r) => ({ id: r.Id, success: true }));
    },
  } as unknown as Connection;
  return { conn, calls: () => calls };
}

const ledger: WriteLedger = {
  load: async () => new Map(),
  mark: async () => undefined,
  recordFailures: async () => undefined,
};

async function write(errors: unknown[]) {
  const { conn, calls } = scripted(errors);
  const waits: number[] = [];
  const run = writeAccounts({
    db: {} as Db,
    conn,
    orgId: 'org',
    accounts: [{ accountId: ID, values: { Score__c: 70 } }],
    ledger,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
  });
  const outcome = await run.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  return { outcome, waits, calls: calls() };
}

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('the write call gate', () => {
  it('sends a call again after network errors, with growing waits, and counts every try', async () => {
    const r = await write([reset(), reset()]);
    expect(r.outcome).toMatchObject({ result: { status: 'ok', accountsWritten: 1, apiCalls: 3 } });
    expect(r.waits).toEqual([100, 200]);
    expect(r.calls).toBe(3);
  });

  it('gives up after three tries with the last network error', async () => {
    const last = reset();
    const r = await write([reset(), reset(), last]);
    expect(r.outcome).toEqual({ error: last });
    expect(r.calls).toBe(3);
  });

  it('does not send a write again after an HTTP answer (a 503 from Salesforce)', async () => {
    const unavailable = Object.assign(new Error('Service Unavailable'), { errorCode: 'SERVER_UNAVAILABLE' });
    const r = await write([unavailable]);
    expect(r.outcome).toEqual({ error: unavailable });
    expect(r.waits).toEqual([]);
    expect(r.calls).toBe(1);
  });

  it('stops the write on REQUEST_LIMIT_EXCEEDED without retrying', async () => {
    const r = await write([Object.assign(new Error('limit'), { errorCode: 'REQUEST_LIMIT_EXCEEDED' })]);
    expect(r.outcome).toMatchObject({ result: { status: 'limit', accountsWritten: 0, pending: 1 } });
    expect(r.calls).toBe(1);
  });
});
