import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { collector, tempDirs } from '../../../testing/basicExport';
import { PLANTED_MODEL, writePlantedExport } from '../../../testing/plantedExport';
import type { Suggestion } from '../../backtest/suggest';
import { parseModel } from '../../model/schema';
import { publishModel } from '../../engine/engine';
import { loadCsvDir } from '../../sources/csv/load';
import { loadActiveModel } from '../../store/models';
import { runModelSuggest, runModelValidate } from '../model';

let db: Db;
const tmp = tempDirs('pulse-suggest-');
withTestDb(
  (d) => (db = d),
  () => tmp.removeAll(),
);

// The planted model with a fourth KPI that almost nothing feeds: three calls in the whole export.
const MODEL = {
  ...PLANTED_MODEL,
  kpis: [
    { ...PLANTED_MODEL.kpis[0]!, weight: 15 },
    { ...PLANTED_MODEL.kpis[1]!, weight: 15 },
    { ...PLANTED_MODEL.kpis[2]!, weight: 60 },
    { key: 'calls', label: 'Calls', weight: 10, activities: { call: 1 } },
  ],
};

describe('pulse model suggest on a planted export (meetings and pricing precede opportunities, email opens do not)', () => {
  let s: Suggestion;
  let printed: string;
  let dir: string;
  const orgId = 'suggest-1';
  beforeAll(async () => {
    dir = tmp.make();
    writePlantedExport(dir, { accounts: 300, seed: 11 }, [
      { id: 'c1', type: 'call', occurredAt: '2026-06-20', personId: 'acc0001-it' },
      { id: 'c2', type: 'call', occurredAt: '2026-06-21', personId: 'acc0002-it' },
      { id: 'c3', type: 'call', occurredAt: '2026-06-22', personId: 'acc0003-it' },
    ]);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(MODEL));
    const c = collector();
    s = await runModelSuggest({ data: dir, model: join(dir, 'model.json'), asOf: '2026-09-30', format: 'json' }, c, {
      db,
      dataOrg: orgId,
    });
    printed = c.text();
  }, 120_000);

  const kpi = (key: string) => s.kpis.find((k) => k.key === key)!;

  it('prints the suggestion it returns; learns as of the split minus the horizon', () => {
    expect(JSON.parse(printed)).toEqual(JSON.parse(JSON.stringify(s)));
    expect(s).toMatchObject({ asOf: '2026-09-30', trainAsOf: '2026-07-02', horizonDays: 90, learned: true });
    expect(s.training.positives).toBeGreaterThan(MODEL.kpis.length);
  });

  it('raises meetings and pricing, lowers email opens; the weights total 100', () => {
    expect(kpi('meetings').suggestedWeight).toBeGreaterThan(15);
    expect(kpi('pricing').suggestedWeight).toBeGreaterThan(15);
    expect(kpi('email_opens').suggestedWeight).toBeLessThan(60);
    expect(s.kpis.reduce((sum, k) => sum + k.suggestedWeight, 0)).toBe(100);
    expect(kpi('meetings').lift!).toBeGreaterThan(kpi('email_opens').lift!);
  });

  it('flags a KPI with too little support and keeps its weight', () => {
    expect(kpi('calls')).toMatchObject({ currentWeight: 10, suggestedWeight: 10, coefficient: null });
    expect(kpi('calls').flag).toMatch(/too little support/);
    expect(kpi('meetings').flag).toBeNull();
    expect(kpi('meetings').support.positives).toBeGreaterThanOrEqual(5);
  });

  it('improves the out-of-time AUC over the current model', () => {
    expect(s.evaluation.asOf).toBe('2026-09-30');
    expect(s.evaluation.suggested.auc!).toBeGreaterThan(s.evaluation.current.auc!);
  });

  it('suggests a decay per count KPI and the IT leader as a required persona from won deals', () => {
    for (const key of ['meetings', 'pricing', 'email_opens', 'calls']) expect(kpi(key).suggestedDecay).not.toBeNull();
    // Journeys reach an opportunity within 22 days: a 90-day linear fade keeps stale journeys that
    // already closed; a shorter decay ranks the training outcomes better.
    expect(kpi('meetings').currentDecay).toEqual({ kind: 'linear', lifespanDays: 90 });
    expect(kpi('meetings').suggestedDecay).not.toEqual(kpi('meetings').currentDecay);
    const it = s.personas.find((p) => p.key === 'it_leader')!;
    expect(it.wonAccounts).toBeGreaterThan(5);
    expect(it.wonShare!).toBeGreaterThan(0.5);
    expect(it.ratio!).toBeGreaterThan(1.25);
    expect(it.suggestRequired).toBe(true);
    // Email opens reach the finance analyst at random: as often before won deals as anywhere.
    expect(s.personas.find((p) => p.key === 'finance')!.suggestRequired).toBe(false);
    expect(s.personas.some((p) => p.source === 'department' && p.key === 'department_it')).toBe(true);
    expect(s.model.committee.personas.find((p) => p.key === 'it_leader')!.required).toBe(true);
  });

  it('writes a model document that `pulse model validate` accepts, and applies nothing', async () => {
    const file = join(dir, 'suggested.json');
    writeFileSync(file, JSON.stringify(s.model));
    const c = collector();
    await runModelValidate(file, c);
    expect(c.text()).toBe(`valid: planted-1-suggested-20260930, 4 KPIs\n`);
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM models WHERE org_id = $1', [orgId]);
    expect(r.rows[0]!.n).toBe(0);
  });

  it('prints a text form with the side-by-side comparison', async () => {
    const c = collector();
    await runModelSuggest({ data: dir, model: join(dir, 'model.json'), asOf: '2026-09-30' }, c, {
      db,
      dataOrg: 'suggest-2',
    });
    expect(c.text()).toContain('Out of time: as of 2026-09-30');
    expect(c.text()).toMatch(/suggested planted-1-suggested-20260930\s+0\.\d{3}/);
    expect(c.text()).toContain('Personas from won deals');
  }, 120_000);

  it('suggests the same on the org with the active model, and leaves the active model alone', async () => {
    const orgId = 'suggest-org';
    const model = parseModel(MODEL);
    await loadCsvDir(db, dir, { orgId, asOf: '2026-12-31', model, laterEvents: true, opportunities: true });
    await publishModel(db, orgId, model, '2026-12-31');
    const c = collector();
    await runModelSuggest({ org: orgId, asOf: '2026-09-30', format: 'json' }, c, { db });
    expect(JSON.parse(c.text())).toEqual(JSON.parse(printed));
    expect((await loadActiveModel(db, orgId))!.model.version).toBe('planted-1');
  }, 120_000);
});
