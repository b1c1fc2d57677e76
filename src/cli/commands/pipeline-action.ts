/** The work of `modelyard pipeline run`: load, run, print the summary (also when a stage fails). */
import type { Command } from 'commander';
import { toModelyardError } from '../../errors.js';
import { loadPipeline } from '../../pipeline/parse.js';
import { runPipeline } from '../../pipeline/run.js';
import type { RunSummary } from '../../pipeline/types.js';
import type { CliContext } from '../main.js';
import { listFlag } from '../options.js';
import { formatTable } from '../table.js';

export interface PipelineRunFlags {
  only?: string[];
  from?: string;
  force?: boolean;
  registry?: string;
  json?: boolean;
}

export async function runPipelineCommand(ctx: CliContext, cmd: Command, file: string, f: PipelineRunFlags): Promise<void> {
  const globals = cmd.optsWithGlobals() as { registry?: string };
  const { io } = ctx;
  const pipeline = loadPipeline(file);
  let summary: RunSummary;
  try {
    summary = await runPipeline(pipeline, {
      only: listFlag(f.only),
      from: f.from,
      force: f.force,
      registry: f.registry ?? globals.registry,
      env: ctx.env,
      log: (m) => io.err(m),
    });
  } catch (e) {
    const err = toModelyardError(e);
    const partial = err.details as RunSummary | undefined;
    if (partial?.stages) {
      if (f.json) {
        io.json({ ...partial, error: { code: err.code, message: err.message, ...err.location } });
        // The JSON document is printed; the error line still goes to stderr with the exit code.
        ctx.jsonMode = false;
      } else printSummary(ctx, partial);
    }
    throw err;
  }
  if (f.json) io.json(summary);
  else printSummary(ctx, summary);
}

function printSummary(ctx: CliContext, s: RunSummary): void {
  const rows = s.stages.map((st) => [st.name, st.kind, st.status, st.status === 'ran' || st.status === 'failed' ? `${st.seconds.toFixed(2)} s` : st.status === 'skipped (cached)' ? '-' : '', st.reason ?? (st.error ? st.error.code : '')]);
  ctx.io.out(`pipeline ${s.pipeline}: ${s.stages.length} stages, ${s.ran} ran, ${s.skipped} skipped (cached) in ${s.seconds.toFixed(2)} s`);
  ctx.io.out(formatTable(['STAGE', 'KIND', 'STATUS', 'TIME', 'WHY'], rows, 70));
}
