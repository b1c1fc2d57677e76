/**
 * modelyard's public library API. Everything exported here is documented and stable within a
 * minor version; anything else is internal.
 */
export { ERROR_CATALOG, ModelyardError, isModelyardError, type ErrorCode, type ErrorLocation } from './errors.js';
export { Frame, encodeStrings, numberColumn, stringColumn, type Column, type NumberColumn, type StringColumn } from './frame/frame.js';
export { DataReader, readFrame, type ReadOptions } from './frame/read.js';
export { writeTable, type OutColumn } from './frame/write.js';
export { inferSchema, type InferOptions } from './schema/infer.js';
export { conform, type ConformOptions } from './schema/validate.js';
export { encodeTarget } from './schema/target.js';
export type { ColumnKind, FeatureSpec, Schema, TargetSpec, Task, UnseenPolicy } from './schema/types.js';
export * from './split/index.js';
export * from './metrics/index.js';
export { createLearner, learnerKind, learnerKinds, loadFitted, registerLearner } from './learn/index.js';
export type { Capabilities, Fitted, Learner, LearnerKind, LearnerState, TrainSet } from './learn/types.js';
export { fitCalibrator, calibrationReport } from './learn/calibrate/index.js';
export { Model, type ModelMetadata, type ModelPart, type Predictions, type Segments } from './model/model.js';
export { trainModel, type TrainRecipe, type TrainReport } from './model/train.js';
export { crossValidate, type CvReport } from './model/cv.js';
export { evaluateModel, type EvaluationReport } from './model/evaluate.js';
export { loadModel, type LoadedModel } from './model/load.js';
export { toRecords, type PredictionRecord } from './model/output.js';
export { modelFromBytes, modelToBytes } from './artifact/model-artifact.js';
export { decodeContainer, encodeContainer } from './artifact/container.js';
export { openRegistry, Registry, parseRef, formatRef } from './registry/index.js';
export { buildProfile, type Profile } from './monitor/profile.js';
export { loadPipeline, parsePipeline, runPipeline, type RunOptions as PipelineRunOptions } from './pipeline/index.js';
export type { Pipeline, Stage, StageContext, StageSummary, RunSummary as PipelineRunSummary } from './pipeline/types.js';
export { bestF1Threshold, type ThresholdChoice } from './metrics/threshold.js';
export {
  LogWriter, openLogStore, resolveLogLocation, reconcile, exportPredictions, recordFeedback, openServeLog,
  type LogStore, type LogMode, type InputsMode, type ReconcileReport, type LoggedPrediction,
  type PredictionRecord as LogPredictionRecord, type FeedbackRecord, type EventRecord,
} from './log/index.js';
export * from './monitor/index.js';
// Histogram GBDT (learner `gbdt`) and the quantile binning it shares with the tree learners.
export { gbdtKind, GbdtFitted } from './learn/gbdt/gbdt.js';
export { GBDT_DEFAULTS } from './learn/gbdt/params.js';
export { Binner, type BinMatrix, type BinOptions, type FeatureBins } from './learn/binning/index.js';
// Automatic learner selection (`--learner auto`).
export { selectLearner, autoCandidates, type AutoReport, type AutoCandidateReport, type Candidate } from './model/auto/index.js';
export { createServer, type CreateServerOptions } from './serve/server.js';
export type { PredictionSink, ServeOptions } from './serve/options.js';
