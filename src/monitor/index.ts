/** The monitor's public API (docs/monitor.md). */
export { DEFAULT_MONITOR_CONFIG, resolveMonitorConfig, type MonitorConfig, type MonitorConfigInput } from './config.js';
export { JsonlDirSource, MemorySource, joinFeedback, ALERT_EVENT, REQUEST_ERROR_EVENT, type MonitorSource, type JoinedPrediction } from './source.js';
export { LogStoreSource } from './log-source.js';
export type { Alert, AlertKind } from './alert.js';
export { driftSection, type DistributionDrift, type DriftSection } from './drift-check.js';
export { performanceSection, operationsSection, type PerformanceSection, type OperationsSection } from './performance.js';
export { monitorReport, monitoredModel, runMonitorCheck, type MonitorReport, type MonitoredModel } from './report.js';
export { PromMonitorHook, WebhookNotifier, type WebhookOptions } from './notify.js';
export { compareChallenger, decideChallenger, approvePromotion, type ChallengerComparison } from './challenger.js';
export { ShadowScorer, type ShadowOptions } from './shadow.js';
export { ShadowSink, type ShadowSinkOptions } from './shadow-sink.js';
export { retrainTriggers, scheduleRetrain, type RetrainTrigger } from './retrain-policy.js';
export { runRetrain, type RetrainJob, type RetrainResult } from './retrain-job.js';
export { InProcessQueue, type JobQueue, type Job } from './queue.js';
export { PgJobQueue } from './pg-queue.js';
export { SqliteJobQueue, openJobQueue } from './sqlite-queue.js';
export { MonitorService, type ModelMonitorState } from './service.js';
