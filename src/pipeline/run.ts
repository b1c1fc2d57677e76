/**
 * Running a pipeline: stages in dependency order, each skipped when its cache key — a sha256 of its
 * code (SQL text, module bytes and `deps`, or the built-in stage's version), its params and the
 * bytes of its inputs — equals the key of its last successful run and its outputs still hold the
 * bytes that run wrote. A stage whose inputs did not change byte-for-byte is skipped even when the
 * stage before it reran (content addressing, as in DVC and Bazel, rather than make's timestamps).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ModelyardError, toModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';
import { openRegistry, type Registry } from '../registry/index.js';
import { PACKAGE_VERSION } from '../version.js';
import { buildGraph, selectStages } from './graph.js';
import { runEvaluateStage, resolveModelSha, runTrainStage } from './stages/builtin.js';
import { runFunctionStage } from './stages/function.js';
import { runSqlStage } from './stages/sql.js';
import { canonicalJson, hashFile, readState, sha256, writeState, type RunState, type StageState } from './state.js';
import type { Pipeline, RunSummary, Stage, StageSummary } from './types.js';

export interface RunOptions {
  /** Run only these stages (their inputs must already exist). */
  only?: string[];
  /** Run this stage and every stage downstream of it. */
  from?: string;
  /** Ignore the cache for the selected stages. */
  force?: boolean;
  /** Registry URL for train stages that register and evaluate stages that name a registry model. */
  registry?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines (stderr on the CLI). */
  log?: (message: string) => void;
}

/** The code part of a stage's key. */
function codeHash(stage: Stage, state: RunState): string {
  const deps = stage.deps.map((d) => {
    const h = hashFile(state, d);
    if (h === null) throw new ModelyardError('PIPELINE_INPUT_MISSING', `stage "${stage.name}": dependency ${d} does not exist`, { file: d, field: `stages.${stage.name}.deps` });
    return h;
  });
  let code: string;
  if (stage.kind === 'sql') code = `sql:${sha256(stage.sql)}`;
  else if (stage.kind === 'function') code = `module:${hashFile(state, stage.module)}#${stage.exportName}`;
  else code = `builtin:${stage.kind}:${PACKAGE_VERSION}`;
  return sha256(canonicalJson({ code, deps }));
}

function rel(p: Pipeline, file: string): string {
  return path.relative(p.dir, file) || file;
}

/** Why a stage must run, or null when its cached outputs are current. */
function staleReason(p: Pipeline, stage: Stage, prev: StageState | undefined, now: Omit<StageState, 'outputs' | 'finishedAt' | 'seconds'>, state: RunState): string | null {
  if (!prev) return 'not run before';
  if (prev.key !== now.key) {
    if (prev.code !== now.code) return 'code changed';
    if (prev.params !== now.params) return 'params changed';
    const changed = Object.keys(now.inputs).filter((k) => prev.inputs[k] !== now.inputs[k]);
    if (changed.length) return `input changed: ${changed.join(', ')}`;
    return 'stage definition changed';
  }
  for (const [k, file] of Object.entries(stage.outputs)) {
    const h = hashFile(state, file);
    if (h === null) return `output missing: ${rel(p, file)}`;
    if (h !== prev.outputs[k]) return `output modified: ${rel(p, file)}`;
  }
  return null;
}

/**
 * Runs (or skips) every selected stage. A failing stage stops the run: the error (a catalog error
 * naming the stage) is thrown with the run summary so far in `error.details`.
 *
 * @example
 * ```ts
 * const summary = await runPipeline(loadPipeline('pipeline.yaml'), { log: console.error });
 * summary.stages.map((s) => `${s.name}: ${s.status}`); // ['generate: skipped (cached)', …]
 * ```
 */
export async function runPipeline(p: Pipeline, opts: RunOptions = {}): Promise<RunSummary> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const graph = buildGraph(p);
  const selected = selectStages(p, graph, { only: opts.only, from: opts.from });
  const state = readState(p.stateFile);
  let registry: Registry | undefined;
  const getRegistry = async (): Promise<Registry> => (registry ??= await openRegistry({ url: opts.registry, env: opts.env ?? process.env }));
  const stages: StageSummary[] = [];
  let failure: ModelyardError | undefined;
  try {
    for (const stage of graph.order) {
      const outputs = Object.fromEntries(Object.entries(stage.outputs).map(([k, f]) => [k, rel(p, f)]));
      const summary: StageSummary = { name: stage.name, kind: stage.kind, status: 'not selected', seconds: 0, outputs };
      stages.push(summary);
      if (failure) {
        summary.status = 'not run';
        continue;
      }
      if (!selected.has(stage.name)) continue;
      const s0 = performance.now();
      try {
        const inputs: Record<string, string> = {};
        for (const [k, file] of Object.entries(stage.inputs)) {
          const h = hashFile(state, file);
          if (h === null) {
            const producer = graph.producer.get(file);
            const hint = producer ? ` (stage "${producer}" writes it: run it first, or run without --only/--from)` : ' (and no stage writes it)';
            throw new ModelyardError('PIPELINE_INPUT_MISSING', `stage "${stage.name}": input "${k}" ${rel(p, file)} does not exist${hint}`, { file, field: `stages.${stage.name}.inputs.${k}` });
          }
          inputs[k] = h;
        }
        if (stage.kind === 'evaluate' && 'ref' in stage.model) inputs.model = `registry:${stage.model.ref}:${await resolveModelSha(stage, getRegistry)}`;
        const code = codeHash(stage, state);
        const params = sha256(canonicalJson(stage.params));
        const key = sha256(canonicalJson({ v: 1, kind: stage.kind, code, params, inputs, outputs }));
        const prev = state.stages[stage.name];
        let reason = opts.force ? 'forced' : staleReason(p, stage, prev, { key, code, params, inputs }, state);
        if (reason === null && stage.kind === 'train' && stage.register && prev?.registered) {
          // The registry is outside the pipeline's folder: a model deleted there is built again.
          const r = prev.registered;
          const have = await (await getRegistry()).resolve(`${r.name}@${r.version}`).then((i) => i.sha256, () => null);
          if (have !== r.sha256) reason = `${r.name}@${r.version} is no longer in the registry`;
        }
        if (reason === null) {
          summary.status = 'skipped (cached)';
          summary.result = prev!.result;
          summary.seconds = (performance.now() - s0) / 1000;
          log(`[${stage.name}] skipped (cached)`);
          continue;
        }
        log(`[${stage.name}] running (${reason})`);
        summary.reason = reason;
        // Old outputs go first, so a stage that fails half-way never leaves stale files that look current.
        delete state.stages[stage.name];
        for (const f of Object.values(stage.outputs)) {
          fs.rmSync(f, { force: true });
          fs.mkdirSync(path.dirname(f), { recursive: true });
        }
        let result: Json | undefined;
        let registered: StageState['registered'];
        if (stage.kind === 'sql') result = { rows: await runSqlStage(stage) };
        else if (stage.kind === 'function') result = await runFunctionStage(stage, code, p.dir, log);
        else if (stage.kind === 'train') ({ result, registered } = await runTrainStage(stage, getRegistry, log));
        else result = await runEvaluateStage(stage, getRegistry, p.dir);
        const outHashes: Record<string, string> = {};
        for (const [k, file] of Object.entries(stage.outputs)) {
          const h = hashFile(state, file);
          if (h === null) throw new ModelyardError('PIPELINE_OUTPUT_MISSING', `stage "${stage.name}" finished without writing output "${k}" (${rel(p, file)})`, { file, field: `stages.${stage.name}.outputs.${k}` });
          outHashes[k] = h;
        }
        const seconds = (performance.now() - s0) / 1000;
        state.stages[stage.name] = { key, code, params, inputs, outputs: outHashes, finishedAt: new Date().toISOString(), seconds, ...(result !== undefined ? { result } : {}), ...(registered ? { registered } : {}) };
        writeState(p.stateFile, state);
        summary.status = 'ran';
        summary.seconds = seconds;
        if (result !== undefined) summary.result = result;
        log(`[${stage.name}] done in ${seconds.toFixed(2)} s`);
      } catch (e) {
        failure = toModelyardError(e);
        if (failure.code === 'INTERNAL') {
          failure = new ModelyardError('PIPELINE_STAGE_FAILED', `stage "${stage.name}": ${failure.message}`, { field: `stages.${stage.name}` });
        }
        summary.status = 'failed';
        summary.seconds = (performance.now() - s0) / 1000;
        summary.error = { code: failure.code, message: failure.message };
        writeState(p.stateFile, state);
      }
    }
  } finally {
    await registry?.close();
  }
  const run: RunSummary = {
    pipeline: p.name,
    file: p.file,
    ok: failure === undefined,
    ran: stages.filter((s) => s.status === 'ran').length,
    skipped: stages.filter((s) => s.status === 'skipped (cached)').length,
    seconds: (performance.now() - t0) / 1000,
    stages,
  };
  if (failure) {
    (failure as { details?: unknown }).details = run;
    throw failure;
  }
  return run;
}
