import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/random.js';
import { cholesky, choleskySolve } from './cholesky.js';
import { fitElasticNet } from './enet.js';
import { lbfgs } from './lbfgs.js';
import { fitLogistic } from './logistic.js';
import { fitRidge } from './ridge.js';

/** A column-major random design with a linear signal, plus class labels and a numeric target. */
function problem(n: number, p: number, seed: number, k = 2): { X: Float64Array; y: Float64Array; yc: Float64Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const beta = Array.from({ length: p }, (_, j) => (j % 2 === 0 ? 1 : -0.5) / (1 + j));
  const y = new Float64Array(n);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0.3;
    for (let j = 0; j < p; j++) s += beta[j] * X[j * n + i];
    y[i] = 2 * s + 0.5 * rng.normal();
    const u = s + 0.8 * rng.normal();
    yc[i] = k === 2 ? (u > 0.3 ? 1 : 0) : Math.min(k - 1, Math.max(0, Math.floor(u + k / 2)));
  }
  return { X, y, yc };
}

/** Repeats row i of a column-major matrix w[i] times. */
function repeatRows(X: Float64Array, n: number, p: number, w: Float64Array): { X: Float64Array; rows: number[] } {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) for (let r = 0; r < w[i]; r++) rows.push(i);
  const m = rows.length;
  const out = new Float64Array(m * p);
  for (let j = 0; j < p; j++) for (let t = 0; t < m; t++) out[j * m + t] = X[j * n + rows[t]];
  return { X: out, rows };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('lbfgs', () => {
  it('minimises the extended Rosenbrock function to its optimum', () => {
    const d = 10;
    const rosen = (x: Float64Array, g: Float64Array): number => {
      let f = 0;
      g.fill(0);
      for (let i = 0; i < d - 1; i++) {
        const a = x[i + 1] - x[i] * x[i];
        const b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] += -400 * x[i] * a - 2 * b;
        g[i + 1] += 200 * a;
      }
      return f;
    };
    const x0 = new Float64Array(d).fill(-1.2);
    const r = lbfgs(rosen, x0, { gtol: 1e-9, maxIter: 5000 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 6);
    expect(Array.from(x0)).toEqual(new Array(d).fill(-1.2)); // start point not modified
  });

  it('stops at max_iter and says so', () => {
    const r = lbfgs((x, g) => {
      g[0] = 2 * (x[0] - 1) + 4 * x[0] ** 3;
      return (x[0] - 1) ** 2 + x[0] ** 4;
    }, Float64Array.of(50), { maxIter: 1, gtol: 1e-14 });
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/maximum iterations/);
  });
});

describe('cholesky', () => {
  it('solves a random SPD system and refuses an indefinite one', () => {
    const p = 12;
    const rng = new Rng(3);
    const M = Array.from({ length: p * p }, () => rng.normal());
    const A = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < p; k++) s += M[i * p + k] * M[j * p + k];
      A[i * p + j] = s;
    }
    const b = Float64Array.from({ length: p }, () => rng.normal());
    const L = A.slice();
    expect(cholesky(L, p)).toBe(true);
    const x = b.slice();
    choleskySolve(L, p, x);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += A[i * p + j] * x[j];
      expect(s).toBeCloseTo(b[i], 9);
    }
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });
});

describe('logistic regression', () => {
  const n = 300;
  const p = 5;

  it('binary: zero gradient at the solution (intercept unpenalised)', () => {
    const { X, yc } = problem(n, p, 1);
    const sw = new Float64Array(n).fill(1);
    const C = 0.7;
    const sol = fitLogistic({ X, n, p, y: yc, sw, k: 2, C, maxIter: 1000, tol: 1e-10 });
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = sol.intercept[0];
      for (let j = 0; j < p; j++) z += sol.coef[j] * X[j * n + i];
      r[i] = 1 / (1 + Math.exp(-z)) - yc[i];
    }
    expect(Math.abs(r.reduce((a, b) => a + b, 0))).toBeLessThan(1e-8);
    for (let j = 0; j < p; j++) {
      let g = sol.coef[j] / C;
      for (let i = 0; i < n; i++) g += X[j * n + i] * r[i];
      expect(Math.abs(g)).toBeLessThan(1e-8);
    }
  });

  it('integer sample weights equal repeated rows (binary and multinomial)', () => {
    for (const k of [2, 4]) {
      const { X, yc } = problem(n, p, 2, k);
      const w = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
      const rep = repeatRows(X, n, p, w);
      const yRep = Float64Array.from(rep.rows, (i) => yc[i]);
      const a = fitLogistic({ X, n, p, y: yc, sw: w, k, C: 1, maxIter: 2000, tol: 1e-9 });
      const b = fitLogistic({ X: rep.X, n: rep.rows.length, p, y: yRep, sw: new Float64Array(rep.rows.length).fill(1), k, C: 1, maxIter: 2000, tol: 1e-9 });
      expect(maxDiff(a.coef, b.coef)).toBeLessThan(1e-7);
      expect(maxDiff(a.intercept, b.intercept)).toBeLessThan(1e-7);
    }
  });

  it('two-class multinomial with C equals binary logistic with 2C', () => {
    const { X, yc } = problem(n, p, 4);
    const sw = new Float64Array(n).fill(1);
    const bin = fitLogistic({ X, n, p, y: yc, sw, k: 2, C: 2, maxIter: 1000, tol: 1e-10 });
    const multi = fitLogistic({ X, n, p, y: yc, sw, k: 2, C: 1, maxIter: 1000, tol: 1e-10, multinomial: true });
    for (let j = 0; j < p; j++) expect(multi.coef[p + j] - multi.coef[j]).toBeCloseTo(bin.coef[j], 7);
    expect(multi.intercept[1] - multi.intercept[0]).toBeCloseTo(bin.intercept[0], 7);
  });

  it('separable data stays finite under the L2 penalty', () => {
    const X = Float64Array.of(-2, -1, 1, 2);
    const y = Float64Array.of(0, 0, 1, 1);
    const sol = fitLogistic({ X, n: 4, p: 1, y, sw: new Float64Array(4).fill(1), k: 2, C: 1, maxIter: 1000, tol: 1e-8 });
    expect(sol.converged).toBe(true);
    expect(Number.isFinite(sol.coef[0]) && sol.coef[0] > 0).toBe(true);
  });
});

describe('ridge and elastic net', () => {
  const n = 200;
  const p = 6;

  it('ridge: normal equations hold with an unpenalised intercept; weights = repeated rows', () => {
    const { X, y } = problem(n, p, 5);
    const w = Float64Array.from({ length: n }, (_, i) => 1 + (i % 4));
    const alpha = 3;
    const sol = fitRidge({ X, n, p, y, sw: w, alpha });
    // Gradient of Σ w (y − b − xw)² + α‖w‖² vanishes.
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = sol.intercept[0];
      for (let j = 0; j < p; j++) z += sol.coef[j] * X[j * n + i];
      r[i] = w[i] * (y[i] - z);
    }
    expect(Math.abs(r.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
    for (let j = 0; j < p; j++) {
      let g = -alpha * sol.coef[j];
      for (let i = 0; i < n; i++) g += X[j * n + i] * r[i];
      expect(Math.abs(g)).toBeLessThan(1e-9);
    }
    const rep = repeatRows(X, n, p, w);
    const b = fitRidge({ X: rep.X, n: rep.rows.length, p, y: Float64Array.from(rep.rows, (i) => y[i]), sw: new Float64Array(rep.rows.length).fill(1), alpha });
    expect(maxDiff(sol.coef, b.coef)).toBeLessThan(1e-10);
  });

  it('ridge with alpha = 0 on collinear columns still returns finite coefficients', () => {
    const { X, y } = problem(n, 2, 6);
    const X3 = new Float64Array(n * 3);
    X3.set(X);
    X3.set(X.subarray(0, n), 2 * n); // column 2 duplicates column 0
    const sol = fitRidge({ X: X3, n, p: 3, y, sw: new Float64Array(n).fill(1), alpha: 0 });
    for (const v of sol.coef) expect(Number.isFinite(v)).toBe(true);
  });

  it('elastic net with l1_ratio = 0 equals ridge with alpha·n (sklearn\'s 1/(2n) scaling)', () => {
    const { X, y } = problem(n, p, 7);
    const sw = new Float64Array(n).fill(1);
    const en = fitElasticNet({ X, n, p, y, sw, alpha: 0.05, l1Ratio: 0, maxIter: 100000, tol: 1e-12 });
    const rd = fitRidge({ X, n, p, y, sw, alpha: 0.05 * n });
    expect(en.converged).toBe(true);
    expect(maxDiff(en.coef, rd.coef)).toBeLessThan(1e-8);
    expect(en.intercept[0]).toBeCloseTo(rd.intercept[0], 8);
    // alpha = 0: plain least squares either way.
    const ols = fitElasticNet({ X, n, p, y, sw, alpha: 0, l1Ratio: 0.5, maxIter: 100000, tol: 1e-12 });
    expect(ols.converged).toBe(true);
    expect(maxDiff(ols.coef, fitRidge({ X, n, p, y, sw, alpha: 0 }).coef)).toBeLessThan(1e-6);
  });

  it('lasso: the KKT conditions hold and some coefficients are exactly zero', () => {
    const { X, y } = problem(n, p, 8);
    const sw = new Float64Array(n).fill(1);
    const alpha = 0.5;
    const sol = fitElasticNet({ X, n, p, y, sw, alpha, l1Ratio: 1, maxIter: 100000, tol: 1e-14 });
    expect(sol.converged).toBe(true);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = sol.intercept[0];
      for (let j = 0; j < p; j++) z += sol.coef[j] * X[j * n + i];
      r[i] = y[i] - z;
    }
    let zeros = 0;
    for (let j = 0; j < p; j++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += X[j * n + i] * r[i];
      c /= n; // subgradient of 1/(2n)‖r‖² + α‖w‖₁
      if (sol.coef[j] === 0) {
        zeros++;
        expect(Math.abs(c)).toBeLessThanOrEqual(alpha + 1e-9);
      } else expect(c).toBeCloseTo(alpha * Math.sign(sol.coef[j]), 7);
    }
    expect(zeros).toBeGreaterThan(0);
  });
});

describe('sparse 0/1 columns', () => {
  it('give bit-identical solutions to the dense reading (logistic, multinomial, ridge)', async () => {
    const { sparseColumns } = await import('./kernels.js');
    const n = 400;
    const rng = new Rng(11);
    // 3 dense columns, then a 6-level one-hot block and a rare indicator.
    const p = 3 + 6 + 1;
    const X = new Float64Array(n * p);
    const y = new Float64Array(n);
    const y3 = new Float64Array(n);
    const yr = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) X[j * n + i] = rng.normal();
      const level = rng.int(6);
      X[(3 + level) * n + i] = 1;
      if (rng.next() < 0.05) X[9 * n + i] = 1;
      const s = X[i] - 0.5 * X[n + i] + 0.3 * level - 0.7;
      y[i] = s + rng.normal() > 0 ? 1 : 0;
      y3[i] = Math.min(2, Math.max(0, Math.round(s + 1 + 0.5 * rng.normal())));
      yr[i] = 3 * s + rng.normal();
    }
    const ones = sparseColumns(X, n, p);
    expect(ones.slice(0, 3).every((o) => o === null)).toBe(true);
    expect(ones.slice(3).every((o) => o !== null)).toBe(true);
    const sw = Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 3));
    for (const [k, yy] of [
      [2, y],
      [3, y3],
    ] as const) {
      const a = fitLogistic({ X, n, p, y: yy, sw, k, C: 1, maxIter: 500, tol: 1e-6 });
      const b = fitLogistic({ X, n, p, y: yy, sw, k, C: 1, maxIter: 500, tol: 1e-6, ones });
      expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
      expect(Array.from(b.intercept)).toEqual(Array.from(a.intercept));
    }
    const ra = fitRidge({ X, n, p, y: yr, sw, alpha: 1 });
    const rb = fitRidge({ X, n, p, y: yr, sw, alpha: 1, ones });
    expect(Array.from(rb.coef)).toEqual(Array.from(ra.coef));
  });
});
