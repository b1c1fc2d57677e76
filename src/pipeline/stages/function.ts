/**
 * A function stage: the pipeline names a module file of the user's own code and an export
 * (`run: generate.ts#generate`), like a Makefile recipe names a command. The module is imported with
 * dynamic import — stored content is never evaluated. TypeScript modules go through tsx's loader
 * (`tsx/esm/api`), since Node 20 cannot import .ts by itself.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelyardError } from '../../errors.js';
import type { Json } from '../../learn/types.js';
import type { FunctionStage, StageContext } from '../types.js';

type StageFn = (ctx: StageContext) => unknown;

async function importModule(stage: FunctionStage, version: string): Promise<Record<string, unknown>> {
  const file = stage.module;
  const url = pathToFileURL(file).href;
  if (/\.(c|m)?ts$/.test(file)) {
    let tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
    try {
      ({ tsImport } = (await import('tsx/esm/api')) as unknown as { tsImport: typeof tsImport });
    } catch {
      throw new ModelyardError('PIPELINE_STAGE_FAILED', `stage "${stage.name}": ${path.basename(file)} is TypeScript, which needs the tsx package to load (npm install --save-dev tsx), or compile it to .js`, { file, field: `stages.${stage.name}.run` });
    }
    // tsImport loads in a fresh namespace each call, so an edited module is not served from cache.
    return tsImport(url, import.meta.url);
  }
  // The query string makes Node load the current bytes instead of a module cached by URL.
  return (await import(`${url}?v=${version}`)) as Record<string, unknown>;
}

/** Calls the stage's function; returns what it returned when that is plain JSON. */
export async function runFunctionStage(stage: FunctionStage, codeHash: string, dir: string, log: (m: string) => void): Promise<Json | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(stage, codeHash.slice(0, 16));
  } catch (e) {
    if (e instanceof ModelyardError) throw e;
    throw new ModelyardError('PIPELINE_STAGE_FAILED', `stage "${stage.name}": cannot import ${path.relative(dir, stage.module)}: ${(e as Error).message.split('\n')[0]}`, { file: stage.module, field: `stages.${stage.name}.run` });
  }
  const fn = mod[stage.exportName] ?? (stage.exportName === 'default' ? undefined : (mod.default as Record<string, unknown> | undefined)?.[stage.exportName]);
  if (typeof fn !== 'function') {
    const have = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new ModelyardError('PIPELINE_INVALID', `stage "${stage.name}": ${path.relative(dir, stage.module)} has no exported function "${stage.exportName}" (exported functions: ${have.join(', ') || 'none'})`, { file: stage.module, field: `stages.${stage.name}.run` });
  }
  const ctx: StageContext = {
    stage: stage.name,
    params: Object.freeze({ ...stage.params }),
    inputs: Object.freeze({ ...stage.inputs }),
    outputs: Object.freeze({ ...stage.outputs }),
    dir,
    log: (m) => log(`[${stage.name}] ${m}`),
  };
  let out: unknown;
  try {
    out = await (fn as StageFn)(ctx);
  } catch (e) {
    if (e instanceof ModelyardError) {
      e.message = `stage "${stage.name}": ${e.message}`;
      throw e;
    }
    throw new ModelyardError('PIPELINE_STAGE_FAILED', `stage "${stage.name}": ${path.relative(dir, stage.module)}#${stage.exportName} threw: ${e instanceof Error ? e.message : String(e)}`, { file: stage.module, field: `stages.${stage.name}` });
  }
  if (out === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(out)) as Json;
  } catch {
    return undefined;
  }
}
