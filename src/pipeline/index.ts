/** Staged pipelines with content-hash caching (`modelyard pipeline run`). */
export { loadPipeline, parsePipeline } from './parse.js';
export { runPipeline, type RunOptions } from './run.js';
export { buildGraph, selectStages, downstreamOf, type StageGraph } from './graph.js';
export type * from './types.js';
