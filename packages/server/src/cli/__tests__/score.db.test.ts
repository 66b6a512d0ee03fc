import { join } from 'node:path';
import { cpSync, writeFileSync } from 'node:fs';
import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { BASIC_AS_OF, BASIC_EXPORT, BASIC_MODEL, collector, saturation, tempDirs } from '../../../testing/basicExport';
import { ValidationError } from '../../errors';
import type { AccountScore } from '../../scoring/finish';
import { main } from '../main';
import { runScore, toScoreOutput, type ScoreOutput } from '../score';

const DATA = BASIC_EXPORT;
const MODEL = BASIC_MODEL;
const AS_OF = BASIC_AS_OF;
const S = saturation;

let db: Db;
const tmp = tempDirs('pulse-score-');
withTestDb(
  (d) => (db = d),
  () => tmp.removeAll(),
);

describe('pulse score on the basic fixture', () => {
  let out: ScoreOutput;
  let printed: string;
  beforeAll(async () => {
    const c = collector();
    out = await runScore({ data: DATA, model: MODEL, asOf: AS_OF, org: 'score-json' }, c, { db });
    printed = c.text();
  });

  it('prints the JSON it returns, with exactly the contract keys', () => {
    expect(JSON.parse(printed)).toEqual(out);
    expect(Object.keys(out)).toEqual(['asOf', 'modelVersion', 'accounts']);
    expect(out.asOf).toBe(AS_OF);
    expect(out.modelVersion).toBe('fixture-1');
    for (const a of out.accounts) {
      expect(Object.keys(a).join(',')).toBe(
        'accountId,score,scoreExact,band,trend,change30d,peopleEngaged,coveragePct,missingPersonas,mqa,kpis,topPeople,topKpis',
      );
    }
  });

  it('leaves out accounts with no score and sorts by score', () => {
    expect(out.accounts.map((a) => a.accountId)).toEqual(['acme', 'globex']);
  });

  it('scores acme as computed by hand', () => {
    // meetings: e1 10 pts × 2 (CMO is cxo) × decay 1; e6 is 106 days old (outside the 90-day window).
    // web_high_intent: e2 2 × (1 − 30/90) + e5 (account-level) 2 × (1 − 15/90) = 3; e4 (intern, ×0) and e7 (bot) excluded.
    // web_other: e3 quantity 3 × 1 point, age 0.
    const acme = out.accounts[0]!;
    const exact = (50 * S(20, 10) + 30 * S(3, 10) + 20 * S(3, 5)) / 100;
    expect(acme.scoreExact).toBeCloseTo(exact, 9);
    expect(acme.score).toBe(60);
    expect(acme.band).toBe('High');
    // 30 days earlier: e6 (76 days old then) 20 pts and e2 (age 0) 2 pts → round(48.67) = 49; Δ = 11.
    const past = Math.round((50 * S(20, 10) + 30 * S(2, 10)) / 100);
    expect(past).toBe(49);
    expect(acme.change30d).toBe(60 - past);
    expect(acme.trend).toBe('Heating');
    expect(acme.kpis.meetings!.points).toBeCloseTo(20, 9);
    expect(acme.kpis.web_high_intent!.points).toBeCloseTo(3, 9);
    expect(acme.kpis.web_high_intent!.subscore).toBeCloseTo(S(3, 10), 9);
    expect(acme.kpis.web_other!.points).toBeCloseTo(3, 9);
    // Ann (marketing exec) and Bob (marketing ops, matched by email subdomain) engaged; nobody from security.
    expect(acme.peopleEngaged).toBe(2);
    expect(acme.coveragePct).toBeCloseTo(200 / 3, 9);
    expect(acme.missingPersonas).toEqual(['Security approver']);
    expect(acme.mqa).toBe(true);
    expect(acme.topPeople.map((p) => p.personId)).toEqual(['p1', 'p2']);
    expect(acme.topPeople[0]!.share).toBeCloseTo(20 / 26, 9);
    expect(acme.topPeople[1]!.points).toBeCloseTo(2 * (2 / 3) + 3, 9);
    expect(acme.topKpis.map((k) => k.key)).toEqual(['meetings', 'web_other', 'web_high_intent']);
    expect(acme.topKpis[0]!.share).toBeCloseTo((50 * S(20, 10)) / 100 / exact, 9);
  });

  it('scores globex as computed by hand (Surging from a small past score)', () => {
    const globex = out.accounts[1]!;
    expect(globex.scoreExact).toBeCloseTo((50 * S(10, 10) + 20 * S(1, 5)) / 100, 9);
    expect(globex.score).toBe(35);
    expect(globex.change30d).toBe(35 - Math.round((20 * S(1, 5)) / 100));
    expect(globex.trend).toBe('Surging');
    expect(globex.band).toBe('Medium');
    expect(globex.mqa).toBe(false);
    expect(globex.missingPersonas).toEqual(['Marketing executive', 'Marketing operations']);
  });

  it('prints one CSV row per account with the scalar columns', async () => {
    const c = collector();
    await runScore({ data: DATA, model: MODEL, asOf: AS_OF, org: 'score-json', format: 'csv' }, c, { db });
    const lines = c.text().trim().split('\n');
    expect(lines[0]).toBe(
      'accountId,score,scoreExact,band,trend,change30d,peopleEngaged,coveragePct,missingPersonas,mqa',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^acme,60,60\.03\d*,High,Heating,11,2,66\.6\d*,Security approver,true$/);
    expect(lines[2]).toMatch(
      /^globex,35,35\.23\d*,Medium,Surging,31,1,33\.3\d*,Marketing executive; Marketing operations,false$/,
    );
  });

  it('scores with the default model when none is given', async () => {
    const out2 = await runScore({ data: DATA, asOf: AS_OF, org: 'score-default' }, collector(), { db });
    expect(out2.modelVersion).toBe('default-2');
    expect(out2.accounts.map((a) => a.accountId).sort()).toEqual(['acme', 'globex']);
  });
});

describe('toScoreOutput', () => {
  it('sorts by score descending, then account id', () => {
    const s = (accountId: string, score: number) => ({ accountId, score }) as AccountScore;
    const out = toScoreOutput(AS_OF, 'v', [s('b', 10), s('c', 40), s('a', 10)]);
    expect(out.accounts.map((a) => a.accountId)).toEqual(['c', 'a', 'b']);
  });
});

describe('pulse score errors', () => {
  it('reports bad CSV rows by file, line and column and scores nothing', async () => {
    const dir = tmp.make();
    cpSync(DATA, dir, { recursive: true });
    writeFileSync(join(dir, 'events.csv'), 'id,type,occurredAt,personId\ne1,meeting,2026-04-02,p1\n');
    const e: unknown = await runScore({ data: dir, model: MODEL, asOf: AS_OF, org: 'score-bad' }, collector(), {
      db,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toContain(
      'events.csv line 2, column occurredAt: 2026-04-02T00:00:00.000Z is in the future',
    );
    const n = await db.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE org_id = 'score-bad'");
    expect(n.rows[0]!.n).toBe(0);
  });

  it('lists every problem of the bad fixture in reading order', async () => {
    const bad = join(DATA, '../bad');
    const e: unknown = await runScore({ data: bad, asOf: AS_OF, org: 'score-bad2' }, collector(), { db }).catch(
      (x: unknown) => x,
    );
    expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
      'people.csv line 3, column accountId',
      'events.csv line 3, column type',
      'events.csv line 4, column occurredAt',
      'events.csv line 5, column occurredAt',
      'events.csv line 6, column personId',
      'events.csv line 7, column quantity',
      'events.csv line 7, column strength',
      'events.csv line 8',
    ]);
  });

  it('rejects an unknown --format and a bad --as-of', async () => {
    await expect(runScore({ data: DATA, asOf: AS_OF, format: 'xml' }, collector(), { db })).rejects.toThrow(
      '--format "xml" is not one of json, csv',
    );
    await expect(runScore({ data: DATA, asOf: '2026-02-30' }, collector(), { db })).rejects.toThrow(
      '--as-of "2026-02-30" is not a date; use YYYY-MM-DD',
    );
  });

  it('names a missing model file', async () => {
    await expect(runScore({ data: DATA, asOf: AS_OF, model: '/nope/model.json' }, collector(), { db })).rejects.toThrow(
      'model file /nope/model.json: file not found',
    );
  });

  it('exits 2 from the command line with the message on stderr', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['node', 'pulse', 'score', '--data', DATA, '--as-of', 'tomorrow']);
      expect(code).toBe(2);
      expect(err).toHaveBeenCalledWith('pulse: --as-of "tomorrow" is not a date; use YYYY-MM-DD\n');
    } finally {
      err.mockRestore();
    }
  });
});
