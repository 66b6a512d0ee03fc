import type { Issue } from '../../../errors';
import { IssueLog } from '../issues';

/** Issues on lines in a scrambled order, some lines twice (a row can have several problems). */
function scrambled(n: number): Issue[] {
  const out: Issue[] = [];
  for (let i = 0; i < n; i++) {
    const line = 2 + ((i * 7919) % n);
    out.push({ path: `f.csv line ${line}`, message: `problem ${i}` });
    if (i % 10 === 0) out.push({ path: `f.csv line ${line}`, message: `second problem ${i}` });
  }
  return out;
}
const lineOf = (i: Issue) => Number(/line (\d+)/.exec(i.path)?.[1]);

describe('IssueLog', () => {
  it('keeps the first `cap` issues in reading order, counts every one and holds at most twice the cap', () => {
    const all = scrambled(5_000);
    const log = new IssueLog(lineOf, 100);
    for (const i of all) log.push(i);
    expect(log.count).toBe(all.length);
    expect(log.peak).toBeLessThanOrEqual(200);
    const expected = [...all].sort((a, b) => lineOf(a) - lineOf(b)).slice(0, 100);
    expect(log.report()).toEqual([
      ...expected,
      { path: '', message: `… and ${all.length - 100} more problems (${all.length} in all)` },
    ]);
  });

  it('reports every issue, sorted, with no summary when there are no more than the cap', () => {
    const log = new IssueLog(lineOf, 3);
    for (const line of [9, 4, 7]) log.push({ path: `f.csv line ${line}`, message: 'x' });
    expect(log.count).toBe(3);
    expect(log.report().map(lineOf)).toEqual([4, 7, 9]);
  });
});
