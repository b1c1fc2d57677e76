/**
 * The monitor as a service over the registry and the prediction log: what `modelyard monitor
 * report|check` and the server's `GET /v1/models/{name}/monitor` call. It resolves a reference
 * (a bare name means `champion`, else `latest`), loads the artifact (cached by sha256), builds the
 * report and, when the model has a `challenger`, the champion/challenger comparison.
 */
import { modelFromBytes } from '../artifact/model-artifact.js';
import type { Model } from '../model/model.js';
import type { Registry } from '../registry/registry.js';
import { parseRef } from '../registry/ref.js';
import type { VersionInfo } from '../registry/types.js';
import { compareChallenger, decideChallenger, type ChallengerComparison, type DecideResult } from './challenger.js';
import { resolveMonitorConfig, type MonitorConfig, type MonitorConfigInput } from './config.js';
import type { PromMonitorHook, WebhookNotifier } from './notify.js';
import type { JobQueue } from './queue.js';
import { monitoredModel, monitorReport, runMonitorCheck, type MonitorReport } from './report.js';
import { scheduleRetrain } from './retrain-policy.js';
import type { MonitorSource } from './source.js';

export interface MonitorServiceOptions {
  registry: Registry;
  source: MonitorSource;
  config?: MonitorConfigInput;
  prom?: PromMonitorHook;
  webhook?: WebhookNotifier;
  /** Where retrain jobs go (with `retrainData`). */
  queue?: JobQueue;
  /** Training data source for retrain jobs; without it no retrain is scheduled. */
  retrainData?: string;
}

/** The report plus the champion/challenger comparison (read-only) when a challenger exists. */
export interface ModelMonitorState extends MonitorReport {
  ref: string;
  challenger: ChallengerComparison | null;
}

export interface CheckResult extends ModelMonitorState {
  sent: number;
  decision: DecideResult | null;
  retrain_job: string | null;
}

/**
 * @example
 * ```ts
 * const monitor = new MonitorService({ registry, source: new LogStoreSource(logStore) });
 * app.get('/v1/models/:name/monitor', async (req) => monitor.state(req.params.name));
 * ```
 */
export class MonitorService {
  readonly config: MonitorConfig;
  private readonly models = new Map<string, Model>();

  constructor(readonly opts: MonitorServiceOptions) {
    this.config = resolveMonitorConfig(opts.config);
  }

  /** `name` → champion (else latest); `name@version`, `name@alias` as given. */
  async resolve(ref: string): Promise<VersionInfo> {
    const r = parseRef(ref);
    if (ref.includes('@')) return this.opts.registry.resolve(ref);
    try {
      return await this.opts.registry.resolve(`${r.name}@champion`);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODEL_NOT_FOUND') throw e;
      return this.opts.registry.resolve(r.name);
    }
  }

  private async model(info: VersionInfo): Promise<Model> {
    let m = this.models.get(info.sha256);
    if (!m) {
      const { bytes } = await this.opts.registry.load(info.ref);
      m = modelFromBytes(bytes, info.ref, info.sha256).model;
      if (this.models.size > 16) this.models.clear();
      this.models.set(info.sha256, m);
    }
    return m;
  }

  /** The monitor state of `ref` (no side effects). */
  async state(ref: string, opts: { since?: number; now?: number } = {}): Promise<ModelMonitorState> {
    const info = await this.resolve(ref);
    const model = await this.model(info);
    const now = opts.now ?? Date.now();
    const report = await monitorReport(this.opts.source, monitoredModel(info.name, info.version, model), { config: this.config, now, since: opts.since });
    return { ref: info.ref, ...report, challenger: await this.comparison(info, model, now) };
  }

  private async comparison(info: VersionInfo, model: Model, now: number): Promise<ChallengerComparison | null> {
    let challenger: VersionInfo;
    let champion: VersionInfo;
    try {
      challenger = await this.opts.registry.resolve(`${info.name}@challenger`);
      champion = await this.opts.registry.resolve(`${info.name}@champion`);
    } catch {
      return null;
    }
    if (champion.version !== info.version || challenger.version === champion.version) return null;
    const since = now - this.config.challenger.lookbackMs;
    const primary = await this.opts.source.predictions({ model: info.name, version: champion.version, since, until: now, labelledOnly: true });
    const shadow = await this.opts.source.predictions({ model: info.name, version: challenger.version, since, until: now, role: 'shadow' });
    return compareChallenger(primary, shadow, model.target, { model: info.name, champion: champion.version, challenger: challenger.version }, this.config, now);
  }

  /**
   * One monitoring pass: report, send new alerts (log events, prom, webhook), record the
   * champion/challenger decision, schedule a retrain when triggered (with a queue and data source).
   */
  async check(ref: string, opts: { now?: number; actor?: string } = {}): Promise<CheckResult> {
    const info = await this.resolve(ref);
    const model = await this.model(info);
    const now = opts.now ?? Date.now();
    const { report, sent } = await runMonitorCheck(this.opts.source, monitoredModel(info.name, info.version, model), { prom: this.opts.prom, webhook: this.opts.webhook }, { config: this.config, now });
    let decision: DecideResult | null = null;
    const aliases = (await this.opts.registry.show(info.name)).aliases;
    if (aliases.challenger && aliases.champion === info.version && aliases.challenger !== aliases.champion) {
      decision = await decideChallenger(this.opts.registry, this.opts.source, info.name, { config: this.config, now, target: model.target, actor: opts.actor });
    }
    let job: string | null = null;
    if (this.opts.queue && this.opts.retrainData) {
      job = await scheduleRetrain(report, this.opts.queue, { data: this.opts.retrainData, registry: this.opts.registry, now });
    }
    return { ref: info.ref, ...report, challenger: decision?.comparison ?? null, sent: sent.length, decision, retrain_job: job };
  }
}
