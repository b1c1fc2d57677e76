/** Probability calibrators (Platt sigmoid, isotonic): fitted out of fold, applied after the learner. */
import type { Json, TypedArray } from '../types.js';

export interface Calibrator {
  readonly method: 'sigmoid' | 'isotonic';
  /** Maps an n × k row-major probability matrix to calibrated probabilities (rows sum to 1). */
  apply(proba: Float64Array, n: number, k: number): Float64Array;
  toState(): CalibratorState;
}

export interface CalibratorState {
  method: 'sigmoid' | 'isotonic';
  state: Json;
  arrays: Record<string, TypedArray>;
}
