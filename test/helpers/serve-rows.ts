/**
 * Training frames and request rows for the serving-path suites (src/serve/fused.test.ts,
 * src/serve/log-group.test.ts): numbers with missing values, categoricals with many levels, a
 * boolean, a date and a timestamp; requests with nulls, absent fields, numbers sent as text and
 * unseen categories.
 */
import { Frame, encodeStrings, numberColumn, type Column } from '../../src/frame/frame.js';
import { Rng } from '../../src/util/random.js';

const C1 = ['alpha', 'beta', 'gamma', 'delta'];
const BIG = Array.from({ length: 12 }, (_, i) => `b${i}`);
const DAY0 = Date.UTC(2023, 0, 1);
const DAY = 86_400_000;

/** Training frame: numbers with missing values, two categoricals (one with many levels), a boolean, a date and a timestamp. */
export function trainingFrame(n: number, task: 'binary' | 'multiclass' | 'regression', seed: number): Frame {
  const rng = new Rng(seed);
  const x = [0, 1, 2, 3].map(() => new Float64Array(n));
  const c1: (string | null)[] = [];
  const big: (string | null)[] = [];
  const flag = new Float64Array(n);
  const day = new Float64Array(n);
  const ts = new Float64Array(n);
  const y: (string | number)[] = [];
  for (let i = 0; i < n; i++) {
    for (const col of x) col[i] = rng.normal();
    const l = rng.int(4);
    c1.push(rng.next() < 0.08 ? null : C1[l]);
    // Skewed so that a cap on one-hot levels has frequent and rare levels.
    const b = Math.min(11, Math.floor(-Math.log(1 - rng.next()) * 3));
    big.push(rng.next() < 0.05 ? null : BIG[b]);
    flag[i] = rng.next() < 0.05 ? NaN : rng.next() < 0.4 ? 1 : 0;
    day[i] = rng.next() < 0.05 ? NaN : DAY0 + rng.int(700) * DAY;
    ts[i] = DAY0 + Math.floor(rng.next() * 700 * DAY);
    const s = 1.5 * x[0][i] - x[1][i] + 0.5 * x[2][i] * x[0][i] + [0.8, -0.6, 0.2, -0.4][l] + (b % 3) * 0.3 + (flag[i] === 1 ? 0.5 : 0);
    if (rng.next() < 0.1) x[2][i] = NaN;
    if (rng.next() < 0.03) x[3][i] = NaN;
    if (task === 'regression') y.push(3 * s + 0.3 * rng.normal());
    else if (task === 'binary') y.push(1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no');
    else y.push(`class_${Math.min(2, Math.max(0, Math.floor((s + 1.5) / 1 + 0.4 * rng.normal())))}`);
  }
  const cols: Column[] = [
    ...x.map((v, j) => numberColumn(`x${j + 1}`, v)),
    encodeStrings('c1', c1),
    encodeStrings('big', big),
    numberColumn('flag', flag, 'boolean'),
    numberColumn('day', day, 'date'),
    numberColumn('ts', ts, 'timestamp'),
    task === 'regression' ? numberColumn('y', Float64Array.from(y as number[])) : encodeStrings('y', y as string[]),
  ];
  return new Frame(cols);
}

const iso = (ms: number, time: boolean): string => {
  const s = new Date(ms).toISOString();
  return time ? `${s.slice(0, 10)} ${s.slice(11, 19)}` : s.slice(0, 10);
};

/** Random request rows: missing (null or absent) values, numbers as text, unseen categories. */
export function requestRows(n: number, seed: number, withSegment = false): Record<string, unknown>[] {
  const rng = new Rng(seed);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = {};
    for (let j = 1; j <= 4; j++) {
      const u = rng.next();
      if (u < 0.08) r[`x${j}`] = null;
      else if (u < 0.12) continue; // absent
      else if (u < 0.2) r[`x${j}`] = String(Math.round(rng.normal() * 1000) / 1000);
      else r[`x${j}`] = rng.normal() * 1.5;
    }
    const u = rng.next();
    r.c1 = u < 0.1 ? null : u < 0.2 ? 'omega' : C1[rng.int(4)];
    const v = rng.next();
    if (v >= 0.05) r.big = v < 0.1 ? null : v < 0.2 ? 'b99' : BIG[rng.int(12)];
    const f = rng.next();
    r.flag = f < 0.1 ? null : f < 0.55;
    const d = rng.next();
    r.day = d < 0.1 ? null : iso(DAY0 + rng.int(900) * DAY - 100 * DAY, false);
    r.ts = iso(DAY0 + Math.floor(rng.next() * 900 * DAY), true);
    if (withSegment) r.c1 = u < 0.1 ? 'gamma' : C1[rng.int(4)];
    r.unused = 'ignored';
    out.push(r);
  }
  // Every column present somewhere (the reference frame needs it).
  Object.assign(out[0], { x1: 0.5, x2: -0.25, x3: 1.25, x4: 2, big: 'b0' });
  return out;
}

