/**
 * Small seeded synthetic data sets for tests: numeric, categorical and missing values, with a
 * learnable signal for each task.
 */
import { Frame, encodeStrings, numberColumn, type Column } from '../../src/frame/frame.js';
import type { Task } from '../../src/schema/types.js';
import { Rng } from '../../src/util/random.js';

export interface SyntheticOptions {
  n: number;
  task: Task;
  nClasses?: number;
  seed?: number;
  categorical?: boolean;
  missing?: number;
}

export interface Synthetic {
  /** Raw frame including the target column `y`. */
  frame: Frame;
  target: string;
}

const LEVELS = ['alpha', 'beta', 'gamma', 'delta'];

/** Features x1..x4 (numeric, x3 with missing values), c1 (categorical), target `y`. */
export function makeSynthetic(opts: SyntheticOptions): Synthetic {
  const rng = new Rng(opts.seed ?? 1);
  const n = opts.n;
  const k = opts.task === 'multiclass' ? (opts.nClasses ?? 3) : 2;
  const x = [0, 1, 2, 3].map(() => new Float64Array(n));
  const cat: (string | null)[] = [];
  const y: (string | number)[] = [];
  const missing = opts.missing ?? 0.1;
  for (let i = 0; i < n; i++) {
    for (const col of x) col[i] = rng.normal();
    const level = rng.int(LEVELS.length);
    cat.push(opts.categorical === false ? null : LEVELS[level]);
    const effect = opts.categorical === false ? 0 : [0.8, -0.6, 0.2, -0.4][level];
    const s = 1.5 * x[0][i] - x[1][i] + 0.5 * x[2][i] * x[0][i] + effect;
    if (rng.next() < missing) x[2][i] = NaN;
    if (opts.task === 'regression') y.push(3 * s + 0.3 * rng.normal());
    else if (opts.task === 'binary') y.push(1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no');
    else {
      const band = Math.min(k - 1, Math.max(0, Math.floor((s + 1.5) / (3 / k) + 0.4 * rng.normal())));
      y.push(`class_${band}`);
    }
  }
  const cols: Column[] = x.map((v, j) => numberColumn(`x${j + 1}`, v));
  if (opts.categorical !== false) cols.push(encodeStrings('c1', cat));
  cols.push(opts.task === 'regression' ? numberColumn('y', Float64Array.from(y as number[])) : encodeStrings('y', y as string[]));
  return { frame: new Frame(cols), target: 'y' };
}
