import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { BASIC_AS_OF, BASIC_EXPORT, BASIC_MODEL, collector, saturation } from '../../../testing/basicExport';
import { runExplain, type Receipt } from '../explain';

const DATA = BASIC_EXPORT;
const MODEL = BASIC_MODEL;
const AS_OF = BASIC_AS_OF;
const S = saturation;

let db: Db;
withTestDb((d) => (db = d));

describe('pulse explain on the basic fixture', () => {
  let receipt: Receipt;
  let text: string;
  beforeAll(async () => {
    const c = collector();
    receipt = await runExplain({ data: DATA, model: MODEL, asOf: AS_OF, account: 'acme' }, c, { db });
    text = c.text();
  });

  it('lists every event of the account with its numbers or its exclusion reason', () => {
    const byId = Object.fromEntries(receipt.events.map((e) => [e.eventId, e]));
    expect(receipt.events.map((e) => e.eventId)).toEqual(['e6', 'e2', 'e5', 'e1', 'e4', 'e7', 'e3']);
    expect(byId.e1).toMatchObject({
      kpi: 'meetings',
      basePoints: 10,
      factor: 2,
      multipliers: [{ rule: 1, label: 'executives', factor: 2 }],
      ageDays: 10,
      decay: 1,
      contribution: 20,
      excluded: null,
      personId: 'p1',
      personName: 'Ann Chief',
    });
    expect(byId.e2!.decay).toBeCloseTo(1 - 30 / 90, 12);
    expect(byId.e2!.contribution).toBeCloseTo(2 * (1 - 30 / 90), 12);
    expect(byId.e5).toMatchObject({ personId: null, kpi: 'web_high_intent', factor: 1, ageDays: 15 });
    expect(byId.e5!.contribution).toBeCloseTo(2 * (1 - 15 / 90), 12);
    expect(byId.e3).toMatchObject({ kpi: 'web_other', basePoints: 3, contribution: 3 });
    expect(byId.e4).toMatchObject({
      contribution: 0,
      excluded: 'excluded by multiplier rule #2 (students and interns)',
    });
    expect(byId.e7).toMatchObject({ contribution: 0, excluded: 'excluded: bot' });
    expect(byId.e6).toMatchObject({ contribution: 0, ageDays: 106, excluded: 'outside window' });
  });

  it('totals per KPI agree with the engine, with sub-scores and the change vs 30 days earlier', () => {
    const kpi = Object.fromEntries(receipt.kpis.map((k) => [k.key, k]));
    for (const key of ['meetings', 'web_high_intent', 'web_other']) {
      expect(kpi[key]!.points).toBeCloseTo(receipt.score!.kpis[key]!.points, 9);
    }
    expect(kpi.web_high_intent!.subscore).toBeCloseTo(S(3, 10), 9);
    expect(kpi.web_high_intent!.pastSubscore).toBeCloseTo(S(2, 10), 9);
    expect(kpi.web_high_intent!.change).toBeCloseTo((30 * (S(3, 10) - S(2, 10))) / 100, 9);
    expect(kpi.meetings!.change).toBeCloseTo(0, 9);
    expect(kpi.web_other!.pastSubscore).toBe(0);
    expect(kpi.web_other!.change).toBeCloseTo((20 * S(3, 5)) / 100, 9);
    expect(receipt.past).toEqual({ day: '2026-03-01', score: 49 });
    expect(receipt.score!.score).toBe(60);
  });

  it('prints a readable text receipt', () => {
    expect(text).toContain('Score receipt: Acme Inc (acme) as of 2026-03-31, model fixture-1');
    expect(text).toContain('Score 60 (exact 60.0325) · High · Heating (+11 vs 2026-03-01) · MQA yes');
    expect(text).toContain('missing: Security approver');
    expect(text).toMatch(/e4 +2026-03-29 +web_visit +p3 +web_high_intent .*excluded by multiplier rule #2/);
    expect(text).toMatch(/e1 +2026-03-21 +meeting +p1 +meetings +10 +×2 #1 executives +10 +1 +20/);
    expect(text).toMatch(/web_high_intent +30 +3 +25\.9182 +7\.7755 +18\.1269 +\+2\.3374/);
  });

  it('prints JSON with --format json', async () => {
    const c = collector();
    await runExplain({ data: DATA, model: MODEL, asOf: AS_OF, account: 'globex', format: 'json' }, c, { db });
    const json = JSON.parse(c.text()) as Receipt;
    expect(json.account).toEqual({ id: 'globex', name: 'Globex Corp' });
    expect(json.events.map((e) => e.eventId)).toEqual(['e9', 'e8']);
  });

  it('explains an account with no score', async () => {
    const c = collector();
    const r = await runExplain({ data: DATA, model: MODEL, asOf: AS_OF, account: 'initech' }, c, { db });
    expect(r.score).toBeNull();
    expect(r.events).toEqual([]);
    expect(c.text()).toContain('No score: no counted event inside the window.');
  });

  it('names an unknown account', async () => {
    await expect(
      runExplain({ data: DATA, model: MODEL, asOf: AS_OF, account: 'nope' }, collector(), { db }),
    ).rejects.toThrow('account "nope" is not in the data (org local)');
  });
});
