/**
 * `pulse backtest --org` on a generated org pulled from the Salesforce emulator: the outcomes are the
 * opportunities the sync stored, and the population and positives are what the org's own Opportunity
 * records say (counted here straight from the emulator).
 */
import type { Connection } from 'jsforce';
import { closeScene, openScene } from '../support/scene';
import { generateOrg } from '@pulse/sandbox/src/generator';
import type { Emulator } from '@pulse/sandbox/src/salesforce/server';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';
import { publishModel } from '@pulse/server/src/engine/engine';
import { syncSalesforce } from '@pulse/server/src/sources/salesforce/sync';
import type { Db } from '@pulse/server/src/store/db';
import { runBacktestCommand } from '@pulse/server/src/cli/backtest';
import type { BacktestResult } from '@pulse/server/src/backtest/summary';
import { addDays } from '@pulse/server/src/scoring/days';

const ORG = 'org-backtest';
const now = new Date('2026-11-24T10:00:00.000Z');
const AS_OF = '2026-08-26';
let emu: Emulator;
let db: Db;
let conn: Connection;

beforeAll(async () => {
  const gen = generateOrg({ accounts: 60, seed: 11, now });
  ({ emu, db, conn } = await openScene({ org: gen, now: () => now }));
  expect((await syncSalesforce({ db, orgId: ORG, conn })).status).toBe('succeeded');
  await publishModel(db, ORG, DEFAULT_MODEL, '2026-11-24');
}, 120_000);
afterAll(() => closeScene({ emu, db }));

it('counts the accounts and positives the org’s opportunities say, with the active model', async () => {
  const out: string[] = [];
  await runBacktestCommand({ org: ORG, asOf: AS_OF }, { write: (s) => void out.push(s) }, { db });
  const r = JSON.parse(out.join('')) as BacktestResult;

  const opps = [...emu.store.all('Opportunity')].map((o) => ({
    account: String(o.AccountId),
    created: String(o.CreatedDate).slice(0, 10),
    closed: o.IsClosed ? String(o.CloseDate) : null,
  }));
  const open = new Set(
    opps.filter((o) => o.created <= AS_OF && (o.closed === null || o.closed > AS_OF)).map((o) => o.account),
  );
  const accounts = [...emu.store.all('Account')].map((a) => String(a.Id)).filter((id) => !open.has(id));
  const end = addDays(AS_OF, 90);
  const converted = new Set(opps.filter((o) => o.created > AS_OF && o.created <= end).map((o) => o.account));

  expect(r.modelVersion).toBe(DEFAULT_MODEL.version);
  expect(r.accounts).toBe(accounts.length);
  expect(r.positives).toBe(accounts.filter((id) => converted.has(id)).length);
  expect(r.positives).toBeGreaterThan(0);
  expect(r.deciles.reduce((s, d) => s + d.accounts, 0)).toBe(r.accounts);
  expect(r.auc).not.toBeNull();
});
