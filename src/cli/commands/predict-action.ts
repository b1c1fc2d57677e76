/** The work of `modelyard predict` and `modelyard evaluate`, loaded on use. */
import type { Command } from 'commander';
import { DataReader } from '../../frame/read.js';
import type { Frame } from '../../frame/frame.js';
import { writeTable, formatOf, type OutColumn } from '../../frame/write.js';
import { evaluateModel } from '../../model/evaluate.js';
import { loadModel, type LoadedModel } from '../../model/load.js';
import { toRecords } from '../../model/output.js';
import type { UnseenPolicy } from '../../schema/types.js';
import type { Registry } from '../../registry/index.js';
import type { CliContext } from '../main.js';
import { choiceFlag, listFlag, numberFlag } from '../options.js';
import { openCliRegistry } from '../registry.js';
import { csvField } from '../../frame/write.js';
import { formatMetrics } from '../format.js';
import { ModelyardError } from '../../errors.js';
import { selectByIds } from '../../frame/select-ids.js';

export interface CommonFlags {
  sql?: string;
  threshold?: string;
  unseen?: string;
  json?: boolean;
}

/** Loads the model (file or registry) and reads the data; closes what it opened. */
async function prepare(ctx: CliContext, cmd: Command, ref: string, data: string, sql?: string): Promise<{ loaded: LoadedModel; frame: Frame }> {
  const globals = cmd.optsWithGlobals() as { registry?: string };
  let reg: Registry | undefined;
  try {
    const loaded = await loadModel(ref, async () => (reg = await openCliRegistry(globals.registry, ctx.env)));
    const reader = await DataReader.open();
    try {
      const frame = await reader.read(data, { sql });
      return { loaded, frame };
    } finally {
      reader.close();
    }
  } finally {
    await reg?.close();
  }
}

function modelInfo(l: LoadedModel): { name: string; version: string; sha256: string } {
  return { name: l.name, version: l.version, sha256: l.sha256 };
}

export type PredictFlags = CommonFlags & { out?: string; probabilities?: boolean; keep?: string[]; id?: string[]; idColumn?: string };

/** The column `--id` looks in: `--id-column`, else the one ID-like column the model dropped that the data has. */
function idColumn(l: LoadedModel, frame: Frame, data: string, flag: string | undefined): string {
  if (flag) return flag;
  const candidates = l.model.schema.dropped.filter((d) => d.reason === 'id-like' || d.reason === 'excluded').map((d) => d.name).filter((c) => frame.has(c));
  const idLike = candidates.filter((c) => l.model.schema.dropped.find((d) => d.name === c)?.reason === 'id-like');
  const pick = idLike.length === 1 ? idLike : candidates.filter((c) => /(^|_)id$/i.test(c));
  if (pick.length === 1) return pick[0];
  throw new ModelyardError('USAGE', `--id: cannot tell which column of ${data} holds the ids${candidates.length ? ` (${candidates.join(', ')})` : ''}; name it with --id-column`, { file: data, flag: '--id-column' });
}

/** Runs `predict` for parsed flags. */
export async function runPredict(ctx: CliContext, cmd: Command, ref: string, data: string, f: PredictFlags): Promise<void> {
  const threshold = numberFlag('--threshold', f.threshold, 0, 1);
  const unseen = choiceFlag('--unseen', f.unseen, ['error', 'missing'] as const) as UnseenPolicy | undefined;
  if (f.out) formatOf(f.out);
  const prepared = await prepare(ctx, cmd, ref, data, f.sql);
  const { loaded } = prepared;
  let { frame } = prepared;
  const ids = f.id ? listFlag(f.id) : [];
  let keyColumn: string | undefined;
  if (f.id && ids.length === 0) throw new ModelyardError('USAGE', '--id expects one or more ids', { flag: '--id' });
  if (ids.length > 0) {
    keyColumn = idColumn(loaded, frame, data, f.idColumn);
    frame = selectByIds(frame, keyColumn, ids, data);
  } else if (f.idColumn) throw new ModelyardError('USAGE', '--id-column needs --id', { flag: '--id-column' });
  const warnings: string[] = [];
  const preds = loaded.model.predict(frame, { source: data, threshold, unseen, warnings });
  for (const w of warnings) ctx.io.warn(w);
  const records = toRecords(loaded.model, preds, { probabilities: f.probabilities });
  const keep = f.keep ? listFlag(f.keep) : loaded.model.schema.dropped.filter((d) => d.reason === 'id-like').map((d) => d.name).filter((c) => frame.has(c));
  if (keyColumn && !f.keep && !keep.includes(keyColumn)) keep.unshift(keyColumn);
  for (const c of keep) if (!frame.has(c)) throw new ModelyardError('COLUMN_MISSING', `--keep names column "${c}", which ${data} does not have`, { file: data, column: c, flag: '--keep' });
  if (f.json) {
    ctx.io.json({
      model: modelInfo(loaded),
      rows: records.length,
      predictions: records.map((r, i) => ({ ...Object.fromEntries(keep.map((c) => [c, frame.cell(i, c)])), ...r })),
      warnings,
    });
    return;
  }
  const cols = outputColumns(loaded, frame, records, keep);
  if (f.out) {
    await writeTable(f.out, cols);
    ctx.io.err(`wrote ${records.length} predictions to ${f.out} (${loaded.name}@${loaded.version})`);
  } else {
    ctx.io.out(cols.map((c) => csvField(c.name)).join(','));
    for (let i = 0; i < records.length; i++) ctx.io.out(cols.map((c) => csvField(c.values[i])).join(','));
  }
}

/** Runs `evaluate` for parsed flags. */
export async function runEvaluate(ctx: CliContext, cmd: Command, ref: string, data: string, f: CommonFlags): Promise<void> {
  const threshold = numberFlag('--threshold', f.threshold, 0, 1);
  const unseen = choiceFlag('--unseen', f.unseen, ['error', 'missing'] as const) as UnseenPolicy | undefined;
  const { loaded, frame } = await prepare(ctx, cmd, ref, data, f.sql);
  const warnings: string[] = [];
  // An evaluation scores every labelled row: unseen categories count as missing (and are reported),
  // unlike `predict` and the server, which refuse them unless told otherwise.
  const report = evaluateModel(loaded.model, frame, { source: data, threshold, unseen: unseen ?? 'missing', warnings });
  for (const w of warnings) ctx.io.warn(w);
  // The evaluation is an event in the prediction log (best effort: never fails the command).
  const { logRunEvent } = await import('../../log/events.js');
  const logWarning = await logRunEvent(
    'evaluate',
    loaded.name,
    loaded.version,
    { source: data, rows: report.rows, task: report.task, metrics: report.metrics as unknown as Record<string, unknown>, sha256: loaded.sha256 },
    { env: ctx.env, registry: (cmd.optsWithGlobals() as { registry?: string }).registry },
  );
  if (logWarning) {
    warnings.push(logWarning);
    ctx.io.warn(logWarning);
  }
  if (f.json) ctx.io.json({ ...report, model: modelInfo(loaded), warnings });
  else {
    ctx.io.out(`${loaded.name}@${loaded.version} on ${data}: ${report.rows} rows (${report.task})`);
    ctx.io.out(`  ${formatMetrics(report.metrics)}`);
    for (const [seg, s] of Object.entries(report.segments ?? {})) ctx.io.out(`  segment ${seg} (${s.rows} rows): ${formatMetrics(s.metrics)}`);
  }
}

function outputColumns(l: LoadedModel, frame: Frame, records: ReturnType<typeof toRecords>, keep: string[]): OutColumn[] {
  const cols: OutColumn[] = keep.map((c) => {
    const col = frame.column(c);
    return { name: c, type: col.type, values: Array.from({ length: frame.nRows }, (_, i) => frame.cell(i, c)) };
  });
  const task = l.model.target.task;
  cols.push({ name: 'prediction', type: task === 'regression' || typeof records[0]?.prediction === 'number' ? 'number' : 'string', values: records.map((r) => r.prediction) });
  if (task === 'binary') cols.push({ name: 'probability', type: 'number', values: records.map((r) => r.probability ?? null) });
  if (records[0]?.probabilities) {
    for (const c of Object.keys(records[0].probabilities)) cols.push({ name: `p_${c}`, type: 'number', values: records.map((r) => r.probabilities![c]) });
  }
  if (records[0]?.segment !== undefined) cols.push({ name: 'segment', type: 'string', values: records.map((r) => r.segment ?? null) });
  return cols;
}
