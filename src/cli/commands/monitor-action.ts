/** The work of `modelyard monitor report|check|worker`, loaded on use. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { ModelyardError } from '../../errors.js';
import { parseDuration, parseTime } from '../../log/duration.js';
import { openLogStore, resolveLogLocation } from '../../log/location.js';
import type { LogStore } from '../../log/store.js';
import type { MonitorConfigInput } from '../../monitor/config.js';
import { LogStoreSource } from '../../monitor/log-source.js';
import { WebhookNotifier } from '../../monitor/notify.js';
import type { JobQueue } from '../../monitor/queue.js';
import { runRetrain, type RetrainJob } from '../../monitor/retrain-job.js';
import { MonitorService, type CheckResult, type ModelMonitorState } from '../../monitor/service.js';
import { openJobQueue } from '../../monitor/sqlite-queue.js';
import type { Registry } from '../../registry/registry.js';
import type { CliContext } from '../main.js';
import { openCliRegistry } from '../registry.js';
import { formatTable } from '../table.js';

export interface MonitorFlags {
  config?: string;
  log?: string;
  registry?: string;
  json?: boolean;
  since?: string;
  webhook?: string;
  data?: string;
  queue?: string;
}

function readConfig(file: string | undefined): MonitorConfigInput | undefined {
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new ModelyardError('FILE_NOT_FOUND', `monitor config not found: ${file}`, { file, flag: '--config' });
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as MonitorConfigInput;
  } catch (e) {
    throw new ModelyardError('DATA_PARSE', `${file}: not JSON (${(e as Error).message})`, { file, flag: '--config' });
  }
}

/** `--since 7d` (a look-back) or a time. */
function sinceFlag(v: string | undefined, now: number): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTime(v);
  if (t !== null) return t;
  if (/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*$/.test(v)) return now - parseDuration(v, '--since');
  throw new ModelyardError('USAGE', `--since ${v}: give a time (ISO 8601 or Unix ms) or a look-back such as 24h or 7d`, { flag: '--since' });
}

async function withMonitor<T>(ctx: CliContext, cmd: Command, f: MonitorFlags, fn: (registry: Registry, store: LogStore) => Promise<T>): Promise<T> {
  const o = cmd.optsWithGlobals() as MonitorFlags;
  const registry = await openCliRegistry(o.registry, ctx.env);
  try {
    const store = await openLogStore(resolveLogLocation({ url: o.log, registry: o.registry, env: ctx.env }));
    try {
      return await fn(registry, store);
    } finally {
      await store.close();
    }
  } finally {
    await registry.close();
  }
}

export async function runReport(ctx: CliContext, cmd: Command, ref: string, f: MonitorFlags): Promise<void> {
  const config = readConfig(f.config);
  const now = Date.now();
  const since = sinceFlag(f.since, now);
  const state = await withMonitor(ctx, cmd, f, (registry, store) => new MonitorService({ registry, source: new LogStoreSource(store), config }).state(ref, { since, now }));
  if (f.json) return ctx.io.json(state);
  ctx.io.out(reportText(state));
}

export async function runCheck(ctx: CliContext, cmd: Command, ref: string, f: MonitorFlags): Promise<void> {
  const config = readConfig(f.config);
  const webhook = f.webhook ? new WebhookNotifier({ url: f.webhook, onGiveUp: (_a, why) => ctx.io.warn(`webhook ${f.webhook}: gave up (${why})`) }) : undefined;
  const result = await withMonitor(ctx, cmd, f, async (registry, store) => {
    const source = new LogStoreSource(store);
    const queue: JobQueue | undefined = f.data ? await openJobQueue(f.queue) : undefined;
    try {
      if (queue && queue.kind === 'memory') queue.start({ retrain: (job) => runRetrain(job.payload as unknown as RetrainJob, { registry, source }) as never });
      const r = await new MonitorService({ registry, source, config, webhook, queue, retrainData: f.data }).check(ref);
      if (queue && queue.kind === 'memory' && r.retrain_job) {
        ctx.io.err(`retraining ${r.model} (${r.retrain.map((t) => t.reason).join(', ')})…`);
        await queue.idle();
        const job = await queue.get(r.retrain_job);
        if (job?.status === 'failed') ctx.io.warn(`retrain failed: ${job.error}`);
        else if (job?.result) ctx.io.err(`registered ${(job.result as { ref: string }).ref} as challenger`);
      }
      return r;
    } finally {
      await queue?.close();
    }
  });
  // Let the webhook try for a bounded time before the process exits.
  if (webhook) await Promise.race([webhook.flush(), new Promise((r) => setTimeout(r, 30_000).unref())]);
  if (f.json) return ctx.io.json(result);
  ctx.io.out(reportText(result));
  ctx.io.out(checkText(result));
}

export async function runWorker(ctx: CliContext, cmd: Command, f: MonitorFlags): Promise<void> {
  await withMonitor(ctx, cmd, f, async (registry, store) => {
    const queue = await openJobQueue(f.queue);
    const source = new LogStoreSource(store);
    queue.start({
      retrain: async (job) => {
        ctx.io.err(`job ${job.id}: retrain ${(job.payload as { model?: string }).model} (attempt ${job.attempts})`);
        return runRetrain(job.payload as unknown as RetrainJob, { registry, source }) as never;
      },
    });
    ctx.io.err(`monitor worker on ${queue.kind} queue; Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await queue.close();
  });
}

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(digits)).toString());
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${fmt(100 * v, 3)} %`);

/** The human-readable report. */
export function reportText(s: ModelMonitorState): string {
  const lines = [`${s.ref} (${s.task}): ${s.status.toUpperCase()}`, `drift window ${s.windows.drift.since} → ${s.windows.drift.until}; metrics window from ${s.windows.performance.since}`];
  lines.push('');
  if (!s.drift.profiled) lines.push('drift: the artifact has no reference profile');
  else {
    lines.push(`drift (${s.drift.rows} rows; coverage ${pct(s.drift.coverage)}${s.drift.rowsWithoutInputs ? `; ${s.drift.rowsWithoutInputs} rows without logged inputs` : ''}):`);
    const rows = [...s.drift.features, ...(s.drift.prediction ? [s.drift.prediction] : [])];
    lines.push(
      formatTable(
        ['FEATURE', 'KIND', 'ROWS', 'PSI', 'TEST', 'P', 'MISSING', 'TRAIN MISSING', 'NAN/INF', 'STATUS'],
        rows.map((f) => [f.name, f.kind, f.present, fmt(f.psi), f.test?.name ?? '-', f.test ? f.test.pValue.toExponential(2) : '-', pct(f.missingRate), pct(f.referenceMissingRate), f.nonFinite, f.status]),
      ),
    );
  }
  lines.push('');
  const p = s.performance;
  lines.push(`metrics from feedback (${p.labelled} labelled rows${p.unmatched ? `, ${p.unmatched} with unknown labels` : ''}; training values from "${p.trainingGroup ?? 'none'}"): ${p.status}`);
  if (p.decay.length) lines.push(formatTable(['METRIC', 'LIVE', 'TRAINING', 'CHANGE', 'STATUS'], p.decay.map((d) => [d.metric, fmt(d.live), fmt(d.training), d.relativeDrop === null ? '-' : `${d.relativeDrop > 0 ? '-' : '+'}${pct(Math.abs(d.relativeDrop))}`, d.status])));
  if (p.ece !== null) lines.push(`calibration: ECE ${fmt(p.ece)} (${p.calibration})`);
  lines.push(`confident mistakes (≥ ${pct(s.config.performance.confidentMistakeConfidence)} confidence, last ${fmt(s.config.retrain.mistakeWindowMs / 86_400_000)} d): ${p.confidentMistakes}`);
  const o = s.operations;
  lines.push(`operations: ${o.requests} requests, error rate ${pct(o.errorRate)} (${o.errorStatus}), latency mean ${fmt(o.latencyMeanMs)} ms, p99 ${fmt(o.latencyP99Ms)} ms (${o.latencyStatus})`);
  if (s.challenger) {
    const c = s.challenger;
    lines.push('');
    lines.push(`challenger ${c.challenger} vs champion ${c.champion} on ${c.paired} paired labelled rows: ${c.decision.toUpperCase()}`);
    lines.push(`  ${c.metric} ${fmt(c.challengerValue)} vs ${fmt(c.championValue)} (${c.relativeImprovement === null ? '-' : pct(c.relativeImprovement)}); ${c.test ? `${c.test.name} p = ${c.test.pValue.toExponential(2)}` : 'no test yet'}`);
    for (const r of c.reasons) lines.push(`  - ${r}`);
    if (c.decision === 'promote') lines.push(`  approve with: modelyard models promote ${c.model}@${c.challenger} --approve`);
  }
  lines.push('');
  if (s.alerts.length === 0) lines.push('alerts: none');
  else {
    lines.push(`alerts (${s.alerts.length}):`);
    for (const a of s.alerts) lines.push(`  [${a.severity}] ${a.kind}: ${a.message}`);
  }
  if (s.retrain.length) lines.push(`retrain triggered by: ${s.retrain.map((t) => t.reason + (t.subject ? ` (${t.subject})` : '')).join(', ')}`);
  return lines.join('\n');
}

function checkText(r: CheckResult): string {
  const bits = [`sent ${r.sent} new alert(s)`];
  if (r.decision?.recorded) bits.push(`recorded ${r.decision.recorded} for ${r.model}@${r.decision.comparison.challenger}`);
  if (r.decision?.promoted) bits.push(`auto-promoted ${r.model}@${r.decision.comparison.challenger} to champion`);
  if (r.retrain_job) bits.push(`retrain job ${r.retrain_job}`);
  return bits.join('; ');
}
