import { fitLogistic, predict, sigmoid, solve } from '../logistic';

/** n rows of value x, `positives` of them labelled 1. */
function rows(x: number, n: number, positives: number): { x: number[][]; y: number[] } {
  return { x: Array.from({ length: n }, () => [x]), y: Array.from({ length: n }, (_, i) => (i < positives ? 1 : 0)) };
}
function join(...parts: { x: number[][]; y: number[] }[]) {
  return { x: parts.flatMap((p) => p.x), y: parts.flatMap((p) => p.y) };
}

describe('L2-regularized logistic regression', () => {
  it('solves a linear system', () => {
    // 2a + b = 5, a + 3b = 10 → a = 1, b = 3.
    const [a, b] = solve(
      [
        [2, 1],
        [1, 3],
      ],
      [5, 10],
    );
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(3, 12);
  });

  it('without penalty, recovers the log-odds of a binary feature by hand', () => {
    // x = 0: 2 of 10 positive → intercept = ln(2/8) = −1.3863;
    // x = 1: 6 of 10 positive → slope = ln(6/4) − ln(2/8) = 0.4055 + 1.3863 = 1.7918.
    const d = join(rows(0, 10, 2), rows(1, 10, 6));
    const fit = fitLogistic(d.x, d.y, { lambda: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(Math.log(2 / 8), 6);
    expect(fit.coefficients[0]).toBeCloseTo(Math.log(6 / 4) - Math.log(2 / 8), 6);
    expect(predict(fit, [1])).toBeCloseTo(0.6, 6);
  });

  it('with a penalty, satisfies the penalized score equations Xᵀ(y − p) = λβ, and shrinks', () => {
    const d = join(rows(0, 10, 2), rows(1, 10, 6), rows(0.5, 6, 3));
    const loose = fitLogistic(d.x, d.y, { lambda: 0 });
    const fit = fitLogistic(d.x, d.y, { lambda: 5 });
    let g0 = 0;
    let g1 = 0;
    d.x.forEach((row, i) => {
      const r = d.y[i]! - predict(fit, row);
      g0 += r;
      g1 += row[0]! * r;
    });
    expect(g0).toBeCloseTo(0, 6);
    expect(g1).toBeCloseTo(5 * fit.coefficients[0]!, 6);
    expect(Math.abs(fit.coefficients[0]!)).toBeLessThan(Math.abs(loose.coefficients[0]!));
  });

  it('stays finite on a separating column and orders the columns by what they predict', () => {
    // Column 0 separates perfectly, column 1 is noise (the same in both classes).
    const x = [
      [1, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 1],
    ];
    const y = [1, 1, 1, 0, 0, 0];
    const fit = fitLogistic(x, y, { lambda: 1 });
    expect(Number.isFinite(fit.coefficients[0]!)).toBe(true);
    expect(fit.coefficients[0]!).toBeGreaterThan(1);
    expect(Math.abs(fit.coefficients[1]!)).toBeLessThan(0.5);
  });

  it('σ is symmetric and stable at the extremes', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});
