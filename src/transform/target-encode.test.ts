import { describe, expect, it } from 'vitest';
import { Frame, encodeStrings, type NumberColumn } from '../frame/frame.js';
import { Rng } from '../util/random.js';
import { TargetEncoder } from './target-encode.js';
import { copyState, stateKey } from './types.js';

const LEVELS = ['a', 'b', 'c', 'd', 'e', 'f'];

function data(n: number, seed: number): { frame: Frame; yBin: Float64Array; yReg: Float64Array; yMulti: Float64Array } {
  const rng = new Rng(seed);
  const labels: (string | null)[] = [];
  const yBin = new Float64Array(n);
  const yReg = new Float64Array(n);
  const yMulti = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = rng.int(LEVELS.length);
    labels.push(rng.next() < 0.05 ? null : LEVELS[l]);
    yBin[i] = rng.next() < 0.2 + 0.1 * l ? 1 : 0;
    yReg[i] = 10 * l + rng.normal();
    yMulti[i] = (l + rng.int(2)) % 3;
  }
  return { frame: new Frame([encodeStrings('g', labels)]), yBin, yReg, yMulti };
}

const col = (f: Frame, name: string): Float64Array => (f.column(name) as NumberColumn).values;

describe('TargetEncoder', () => {
  it('out-of-fold: a training row\'s encoding never depends on its own target', () => {
    const { frame, yBin, yReg } = data(300, 1);
    for (const [task, y] of [
      ['binary', yBin],
      ['regression', yReg],
    ] as const) {
      const base = col(TargetEncoder.fitTransform(frame, ['g'], y, { task, nClasses: 2, seed: 9 }).encoded, 'g__te');
      for (const i of [0, 17, 123, 299]) {
        const y2 = y.slice();
        y2[i] = task === 'binary' ? 1 - y2[i] : y2[i] + 1000;
        const { encoder, encoded } = TargetEncoder.fitTransform(frame, ['g'], y2, { task, nClasses: 2, seed: 9 });
        expect(col(encoded, 'g__te')[i]).toBe(base[i]);
        // The full-training statistics (used for new rows) do see the change: the guard is not vacuous.
        const full = col(encoder.transform(frame.take([i])), 'g__te')[0];
        const fullBefore = col(TargetEncoder.fitTransform(frame, ['g'], y, { task, nClasses: 2, seed: 9 }).encoder.transform(frame.take([i])), 'g__te')[0];
        expect(full).not.toBe(fullBefore);
      }
    }
  });

  it('encodes new rows with m-estimate smoothing towards the prior; missing and unseen get the prior', () => {
    const { frame, yReg } = data(200, 2);
    const m = 10;
    const { encoder } = TargetEncoder.fitTransform(frame, ['g'], yReg, { task: 'regression', nClasses: 1, smoothing: m, seed: 1 });
    const prior = yReg.reduce((a, b) => a + b, 0) / yReg.length;
    const codes = (frame.column('g') as { codes: Int32Array }).codes;
    const dict = (frame.column('g') as { dictionary: readonly string[] }).dictionary;
    const test = new Frame([encodeStrings('g', [...dict, 'unseen', null])]);
    const out = col(encoder.transform(test), 'g__te');
    dict.forEach((_, l) => {
      let s = 0;
      let c = 0;
      for (let i = 0; i < codes.length; i++) if (codes[i] === l) (s += yReg[i]), c++;
      expect(out[l]).toBeCloseTo((s + m * prior) / (c + m), 10);
    });
    expect(out[dict.length]).toBeCloseTo(prior, 12);
    expect(out[dict.length + 1]).toBeCloseTo(prior, 12);
  });

  it('multiclass: one column per class, each row a distribution', () => {
    const { frame, yMulti } = data(240, 3);
    const { encoder, encoded } = TargetEncoder.fitTransform(frame, ['g'], yMulti, { task: 'multiclass', nClasses: 3, seed: 4 });
    expect(encoded.names).toEqual(['g__te=0', 'g__te=1', 'g__te=2']);
    for (const f of [encoded, encoder.transform(frame)]) {
      for (let i = 0; i < f.nRows; i++) {
        const s = col(f, 'g__te=0')[i] + col(f, 'g__te=1')[i] + col(f, 'g__te=2')[i];
        expect(s).toBeCloseTo(1, 12);
      }
    }
  });

  it('is deterministic per seed, unchanged by transforming new rows, and round-trips', () => {
    const { frame, yBin } = data(150, 5);
    const a = TargetEncoder.fitTransform(frame, ['g'], yBin, { task: 'binary', nClasses: 2, seed: 3 });
    const b = TargetEncoder.fitTransform(frame, ['g'], yBin, { task: 'binary', nClasses: 2, seed: 3 });
    expect(Array.from(col(a.encoded, 'g__te'))).toEqual(Array.from(col(b.encoded, 'g__te')));
    const before = stateKey(a.encoder.toState());
    a.encoder.transform(new Frame([encodeStrings('g', ['a', 'zz', null])]));
    expect(stateKey(a.encoder.toState())).toBe(before);
    const back = TargetEncoder.fromState(copyState(a.encoder.toState()));
    expect(Array.from(col(back.transform(frame), 'g__te'))).toEqual(Array.from(col(a.encoder.transform(frame), 'g__te')));
  });

  it('rejects a target of the wrong length', () => {
    const { frame, yBin } = data(50, 6);
    expect(() => TargetEncoder.fitTransform(frame, ['g'], yBin.subarray(0, 10), { task: 'binary', nClasses: 2 })).toThrow(/10 values/);
  });
});
