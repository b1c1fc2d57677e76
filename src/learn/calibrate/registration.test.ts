// Loading an artifact must find both calibrators without anyone importing learn/calibrate/index.ts
// first: model-artifact.ts imports it for that. This file deliberately imports nothing else from
// learn/calibrate (vitest runs each test file in its own fork, so the registry starts empty).
import '../../artifact/model-artifact.js';
import { describe, expect, it } from 'vitest';
import { loadCalibrator } from './load.js';

describe('calibrator loaders are registered by the artifact loader', () => {
  it('sigmoid and isotonic states load and apply', () => {
    const sig = loadCalibrator({ method: 'sigmoid', state: { k: 2 }, arrays: { a: Float64Array.from([-4]), b: Float64Array.from([2]) } });
    const p = sig.apply(Float64Array.from([0.5, 0.5]), 1, 2);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-4 * 0.5 + 2)), 15);
    const iso = loadCalibrator({
      method: 'isotonic',
      state: { k: 2 },
      arrays: { x: Float64Array.from([0, 1]), y: Float64Array.from([0.2, 0.6]), offsets: Int32Array.from([0, 2]) },
    });
    expect(Array.from(iso.apply(Float64Array.from([0.5, 0.5]), 1, 2))).toEqual([0.6, 0.4]);
  });
});
