/** The prediction log: stores, writer, spool, reconcile, export, feedback (docs/log.md). */
export type { PredictionRecord, FeedbackRecord, EventRecord } from './record.js';
export type { LogStore, LogBatch, LogTable, LoggedPrediction, PredictionQuery, EventQuery, EntityMatch, LogDialect } from './store.js';
export { resolveLogLocation, openLogStore, type LogLocation, type LogLocationOptions, type OpenLogOptions } from './location.js';
export { LogWriter, parseLogMode, type LogMode, type LogWriterOptions, type LogWriterStats } from './writer.js';
export { logInputs, parseInputsMode, canonicalJson, type InputsMode } from './inputs.js';
export { Spool, listSegments, readSegment } from './spool.js';
export { reconcile, type ReconcileOptions, type ReconcileReport, type SourceReport } from './reconcile.js';
export { exportPredictions, EXPORT_COLUMNS } from './export.js';
export { recordFeedback, DEFAULT_FEEDBACK_WINDOW_MS, type FeedbackInput, type FeedbackResult, type RecordFeedbackOptions } from './feedback.js';
export { logRunEvent } from './events.js';
export { openServeLog, type ServeLogOptions } from './serve-log.js';
export { parseDuration, parseTime } from './duration.js';
