/** The work of `logs export`, `logs reconcile` and `feedback`, loaded on use. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DuckDBInstance } from '@duckdb/node-api';
import { ModelyardError } from '../../errors.js';
import { csvField, formatOf } from '../../frame/write.js';
import { lit } from '../../frame/read.js';
import { exportColumns, exportPredictions, looseValue } from '../../log/export.js';
import { recordFeedback, type FeedbackInput } from '../../log/feedback.js';
import { openLogStore, resolveLogLocation, type LogLocation } from '../../log/location.js';
import { reconcile } from '../../log/reconcile.js';
import type { LogStore, PredictionQuery } from '../../log/store.js';
import { parseDuration, parseTime, timeFlag } from '../../log/duration.js';
import { isSemver, isValidName } from '../../registry/ref.js';
import type { CliContext } from '../main.js';
import { choiceFlag } from '../options.js';

interface LogFlags {
  log?: string;
  registry?: string;
  json?: boolean;
}
export type ExportFlags = LogFlags & { model?: string; since?: string; until?: string; role?: string; out?: string };
export type ReconcileFlags = LogFlags & { export?: string[]; spool?: string; dryRun?: boolean; prune?: boolean };
export type FeedbackFlags = LogFlags & { window?: string; model?: string; allowUnmatched?: boolean };

async function withLog<T>(ctx: CliContext, cmd: Command, fn: (store: LogStore, loc: LogLocation) => Promise<T>, spoolDir?: string): Promise<T> {
  const o = cmd.optsWithGlobals() as LogFlags;
  const loc = resolveLogLocation({ url: o.log, registry: o.registry, env: ctx.env, ...(spoolDir ? { spoolDir } : {}) });
  // Commands move many rows at once (reconcile reads every id): a generous per-query timeout.
  const store = await openLogStore(loc, { env: ctx.env, timeoutMs: 120_000 });
  try {
    return await fn(store, loc);
  } finally {
    await store.close();
  }
}

/** `name` or `name@version` → query fields. */
function modelFilter(ref: string | undefined): Pick<PredictionQuery, 'model' | 'version'> {
  if (ref === undefined) return {};
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? undefined : ref.slice(at + 1);
  if (!isValidName(name) || (version !== undefined && !isSemver(version))) {
    throw new ModelyardError('USAGE', `--model ${ref}: use a model name or name@version (the log records concrete versions, not aliases)`, { flag: '--model' });
  }
  return version ? { model: name, version } : { model: name };
}

export async function runExport(ctx: CliContext, cmd: Command, f: ExportFlags): Promise<void> {
  const q: PredictionQuery = {
    ...modelFilter(f.model),
    since: timeFlag(f.since, '--since'),
    until: timeFlag(f.until, '--until'),
    role: choiceFlag('--role', f.role, ['primary', 'shadow'] as const),
  };
  for (const k of Object.keys(q) as (keyof PredictionQuery)[]) if (q[k] === undefined) delete q[k];
  if (f.out) formatOf(f.out);
  await withLog(ctx, cmd, async (store) => {
    if (f.out) {
      const n = await exportPredictions(store, q, f.out);
      if (f.json) ctx.io.json({ file: f.out, rows: n, store: store.location });
      else ctx.io.err(`wrote ${n} predictions to ${f.out} (from ${store.location})`);
      return;
    }
    const cols = exportColumns(await store.predictions(q));
    ctx.io.out(cols.map((c) => c.name).join(','));
    const n = cols[0]?.values.length ?? 0;
    for (let i = 0; i < n; i++) ctx.io.out(cols.map((c) => csvField(c.values[i] ?? null)).join(','));
  });
}

export async function runReconcile(ctx: CliContext, cmd: Command, f: ReconcileFlags): Promise<void> {
  const report = await withLog(
    ctx,
    cmd,
    (store, loc) => reconcile({ store, spoolDir: loc.spoolDir, exports: f.export ?? [], repair: !f.dryRun, prune: f.prune }),
    f.spool,
  );
  if (f.json) return ctx.io.json(report);
  const { io } = ctx;
  io.out(`store: ${report.store.predictions} predictions, ${report.store.feedback} feedback, ${report.store.events} events`);
  for (const s of report.sources) {
    io.out(`${s.source}: ${s.rows} rows in ${s.files} file(s), ${s.gaps} missing from the store, ${s.duplicates} duplicate ids${s.torn ? `, ${s.torn} torn lines` : ''}`);
  }
  io.out(
    `gaps ${report.gaps}, duplicates ${report.duplicates}, repaired ${report.repaired}, remaining gaps ${report.remaining_gaps}` +
      `${report.pruned ? `, pruned ${report.pruned} replayed segments` : ''} (${report.seconds} s)`,
  );
  if (report.remaining_gaps > 0) process.exitCode = 1;
}

export async function runFeedback(ctx: CliContext, cmd: Command, csv: string, f: FeedbackFlags): Promise<void> {
  const windowMs = f.window === undefined ? undefined : parseDuration(f.window, '--window');
  const items = await readFeedbackCsv(csv);
  const result = await withLog(ctx, cmd, (store) =>
    recordFeedback({ store }, items, { firstRow: 1, allowUnmatched: f.allowUnmatched, ...(windowMs !== undefined ? { windowMs } : {}), ...(f.model ? { model: f.model } : {}) }),
  );
  if (f.json) return ctx.io.json({ file: csv, recorded: result.recorded, matched: result.matched, unmatched: result.unmatched.map((u) => ({ row: u.index + 1, reason: u.reason })) });
  ctx.io.out(`recorded ${result.recorded} outcomes from ${csv}: ${result.matched} joined to predictions${result.unmatched.length ? `, ${result.unmatched.length} unmatched` : ''}`);
  for (const u of result.unmatched.slice(0, 10)) ctx.io.warn(`row ${u.index + 1}: ${u.reason}`);
}

/** Reads a feedback CSV (every cell as text) into inputs; errors name file, row and column. */
export async function readFeedbackCsv(file: string): Promise<FeedbackInput[]> {
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) throw new ModelyardError('FILE_NOT_FOUND', `${file} does not exist`, { file });
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  let rows: Record<string, unknown>[];
  try {
    rows = (await con.runAndReadAll(`SELECT * FROM read_csv(${lit(path.resolve(file))}, all_varchar = true, header = true)`)).getRowObjectsJS() as Record<string, unknown>[];
  } catch (e) {
    throw new ModelyardError('DATA_PARSE', `${file}: ${(e as Error).message.split('\n')[0]}`, { file });
  } finally {
    con.closeSync();
    inst.closeSync();
  }
  if (rows.length === 0) throw new ModelyardError('DATA_EMPTY', `${file} has no rows`, { file });
  const cols = Object.keys(rows[0]!);
  if (!cols.includes('actual')) throw new ModelyardError('COLUMN_MISSING', `${file} has no "actual" column (columns: ${cols.join(', ')})`, { file, column: 'actual' });
  if (!cols.includes('prediction_id') && !cols.includes('entity_id')) {
    throw new ModelyardError('COLUMN_MISSING', `${file} needs a "prediction_id" or an "entity_id" column (columns: ${cols.join(', ')})`, { file, column: 'prediction_id' });
  }
  return rows.map((r, i) => {
    const cell = (c: string): string | null => (r[c] === null || r[c] === undefined || String(r[c]).trim() === '' ? null : String(r[c]).trim());
    const actual = cell('actual');
    if (actual === null) throw new ModelyardError('INVALID_VALUE', `${file} row ${i + 1}: "actual" is empty`, { file, row: i + 1, column: 'actual' });
    const timeText = cell('time');
    let time: number | undefined;
    if (timeText !== null) {
      const t = parseTime(timeText);
      if (t === null) throw new ModelyardError('TYPE_MISMATCH', `${file} row ${i + 1}: time "${timeText}" is not ISO 8601 or Unix milliseconds`, { file, row: i + 1, column: 'time' });
      time = t;
    }
    return { prediction_id: cell('prediction_id'), entity_id: cell('entity_id'), actual: looseValue(actual), ...(time !== undefined ? { time } : {}) };
  });
}
