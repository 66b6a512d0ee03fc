/**
 * The preview's and the LWC tests' fixtures (written by `npm run fixtures`) hold what the engine wrote for
 * the generated org, so they obey the scoring contract: checked here with the engine's own band and trend
 * functions and the default model's thresholds, never re-typed ones.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';
import { bandOf } from '@pulse/server/src/scoring/band';
import { trendOf } from '@pulse/server/src/scoring/trend';
import { CONTRIBUTORS_VERSION, HISTORY_DAYS } from '@pulse/server/src/writeback/outputs';
import { BOARD_DATA, CARD_DATA } from '../fixturePaths';

type Fields = Record<string, string | number | boolean | null>;
const model = DEFAULT_MODEL;
const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Every card record (getRecord.*.json answers with fields), by scenario. */
const cards: [string, Fields][] = readdirSync(CARD_DATA)
  .filter((f) => /^getRecord\.\w+\.json$/.test(f))
  .map((f) => [f, read(path.join(CARD_DATA, f)) as { fields?: Record<string, { value: Fields[string] }> }] as const)
  .filter(([, r]) => r.fields)
  .map(([f, r]) => [f, Object.fromEntries(Object.entries(r.fields!).map(([k, v]) => [k, v.value]))]);
const scoredCards = cards.filter(([, f]) => f.Engagement_Score__c !== null);
const board = read(path.join(BOARD_DATA, 'accounts.leaderboard.json')) as Fields[];
const people = read(path.join(CARD_DATA, 'getRecords.people.json')) as { id: string }[];
/** The malformed scenario damages the stored contributors JSON and history on purpose. */
const intact = scoredCards.filter(([f]) => f !== 'getRecord.malformed.json');

/** The history as the write-back writes it: one item per day, oldest first, blank for a day without a score. */
function days(history: unknown): (number | null)[] {
  return String(history)
    .split(',')
    .map((d) => (d === '' ? null : Number(d)));
}

describe('the fixtures hold what the engine produced', () => {
  it('cover every card scenario and, on the leaderboard, every trend and every band', () => {
    expect(cards.map(([f]) => f).sort()).toEqual(
      ['loneWolf', 'malformed', 'neverScored', 'stale', 'surging'].map((s) => `getRecord.${s}.json`).sort(),
    );
    expect(new Set(board.map((a) => a.Engagement_Trend__c))).toEqual(
      new Set(['New', 'Cooling', 'Neutral', 'Heating', 'Surging']),
    );
    expect(new Set(board.map((a) => a.Engagement_Band__c))).toEqual(new Set(['Low', 'Medium', 'High', 'Very High']));
  });

  it.each([...scoredCards.map(([f, r]) => [f, r] as const), ...board.map((a) => [String(a.Name), a] as const)])(
    '%s: the band is the band of the score, the trend the trend of its 30-day change',
    (_name, a) => {
      const score = Number(a.Engagement_Score__c);
      expect(Number.isInteger(score) && score >= 0 && score <= 100).toBe(true);
      expect(a.Engagement_Band__c).toBe(bandOf(model, score));
      const change = a.Engagement_Score_Change_30d__c as number | null;
      const expected = trendOf(model, score, change === null ? null : score - change);
      expect({ trend: a.Engagement_Trend__c, change }).toEqual(expected);
    },
  );

  it.each(intact)('%s: the 90-day history ends at the score and gives the 30-day change', (_f, a) => {
    const history = days(a.Engagement_History__c);
    expect(history).toHaveLength(HISTORY_DAYS);
    expect(history.at(-1)).toBe(a.Engagement_Score__c);
    // New exactly when there was no score `trend.days` before today; otherwise the change is the difference.
    const then = history.at(-1 - model.trend.days) ?? null;
    expect(trendOf(model, history.at(-1) ?? null, then)).toEqual({
      trend: a.Engagement_Trend__c,
      change: a.Engagement_Score_Change_30d__c,
    });
  });

  it.each(intact)('%s: the contributors JSON is version 2, sorted and bounded as the write-back writes it', (_f, a) => {
    const doc = JSON.parse(String(a.Engagement_Top_Contributors__c)) as {
      v: number;
      people: { id: string; points: number; share: number }[];
      kpis: { key: string; label: string; points: number; share: number }[];
      drivers: { key: string; label: string; change: number }[];
    };
    expect(doc.v).toBe(CONTRIBUTORS_VERSION);
    expect(doc.people.length).toBeLessThanOrEqual(10);
    expect(doc.kpis.length).toBeLessThanOrEqual(10);
    expect(doc.drivers.length).toBeLessThanOrEqual(5);
    // People carry only an id, points and a share: names and titles stay on the Contact or Lead.
    for (const p of doc.people) {
      expect(Object.keys(p).sort()).toEqual(['id', 'points', 'share']);
      expect(p.id).toMatch(/^$|^(003|00Q)[0-9A-Za-z]{15}$/);
      expect(p.share).toBeGreaterThanOrEqual(0);
      expect(p.share).toBeLessThanOrEqual(1);
    }
    const sortedDesc = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! >= x);
    expect(sortedDesc(doc.people.map((p) => p.points))).toBe(true);
    expect(sortedDesc(doc.kpis.map((k) => k.share))).toBe(true);
    expect(sortedDesc(doc.drivers.map((d) => Math.abs(d.change)))).toBe(true);
    const keys = new Set(model.kpis.map((k) => k.key));
    expect([...doc.kpis, ...doc.drivers].every((k) => keys.has(k.key))).toBe(true);
    // The card names the people from their records: each one with an id has one in the people fixture.
    const known = new Set(people.map((p) => p.id));
    expect(doc.people.filter((p) => p.id !== '' && !known.has(p.id))).toEqual([]);
  });

  it.each(intact)('%s: MQA has a start date only while true, and the coverage is a percentage', (_f, a) => {
    expect(a.Engagement_MQA_Date__c === null).toBe(a.Engagement_MQA__c !== true);
    const coverage = Number(a.Engagement_Committee_Coverage__c);
    expect(coverage >= 0 && coverage <= 100).toBe(true);
  });

  it('leaves every output of the never-scored account blank', () => {
    const [, never] = cards.find(([f]) => f === 'getRecord.neverScored.json')!;
    const { Name: _name, Engagement_MQA__c: mqa, ...outputs } = never;
    expect(mqa).toBe(false);
    expect(Object.values(outputs).every((v) => v === null)).toBe(true);
  });
});
