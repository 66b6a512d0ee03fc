/**
 * L2-regularized logistic regression by Newton's method (iteratively reweighted least squares), pure.
 * Written here rather than taken from a library: nothing suitable and well kept is installed, and the
 * problem is small (one column per KPI, a few dozen at most), where Newton converges in a handful of
 * steps with a dense K×K solve. The intercept is not penalized.
 */

/** A fitted model: P(y = 1 | x) = σ(intercept + Σ coefficients[j] · x[j]). */
export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

/** Fitting options: `lambda` the L2 penalty on the coefficients (½ λ ‖β‖² is added to the loss). */
export interface LogisticOptions {
  lambda?: number;
  maxIterations?: number;
  /** Stop when no parameter moves by more than this in a step. */
  tolerance?: number;
}

/** The logistic function. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b for a symmetric positive-definite A (Gaussian elimination with partial pivoting). */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-300) throw new Error('singular system');
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let k = col; k <= n; k++) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * Fits y (0/1) on the rows of x. Each Newton step solves (Xᵀ W X + Λ) Δ = Xᵀ (y − p) − Λ θ with W the
 * diagonal p (1 − p) and Λ = λ on the coefficients, 0 on the intercept; the penalty keeps the system
 * positive definite and the estimates finite even when a column separates the classes.
 */
export function fitLogistic(
  x: readonly (readonly number[])[],
  y: readonly number[],
  opts: LogisticOptions = {},
): LogisticFit {
  const lambda = opts.lambda ?? 1;
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-10;
  const k = x[0]?.length ?? 0;
  const d = k + 1;
  // θ = [intercept, β…]
  const theta = new Array<number>(d).fill(0);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    const g = new Array<number>(d).fill(0);
    for (let i = 0; i < x.length; i++) {
      const row = x[i]!;
      let z = theta[0]!;
      for (let j = 0; j < k; j++) z += theta[j + 1]! * row[j]!;
      const p = sigmoid(z);
      const w = p * (1 - p);
      const r = y[i]! - p;
      for (let a = 0; a < d; a++) {
        const xa = a === 0 ? 1 : row[a - 1]!;
        g[a]! += xa * r;
        for (let b = a; b < d; b++) h[a]![b]! += w * xa * (b === 0 ? 1 : row[b - 1]!);
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) h[a]![b] = h[b]![a]!;
    for (let j = 1; j < d; j++) {
      h[j]![j]! += lambda;
      g[j]! -= lambda * theta[j]!;
    }
    // A tiny ridge on the intercept too, so a column of one class alone cannot make the system singular.
    h[0]![0]! += 1e-9;
    const step = solve(h, g);
    let moved = 0;
    for (let a = 0; a < d; a++) {
      theta[a]! += step[a]!;
      moved = Math.max(moved, Math.abs(step[a]!));
    }
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }
  return { intercept: theta[0]!, coefficients: theta.slice(1), iterations, converged };
}

/** The fitted probability of one row. */
export function predict(fit: LogisticFit, row: readonly number[]): number {
  let z = fit.intercept;
  fit.coefficients.forEach((c, j) => (z += c * row[j]!));
  return sigmoid(z);
}
