/**
 * Metrics, written by hand and cross-checked against scikit-learn 1.2.1 (test/fixtures/metrics.json,
 * made by scripts/fixtures/make_metric_fixtures.py); drift statistics and paired model comparisons
 * cross-checked against scipy 1.10 / numpy (test/fixtures/stats.json, made by
 * scripts/fixtures/make_stats_fixtures.py).
 */
export { rocAuc, rocAucOvr } from './auc.js';
export { logLoss, brierScore, LOG_LOSS_EPS } from './probability.js';
export { accuracy, balancedAccuracy, precisionRecallF1, confusionMatrix, type PrfOptions } from './classification.js';
export { rmse, mae, r2 } from './regression.js';
export { calibrationCurve, expectedCalibrationError, type CalibrationCurve } from './calibration.js';
export { computeMetrics, argmaxRows, PRIMARY_METRIC, type MetricTask, type ComputeMetricsOptions } from './compute.js';
export * from './drift.js';
export {
  delongTest,
  pairedBootstrap,
  type DelongResult,
  type PairedBootstrapOptions,
  type PairedBootstrapResult,
} from './compare.js';
export { bestF1Threshold, type ThresholdChoice } from './threshold.js';
