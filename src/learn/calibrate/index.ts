/**
 * Probability calibration (Platt sigmoid, isotonic). Import this module (not the individual
 * calibrators) so both loaders are registered before an artifact is loaded.
 */
import { loadIsotonicCalibrator } from './isotonic.js';
import { registerCalibrator } from './load.js';
import { loadSigmoidCalibrator } from './sigmoid.js';

registerCalibrator('sigmoid', loadSigmoidCalibrator);
registerCalibrator('isotonic', loadIsotonicCalibrator);

export { loadCalibrator, registerCalibrator } from './load.js';
export { fitCalibrator } from './fit.js';
export { calibrationReport, type CalibrationReport } from './report.js';
export { fitSigmoid, SigmoidCalibrator, type SigmoidParams } from './sigmoid.js';
export { fitIsotonic, IsotonicCalibrator, type IsotonicKnots } from './isotonic.js';
export type { Calibrator, CalibratorState } from './types.js';
