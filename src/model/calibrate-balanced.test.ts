/**
 * class_weight balanced + calibration: the calibrator must be fitted without the class-balancing
 * weights (as scikit-learn's CalibratedClassifierCV does), or it reproduces the skew that balancing
 * puts into the probabilities on purpose and calibration achieves nothing.
 */
import { describe, expect, it } from 'vitest';
import { Frame, numberColumn } from '../frame/frame.js';
import { Rng } from '../util/random.js';
import { trainModel } from './train.js';

function imbalanced(n: number, seed: number): Frame {
  const r = new Rng(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = r.normal();
    x2[i] = r.normal();
    y[i] = r.next() < 1 / (1 + Math.exp(-(-3 + 1.4 * x1[i] - 0.6 * x2[i]))) ? 1 : 0;
  }
  return new Frame([numberColumn('x1', x1), numberColumn('x2', x2), numberColumn('y', y)]);
}

describe('calibration with class_weight balanced', () => {
  it('removes the skew that balancing introduces (ECE falls several-fold)', async () => {
    const frame = imbalanced(4000, 3);
    const { report } = await trainModel(frame, { target: 'y', task: 'binary', learner: 'linear', classWeight: 'balanced', calibrate: 'sigmoid' });
    const c = report.calibration!.model;
    // Balanced weights push P(positive) up for ~9 % positives: badly calibrated before.
    expect(c.ece_before).toBeGreaterThan(0.15);
    expect(c.ece_after).toBeLessThan(c.ece_before / 4);
    expect(c.brier_after).toBeLessThan(c.brier_before);
  });
});
