// The worked example of docs/scoring-model.md: if this fails, the document is wrong too.
import { parseModel } from '../../model/schema';
import { workedExample } from '../../../testing/workedExample';
import type { ScoringPerson } from '../committee';
import { explainEvent } from '../explain';
import { finishAccount, type FinishPerson } from '../finish';

const model = parseModel(workedExample());
const references = { web_high_intent: 2 };
const people: Record<string, ScoringPerson> = {
  dana: { seniority: 'cxo', department: 'marketing', title: 'Chief Marketing Officer' },
  lee: { seniority: 'manager', department: 'marketing', title: 'Marketing Operations Manager' },
  sam: { seniority: 'individual', department: 'marketing', title: 'Marketing Intern' },
};
const events: [string, string, string, string, string | null][] = [
  ['e1', 'meeting', '2026-11-21T15:00:00Z', 'dana', null],
  ['e2', 'meeting', '2026-10-25T10:00:00Z', 'lee', null],
  ['e3', 'web_visit', '2026-11-24T08:00:00Z', 'lee', 'https://pulse.example/pricing'],
  ['e4', 'web_visit', '2026-10-25T09:00:00Z', 'dana', 'https://pulse.example/demo'],
  ['e5', 'web_visit', '2026-11-23T09:00:00Z', 'sam', 'https://pulse.example/pricing'],
  ['e6', 'web_visit', '2026-11-22T09:00:00Z', 'dana', 'https://pulse.example/blog'],
  ['e7', 'meeting', '2026-08-01T09:00:00Z', 'dana', null],
];

describe('docs worked example', () => {
  const lines = events.map(([id, type, at, who, url]) =>
    explainEvent(
      model,
      references,
      { id, type, occurredAt: new Date(at), url },
      people[who] ?? null,
      { industry: null, employees: null },
      '2026-11-24',
    ),
  );

  it('receipt lines match the table', () => {
    expect(lines.map((l) => l.contribution)).toEqual([
      expect.closeTo(4.833333, 5),
      expect.closeTo(1.666667, 5),
      0.5,
      0.75,
      0,
      0,
      0,
    ]);
    expect(lines.map((l) => l.excluded)).toEqual([
      null,
      null,
      null,
      null,
      'excluded by multiplier rule #3 (titleMatches=student|intern)',
      'no KPI counts type web_visit',
      'outside window',
    ]);
  });

  it('finishes to 47, Medium, Heating', () => {
    const kpis: Record<string, { points: number; count: number }> = {};
    const byPerson = new Map<string, FinishPerson>();
    lines.forEach((l, i) => {
      const who = events[i]?.[3] ?? '';
      if (l.excluded || !l.kpi) return;
      const k = (kpis[l.kpi] ??= { points: 0, count: 0 });
      k.points += l.contribution;
      k.count += 1;
      const p = byPerson.get(who) ?? { personId: who, points: 0, kpiPoints: {}, ...(people[who] as ScoringPerson) };
      p.points += l.contribution;
      byPerson.set(who, p);
    });
    const r = finishAccount(
      model,
      references,
      { accountId: 'acme', kpis, people: [...byPerson.values()], lastActivity: '2026-11-24' },
      { score: 30, subscores: {} },
    );
    expect(r?.kpis['meetings']?.points).toBeCloseTo(6.5, 9);
    expect(r?.kpis['meetings']?.subscore).toBeCloseTo(47.795, 3);
    expect(r?.kpis['web_high_intent']?.subscore).toBeCloseTo(46.474, 3);
    expect(r?.scoreExact).toBeCloseTo(47.267, 3);
    expect(r).toMatchObject({
      score: 47,
      band: 'Medium',
      trend: 'Heating',
      change30d: 17,
      peopleEngaged: 2,
      coveragePct: 100,
      mqa: false,
    });
    expect(r?.topPeople.map((p) => [p.personId, Number(p.share.toFixed(3))])).toEqual([
      ['dana', 0.72],
      ['lee', 0.28],
    ]);
    expect(r?.topKpis.map((k) => [k.key, Number(k.share.toFixed(3))])).toEqual([
      ['meetings', 0.607],
      ['web_high_intent', 0.393],
    ]);
  });
});
