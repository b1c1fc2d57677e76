/**
 * Champion/challenger (DESIGN.md; seed 002): the challenger scores the champion's requests in
 * shadow; on the labelled rows both scored, a paired test decides whether the challenger is
 * better — DeLong's test for ROC AUC, a paired bootstrap for any other metric (src/metrics/
 * compare.ts). A promotion is recommended only with at least `minLabelled` paired rows, after
 * `minWindowMs` of shadowing, with a relative improvement ≥ `margin` AND one-sided p < `alpha`;
 * it happens after manual approval (`modelyard models promote <ref> --approve`) unless
 * `autoPromote`. Every decision — recommendation, refusal, approval — is an audit-log row.
 */
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';
import { accuracy, argmaxRows, computeMetrics, delongTest, logLoss, mae, pairedBootstrap, PRIMARY_METRIC, r2, rmse, rocAuc, rocAucOvr } from '../metrics/index.js';
import type { Registry } from '../registry/registry.js';
import { parseRef } from '../registry/ref.js';
import type { AuditRow } from '../registry/types.js';
import type { TargetSpec } from '../schema/types.js';
import { resolveMonitorConfig, type MonitorConfig, type MonitorConfigInput } from './config.js';
import { higherIsBetter, labelledArrays } from './performance.js';
import type { JoinedPrediction, MonitorSource } from './source.js';

export type ChallengerDecision = 'promote' | 'keep' | 'wait';

export interface ChallengerComparison {
  model: string;
  champion: string;
  challenger: string;
  metric: string;
  /** Labelled rows scored by both. */
  paired: number;
  /** Shadowing so far: from the first paired row to now, ms. */
  windowMs: number;
  championValue: number | null;
  challengerValue: number | null;
  /** (challenger − champion) / |champion| in the metric's better direction (positive: challenger better). */
  relativeImprovement: number | null;
  test: { name: 'delong' | 'bootstrap'; pValue: number; ci?: [number, number] } | null;
  decision: ChallengerDecision;
  reasons: string[];
}

/**
 * Pairs each labelled primary (champion) row with the challenger's shadow row of the same request:
 * by `shadow_of`, else by request id and the row's position within the request.
 */
export function pairRows(primary: readonly JoinedPrediction[], shadow: readonly JoinedPrediction[]): { champion: JoinedPrediction[]; challenger: JoinedPrediction[] } {
  const ordinalKey = (rows: readonly JoinedPrediction[]): Map<JoinedPrediction, string> => {
    const byRequest = new Map<string, JoinedPrediction[]>();
    for (const r of rows) {
      let l = byRequest.get(r.prediction.request_id);
      if (!l) byRequest.set(r.prediction.request_id, (l = []));
      l.push(r);
    }
    const out = new Map<JoinedPrediction, string>();
    for (const [req, l] of byRequest) {
      l.sort((a, b) => (a.prediction.id < b.prediction.id ? -1 : 1));
      l.forEach((r, i) => out.set(r, `${req}#${i}`));
    }
    return out;
  };
  const shadowById = new Map<string, JoinedPrediction>();
  for (const s of shadow) if (s.prediction.shadow_of) shadowById.set(s.prediction.shadow_of, s);
  const pOrd = ordinalKey(primary);
  const sOrd = ordinalKey(shadow.filter((s) => !s.prediction.shadow_of));
  const byOrd = new Map<string, JoinedPrediction>();
  for (const [r, k] of sOrd) byOrd.set(k, r);
  const champion: JoinedPrediction[] = [];
  const challenger: JoinedPrediction[] = [];
  for (const p of primary) {
    if (p.actual === null) continue;
    const s = shadowById.get(p.prediction.id) ?? byOrd.get(pOrd.get(p)!);
    if (!s) continue;
    champion.push(p);
    challenger.push({ prediction: s.prediction, actual: p.actual });
  }
  return { champion, challenger };
}

/** `(y, out) → metric` for the bootstrap; buffers are reused, so nothing is kept. */
function metricFn(metric: string, task: TargetSpec['task'], k: number): (y: Float64Array, out: Float64Array) => number {
  const n = (y: Float64Array): number => y.length;
  switch (metric) {
    case 'rmse':
      return rmse;
    case 'mae':
      return mae;
    case 'r2':
      return r2;
    case 'accuracy':
      return (y, out) => accuracy(y, argmaxRows(out, n(y), k));
    case 'log_loss':
      return (y, out) => logLoss(y, out, k);
    case 'roc_auc':
      return task === 'binary'
        ? (y, out) => {
            const p1 = new Float64Array(y.length);
            for (let i = 0; i < y.length; i++) p1[i] = out[2 * i + 1];
            return rocAuc(y, p1);
          }
        : (y, out) => rocAucOvr(y, out, k);
    default:
      return (y, out) => {
        const v = computeMetrics(task, y, out, k)[metric];
        if (v === undefined) throw new ModelyardError('PARAM_INVALID', `metric "${metric}" is not computed for ${task} models`, { field: 'challenger.metric' });
        return v;
      };
  }
}

/**
 * Compares the challenger's shadow rows with the champion's labelled rows (pure).
 *
 * @param now Time of the decision (the shadow window is measured up to it).
 * @example
 * ```ts
 * const c = compareChallenger(primaryRows, shadowRows, model.target, { model: 'credit', champion: '1.0.0', challenger: '1.1.0' }, cfg, Date.now());
 * c.decision; // 'promote' | 'keep' | 'wait'
 * ```
 */
export function compareChallenger(
  primary: readonly JoinedPrediction[],
  shadow: readonly JoinedPrediction[],
  target: TargetSpec,
  ids: { model: string; champion: string; challenger: string },
  cfg: MonitorConfig,
  now: number,
): ChallengerComparison {
  const metric = cfg.challenger.metric ?? PRIMARY_METRIC[target.task].name;
  const greater = higherIsBetter(metric);
  const { champion, challenger } = pairRows(primary, shadow);
  const a = labelledArrays(champion, target);
  const b = labelledArrays(challenger, target);
  const first = challenger.reduce((m, r) => Math.min(m, r.prediction.time), Infinity);
  const c: ChallengerComparison = {
    ...ids,
    metric,
    paired: a.y.length,
    windowMs: Number.isFinite(first) ? now - first : 0,
    championValue: null,
    challengerValue: null,
    relativeImprovement: null,
    test: null,
    decision: 'wait',
    reasons: [],
  };
  const days = (ms: number): string => `${Number((ms / 86_400_000).toFixed(2))} days`;
  if (c.paired < cfg.challenger.minLabelled) c.reasons.push(`${c.paired} labelled paired rows, fewer than the ${cfg.challenger.minLabelled} needed`);
  if (c.windowMs < cfg.challenger.minWindowMs) c.reasons.push(`shadowing for ${days(c.windowMs)}, less than the ${days(cfg.challenger.minWindowMs)} needed`);
  if (c.paired < 4) return c;
  const k = a.k;
  const y = a.y;
  let classesPresent = true;
  if (target.task === 'binary') {
    let pos = 0;
    for (const v of y) pos += v;
    classesPresent = pos >= 2 && y.length - pos >= 2;
  }
  if (metric === 'roc_auc' && target.task === 'binary' && classesPresent) {
    const pA = new Float64Array(y.length);
    const pB = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      pA[i] = a.out[2 * i + 1];
      pB[i] = b.out[2 * i + 1];
    }
    const r = delongTest(y, pA, pB);
    c.championValue = r.aucA;
    c.challengerValue = r.aucB;
    c.test = { name: 'delong', pValue: r.pValueGreater };
  } else {
    if (target.task !== 'regression' && metric === 'roc_auc' && !classesPresent) {
      c.reasons.push('the labelled rows hold too few of a class for AUC');
      return c;
    }
    const r = pairedBootstrap(y, a.out, b.out, metricFn(metric, target.task, k), {
      resamples: cfg.challenger.resamples,
      seed: 7,
      greaterIsBetter: greater,
      stratified: target.task !== 'regression',
    });
    c.championValue = r.metricA;
    c.challengerValue = r.metricB;
    c.test = { name: 'bootstrap', pValue: r.pValue, ci: r.ci };
  }
  const A = c.championValue!;
  const B = c.challengerValue!;
  c.relativeImprovement = A === 0 ? (B === A ? 0 : greater === B > A ? Infinity : -Infinity) : (greater ? B - A : A - B) / Math.abs(A);
  if (c.reasons.length > 0) return c; // too little data: no verdict yet
  const pct = (v: number): string => `${Number((100 * v).toFixed(2))} %`;
  const better = c.relativeImprovement >= cfg.challenger.margin;
  const significant = c.test.pValue < cfg.challenger.alpha;
  if (better && significant) {
    c.decision = 'promote';
    c.reasons.push(`${metric} ${fmt(B)} vs ${fmt(A)}: ${pct(c.relativeImprovement)} better (margin ${pct(cfg.challenger.margin)}), ${c.test.name} p = ${c.test.pValue.toExponential(2)} < ${cfg.challenger.alpha}`);
  } else {
    c.decision = 'keep';
    if (!better) c.reasons.push(`${metric} ${fmt(B)} vs ${fmt(A)}: ${pct(c.relativeImprovement)} improvement, below the ${pct(cfg.challenger.margin)} margin`);
    if (!significant) c.reasons.push(`${c.test.name} p = ${c.test.pValue.toExponential(2)} is not below ${cfg.challenger.alpha}`);
  }
  return c;
}

const fmt = (v: number): string => Number(v.toPrecision(4)).toString();

export interface DecideOptions {
  config?: MonitorConfigInput | MonitorConfig;
  now?: number;
  /** Target of the models (read from the champion's artifact when omitted). */
  target?: TargetSpec;
  actor?: string;
}

export interface DecideResult {
  comparison: ChallengerComparison;
  /** The audit action written (null: nothing new to record). */
  recorded: 'challenger.recommend' | 'challenger.refuse' | null;
  /** True when auto-promotion moved the champion. */
  promoted: boolean;
}

const DECISIONS = ['challenger.recommend', 'challenger.refuse', 'challenger.approve'];

/**
 * The latest champion/challenger decision row of `name` (optionally for one version): a monitor
 * recommendation or refusal, or an approval. A refused `--approve` (a `challenger.refuse` row with
 * `details.approval`) is a record of the attempt, not a verdict on the challenger, so it is skipped:
 * otherwise a premature approval would hide the monitor's later "keep" from the audit log (the
 * refusal would look like the same decision already recorded).
 */
export async function latestDecision(registry: Registry, name: string, version?: string): Promise<AuditRow | null> {
  const rows = await registry.audit({ name, limit: 500 });
  return rows.find((r) => DECISIONS.includes(r.action) && (version === undefined || r.version === version) && r.details?.approval !== true) ?? null;
}

/**
 * Compares `name@challenger` with `name@champion` on the log and records the decision in the audit
 * log (a recommendation or a refusal; nothing while data is insufficient, and nothing when the
 * latest decision for this challenger version is the same). With `autoPromote` a recommendation
 * promotes at once (audit: `challenger.approve` by `auto`, then `promote`).
 *
 * @example
 * ```ts
 * const { comparison } = await decideChallenger(registry, source, 'credit');
 * if (comparison.decision === 'promote') console.log('run: modelyard models promote credit@challenger --approve');
 * ```
 */
export async function decideChallenger(registry: Registry, source: MonitorSource, name: string, opts: DecideOptions = {}): Promise<DecideResult> {
  const cfg = resolveMonitorConfig(opts.config as MonitorConfigInput);
  const now = opts.now ?? Date.now();
  const champion = await registry.resolve(`${name}@champion`);
  const challenger = await registry.resolve(`${name}@challenger`);
  let target = opts.target;
  if (!target) {
    const { modelFromBytes } = await import('../artifact/model-artifact.js');
    const { bytes } = await registry.load(champion.ref);
    target = modelFromBytes(bytes, champion.ref, champion.sha256).model.target;
  }
  const since = now - cfg.challenger.lookbackMs;
  const primary = await source.predictions({ model: name, version: champion.version, since, until: now, labelledOnly: true });
  const shadow = await source.predictions({ model: name, version: challenger.version, since, until: now, role: 'shadow' });
  const comparison = compareChallenger(primary, shadow, target, { model: name, champion: champion.version, challenger: challenger.version }, cfg, now);
  const result: DecideResult = { comparison, recorded: null, promoted: false };
  if (comparison.decision === 'wait') return result;
  const action = comparison.decision === 'promote' ? 'challenger.recommend' : 'challenger.refuse';
  const last = await latestDecision(registry, name, challenger.version);
  if (!last || last.action !== action) {
    await registry.recordDecision({
      action,
      name,
      version: challenger.version,
      alias: 'challenger',
      actor: opts.actor ?? 'monitor',
      reason: comparison.reasons.join('; '),
      details: { comparison: JSON.parse(JSON.stringify(comparison)) as Json },
    });
    result.recorded = action;
  }
  if (comparison.decision === 'promote' && cfg.challenger.autoPromote) {
    await approvePromotion(registry, `${name}@${challenger.version}`, { actor: 'auto', reason: 'auto-promotion (challenger.autoPromote)' });
    result.promoted = true;
  }
  return result;
}

/**
 * `modelyard models promote <ref> --approve`: promotes `ref` to champion only when the latest
 * champion/challenger decision for that version is a standing recommendation. Records the
 * approval (`challenger.approve`, then the `promote` move), or the refusal (`challenger.refuse`)
 * and fails with PROMOTION_NOT_RECOMMENDED.
 *
 * @example
 * ```ts
 * await approvePromotion(registry, 'credit@challenger', { reason: 'reviewed the comparison' });
 * ```
 */
export async function approvePromotion(registry: Registry, ref: string, who: { actor?: string; reason?: string; to?: string } = {}): Promise<{ name: string; version: string; previous: string | null; recommendation: Record<string, Json> }> {
  const info = await registry.resolve(ref);
  const to = who.to ?? 'champion';
  const last = await latestDecision(registry, info.name, info.version);
  if (!last || last.action !== 'challenger.recommend') {
    const why = !last
      ? `no champion/challenger recommendation exists for ${info.ref}`
      : last.action === 'challenger.refuse'
        ? `the latest comparison refused ${info.ref}: ${last.reason ?? ''}`
        : `the recommendation for ${info.ref} was already acted on (${last.action} at ${last.at})`;
    await registry.recordDecision({ action: 'challenger.refuse', name: info.name, version: info.version, alias: to, actor: who.actor, reason: `approval refused: ${why}`, details: { approval: true } });
    throw new ModelyardError('PROMOTION_NOT_RECOMMENDED', `cannot approve ${parseRef(ref).name}: ${why}; promote without --approve to override by hand`, { flag: '--approve' });
  }
  await registry.recordDecision({ action: 'challenger.approve', name: info.name, version: info.version, alias: to, actor: who.actor, reason: who.reason ?? 'approved', details: { recommendation_id: last.id } });
  const move = await registry.promote(info.ref, to, { actor: who.actor, reason: who.reason ?? `approved challenger recommendation #${last.id}` });
  return { name: info.name, version: info.version, previous: move.previous, recommendation: last.details };
}
