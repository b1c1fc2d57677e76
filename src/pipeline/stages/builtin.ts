/**
 * The built-in `train` and `evaluate` stages: thin adapters over the same services the CLI uses
 * (trainModel, the registry, evaluateModel), so a pipeline trains exactly as `modelyard train` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modelFromBytes, modelToBytes } from '../../artifact/model-artifact.js';
import { ModelyardError } from '../../errors.js';
import { DataReader } from '../../frame/read.js';
import type { Json } from '../../learn/types.js';
import { evaluateModel } from '../../model/evaluate.js';
import { loadModel } from '../../model/load.js';
import { trainModel } from '../../model/train.js';
import type { Registry } from '../../registry/index.js';
import type { EvaluateStage, TrainStage } from '../types.js';

function writeAtomic(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

async function readData(file: string): Promise<import('../../frame/frame.js').Frame> {
  const reader = await DataReader.open();
  try {
    return await reader.read(file);
  } finally {
    reader.close();
  }
}

/** Prefixes a catalog error's message with the stage name, keeping its code. */
export function inStage(stage: string, e: unknown): never {
  if (e instanceof ModelyardError) {
    if (!e.message.startsWith(`stage "${stage}"`)) e.message = `stage "${stage}": ${e.message}`;
    throw e;
  }
  throw new ModelyardError('PIPELINE_STAGE_FAILED', `stage "${stage}": ${e instanceof Error ? e.message : String(e)}`, { field: `stages.${stage}` });
}

export interface TrainStageResult {
  result: Json;
  registered?: { name: string; version: string; sha256: string };
}

export async function runTrainStage(stage: TrainStage, registry: () => Promise<Registry>, log: (m: string) => void): Promise<TrainStageResult> {
  try {
    const frame = await readData(stage.data);
    log(`[${stage.name}] training on ${frame.nRows} rows × ${frame.columns.length} columns`);
    const warnings: string[] = [];
    const { model, report } = await trainModel(frame, stage.recipe, { source: { file: stage.data }, changelog: stage.register?.changelog ?? stage.changelog, warnings });
    for (const w of warnings) log(`[${stage.name}] warning: ${w}`);
    model.metadata.name = stage.register?.name ?? path.basename(stage.outputs.model).replace(/\.[^.]+$/, '');
    const bytes = modelToBytes(model);
    writeAtomic(stage.outputs.model, bytes);
    let registered: TrainStageResult['registered'];
    if (stage.register) {
      const reg = await registry();
      const info = await reg.register({
        name: stage.register.name,
        bytes,
        version: stage.register.version,
        changelog: stage.register.changelog ?? stage.changelog,
        description: stage.register.description,
        aliases: stage.register.aliases,
        reason: stage.register.changelog ?? `pipeline stage ${stage.name}`,
      });
      registered = { name: info.name, version: info.version, sha256: info.sha256 };
      log(`[${stage.name}] registered ${info.name}@${info.version}`);
    }
    const result = {
      learner: model.metadata.learner as Json,
      task: model.target.task,
      rows: report.rows,
      features: report.features,
      metrics: report.metrics as Json,
      ...(report.segments ? { segments: report.segments as unknown as Json } : {}),
      ...(report.cv ? { cv: { k: report.cv.k, mean: report.cv.mean, std: report.cv.std } as unknown as Json } : {}),
      ...(registered ? { registered } : {}),
      warnings,
    };
    if (stage.outputs.report) writeAtomic(stage.outputs.report, `${JSON.stringify(result, null, 2)}\n`);
    return { result, registered };
  } catch (e) {
    inStage(stage.name, e);
  }
}

/** sha256 of the model an evaluate stage reads from the registry (part of its cache key). */
export async function resolveModelSha(stage: EvaluateStage, registry: () => Promise<Registry>): Promise<string | null> {
  if (!('ref' in stage.model)) return null;
  try {
    return (await (await registry()).resolve(stage.model.ref)).sha256;
  } catch (e) {
    inStage(stage.name, e);
  }
}

export async function runEvaluateStage(stage: EvaluateStage, registry: () => Promise<Registry>, dir: string): Promise<Json> {
  try {
    let model;
    let label: string;
    if ('file' in stage.model) {
      if (!fs.existsSync(stage.model.file)) throw new ModelyardError('MODEL_NOT_FOUND', `model file not found: ${stage.model.file}`, { file: stage.model.file });
      model = modelFromBytes(fs.readFileSync(stage.model.file), stage.model.file).model;
      label = path.relative(dir, stage.model.file);
    } else {
      const loaded = await loadModel(stage.model.ref, registry);
      model = loaded.model;
      label = `${loaded.name}@${loaded.version}`;
    }
    const frame = await readData(stage.data);
    const warnings: string[] = [];
    const report = evaluateModel(model, frame, { source: stage.data, threshold: stage.threshold, warnings, chooseThreshold: stage.chooseThreshold ? 'f1' : undefined });
    const result = {
      model: label,
      task: report.task,
      rows: report.rows,
      metrics: report.metrics,
      ...(report.threshold !== undefined ? { threshold: report.threshold } : {}),
      ...(report.bestThreshold ? { best_threshold: report.bestThreshold as unknown as Json } : {}),
      ...(report.segments ? { segments: report.segments as unknown as Json } : {}),
      warnings,
    };
    writeAtomic(stage.outputs.report, `${JSON.stringify(result, null, 2)}\n`);
    return result as unknown as Json;
  } catch (e) {
    inStage(stage.name, e);
  }
}
