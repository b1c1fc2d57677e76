/** Rebuilds a calibrator from its stored state. */
import { ModelyardError } from '../../errors.js';
import type { Calibrator, CalibratorState } from './types.js';

type CalibratorLoader = (state: CalibratorState) => Calibrator;

const LOADERS: Partial<Record<CalibratorState['method'], CalibratorLoader>> = {};

/** Registers the loader of a calibration method (called by each calibrator module). */
export function registerCalibrator(method: CalibratorState['method'], loader: CalibratorLoader): void {
  LOADERS[method] = loader;
}

/**
 * Rebuilds a calibrator from `toState()` output. The loaders are registered by
 * `learn/calibrate/index.ts`; import that module (the artifact loader does) before calling this.
 *
 * @throws ModelyardError ARTIFACT_VERSION for an unknown method, ARTIFACT_CORRUPT for a damaged state.
 * @example
 * ```ts
 * const again = loadCalibrator(calibrator.toState()); // same outputs as `calibrator`
 * ```
 */
export function loadCalibrator(state: CalibratorState): Calibrator {
  const loader = LOADERS[state.method];
  if (!loader) throw new ModelyardError('ARTIFACT_VERSION', `unknown calibration method "${state.method}"`);
  return loader(state);
}
