/**
 * Issue 7, "Done when" 5: the monitoring loop on simulated traffic.
 * - a shifted distribution raises a drift alert for exactly the shifted features;
 * - labels that degrade accuracy by 10 % raise a decay alert (and 99 labelled rows raise nothing);
 * - a better challenger is promoted only after the minimum rows, the minimum window and approval;
 *   a worse or equal one never is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import type { FeedbackRecord, PredictionRecord } from '../../src/log/record.js';
import type { Model } from '../../src/model/model.js';
import { openRegistry, type Registry } from '../../src/registry/registry.js';
import { approvePromotion, decideChallenger } from '../../src/monitor/challenger.js';
import { monitorReport, monitoredModel } from '../../src/monitor/report.js';
import { ShadowScorer } from '../../src/monitor/shadow.js';
import { MemorySource } from '../../src/monitor/source.js';
import { DAY, feedback, generate, score, train } from './sim.js';

const NOW = Date.UTC(2026, 10, 23, 12);
let champion: Model;
let strong: Model;
let weak: Model;

beforeAll(async () => {
  champion = await train(6000, 11);
  // Challengers for the promotion tests: the champion's recipe without x1 (weak), with all features (strong).
  weak = await train(6000, 12, { exclude: ['x1'] });
  strong = champion;
}, 120_000);

describe('drift: a shifted distribution alerts on exactly the shifted features', () => {
  const driftOf = async (shift: Parameters<typeof generate>[2], n = 3000) => {
    const { rows } = generate(n, 101, shift);
    const source = new MemorySource(score(champion, 'credit', '1.0.0', rows, NOW - 20 * 3_600_000, NOW));
    return monitorReport(source, monitoredModel('credit', '1.0.0', champion), { now: NOW });
  };

  it('no shift: no feature drift alerts', async () => {
    const r = await driftOf({});
    expect(r.drift.features.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(r.alerts.filter((a) => a.kind === 'feature_drift')).toEqual([]);
    expect(r.drift.coverage!).toBeGreaterThan(0.95);
  });

  it('x1 shifted by 1 sd and c1 re-weighted: alerts for x1 and c1 only', async () => {
    const r = await driftOf({ x1: 1, c1: [0.7, 0.1, 0.1, 0.1] });
    const drifted = r.alerts.filter((a) => a.kind === 'feature_drift' && a.severity === 'alert').map((a) => a.subject);
    expect(drifted.sort()).toEqual(['c1', 'x1']);
    const byName = Object.fromEntries(r.drift.features.map((f) => [f.name, f]));
    expect(byName.x1.psi!).toBeGreaterThan(0.25);
    expect(byName.x1.test!.name).toBe('ks');
    expect(byName.c1.test!.name).toBe('chi2');
    for (const f of ['x2', 'x3', 'x4']) expect(byName[f].psi!, f).toBeLessThan(0.1);
    // x1 drives the score, so the prediction distribution moves too.
    expect(r.alerts.some((a) => a.kind === 'prediction_drift')).toBe(true);
    expect(r.retrain.some((t) => t.reason === 'drift' && t.subject === 'x1')).toBe(true);
  });

  it('NaN/inf values are flagged on their feature (feature safety)', async () => {
    const r = await driftOf({ x4NaN: 0.05 });
    const nonFinite = r.alerts.filter((a) => a.kind === 'non_finite').map((a) => a.subject);
    expect(nonFinite).toEqual(['x4']);
    expect(r.alerts.filter((a) => a.kind === 'feature_drift')).toEqual([]);
  });

  it('too little data: no drift verdict, no alert', async () => {
    const r = await driftOf({ x1: 2 }, 150);
    expect(r.drift.features.every((f) => f.status === 'insufficient')).toBe(true);
    expect(r.alerts.filter((a) => a.kind === 'feature_drift')).toEqual([]);
  });
});

describe('decay: labels that degrade accuracy by 10 % alert', () => {
  const decayOf = async (degrade: number, labelled: number) => {
    const { rows, y } = generate(3000, 202);
    const records = score(champion, 'credit', '1.0.0', rows, NOW - 6 * DAY, NOW);
    const base = Number(champion.metadata.metrics.validation.accuracy);
    // Flip the labels of correctly predicted rows until accuracy is `degrade` (relative) below training.
    const correct = records.map((r, i) => r.prediction === y[i]);
    const liveAcc = correct.filter(Boolean).length / y.length;
    let toFlip = Math.max(0, Math.round((liveAcc - base * (1 - degrade)) * y.length));
    const labels = y.map((v, i) => (correct[i] && toFlip-- > 0 ? (v === 'yes' ? 'no' : 'yes') : v));
    const source = new MemorySource(records, feedback(records, labels, labelled));
    return { report: await monitorReport(source, monitoredModel('credit', '1.0.0', champion), { now: NOW }), base };
  };

  it('true labels: no decay', async () => {
    const { report } = await decayOf(0, 3000);
    expect(report.performance.labelled).toBe(3000);
    expect(report.alerts.filter((a) => a.kind === 'decay')).toEqual([]);
  });

  it('accuracy 10 % below the training value: decay alert on accuracy', async () => {
    const { report, base } = await decayOf(0.1, 3000);
    const acc = report.performance.decay.find((d) => d.metric === 'accuracy')!;
    expect(acc.training).toBeCloseTo(base, 12);
    expect(acc.relativeDrop!).toBeGreaterThan(0.09);
    expect(acc.relativeDrop!).toBeLessThan(0.11);
    expect(report.alerts.some((a) => a.kind === 'decay' && a.subject === 'accuracy')).toBe(true);
    expect(report.retrain.some((t) => t.reason === 'decay')).toBe(true);
  });

  it('the same degradation on 99 labelled rows raises nothing (minimum 100)', async () => {
    const { report } = await decayOf(0.3, 99);
    expect(report.performance.labelled).toBe(99);
    expect(report.performance.status).toBe('insufficient');
    expect(report.alerts.filter((a) => a.kind === 'decay')).toEqual([]);
  });
});

describe('champion/challenger: promotion needs rows, window, margin, significance and approval', () => {
  let dir: string;
  let registry: Registry;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-sim-'));
    registry = await openRegistry({ url: dir });
  });
  afterAll(async () => {
    await registry.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Registers champion and challenger under `name` and simulates `n` labelled requests over `days` days ending at NOW. */
  const world = async (name: string, champ: Model, chall: Model, n: number, days: number, labelled = n) => {
    const a = await registry.register({ name, bytes: modelToBytes(champ), aliases: ['champion'] });
    const b = await registry.register({ name, bytes: modelToBytes(chall), aliases: ['challenger'], version: '2.0.0' });
    const { rows, y } = generate(n, 303);
    const primary = score(champ, name, a.version, rows, NOW - days * DAY, NOW - 60_000);
    const shadowRecords: PredictionRecord[] = [];
    const shadow = new ShadowScorer({ model: chall, name, version: b.version, write: (r) => shadowRecords.push(...r) });
    // One request per 50 rows, as a server would hand them over after answering.
    for (let i = 0; i < n; i += 50) shadow.submit(rows.slice(i, i + 50), primary.slice(i, i + 50));
    expect(shadowRecords).toHaveLength(0); // nothing is scored synchronously
    await shadow.drain();
    expect(shadow.stats.scored).toBe(n);
    const fb: FeedbackRecord[] = feedback(primary, y, labelled);
    return { source: new MemorySource([...primary, ...shadowRecords], fb), a, b };
  };
  const championOf = async (name: string) => (await registry.resolve(`${name}@champion`)).version;

  it('a better challenger: wait below 100 rows, wait below 7 days, then recommend; promoted only on approval', async () => {
    const few = await world('better', weak, strong, 1000, 8, 60);
    let d = await decideChallenger(registry, few.source, 'better', { now: NOW });
    expect(d.comparison.decision).toBe('wait');
    expect(d.comparison.paired).toBe(60);
    expect(d.recorded).toBeNull();
    await expect(approvePromotion(registry, 'better@challenger')).rejects.toMatchObject({ code: 'PROMOTION_NOT_RECOMMENDED' });
    expect(await championOf('better')).toBe(few.a.version);

    // Enough rows but only 3 days of shadowing.
    const shortWindow = await world('better-short', weak, strong, 1000, 3);
    d = await decideChallenger(registry, shortWindow.source, 'better-short', { now: NOW });
    expect(d.comparison.paired).toBe(1000);
    expect(d.comparison.decision).toBe('wait');
    expect(d.comparison.reasons.join(' ')).toMatch(/7 days/);

    // 1000 labelled rows over 8 days: recommended, but the champion does not move by itself.
    const full = new (few.source.constructor as typeof MemorySource)(few.source.predictionsList, feedback(few.source.predictionsList.filter((r) => r.role === 'primary'), generate(1000, 303).y));
    d = await decideChallenger(registry, full, 'better', { now: NOW });
    expect(d.comparison.decision).toBe('promote');
    expect(d.comparison.test!.name).toBe('delong');
    expect(d.comparison.relativeImprovement!).toBeGreaterThan(0.03);
    expect(d.recorded).toBe('challenger.recommend');
    expect(d.promoted).toBe(false);
    expect(await championOf('better')).toBe(few.a.version);
    // Deciding again records nothing new.
    expect((await decideChallenger(registry, full, 'better', { now: NOW })).recorded).toBeNull();

    const moved = await approvePromotion(registry, 'better@challenger', { actor: 'alice', reason: 'reviewed' });
    expect(moved.version).toBe(few.b.version);
    expect(await championOf('better')).toBe(few.b.version);
    const audit = (await registry.audit({ name: 'better', limit: 20 })).map((r) => r.action);
    expect(audit.slice(0, 3)).toEqual(['promote', 'challenger.approve', 'challenger.recommend']);
    // The recommendation was used up: a second approval is refused.
    await expect(approvePromotion(registry, 'better@2.0.0')).rejects.toMatchObject({ code: 'PROMOTION_NOT_RECOMMENDED' });
  }, 60_000);

  it('a worse challenger is never promoted (refused, recorded; approval refused)', async () => {
    const w = await world('worse', strong, weak, 1000, 8);
    const d = await decideChallenger(registry, w.source, 'worse', { now: NOW, config: { challenger: { autoPromote: true } } });
    expect(d.comparison.decision).toBe('keep');
    expect(d.comparison.relativeImprovement!).toBeLessThan(0);
    expect(d.recorded).toBe('challenger.refuse');
    expect(d.promoted).toBe(false);
    await expect(approvePromotion(registry, 'worse@challenger')).rejects.toMatchObject({ code: 'PROMOTION_NOT_RECOMMENDED' });
    expect(await championOf('worse')).toBe(w.a.version);
    const audit = (await registry.audit({ name: 'worse', limit: 20 })).map((r) => r.action);
    expect(audit.filter((x) => x === 'challenger.refuse')).toHaveLength(2);
    expect(audit).not.toContain('promote');
  }, 60_000);

  it('an equal challenger (same model) is never promoted', async () => {
    const e = await world('equal', strong, strong, 1000, 8);
    const d = await decideChallenger(registry, e.source, 'equal', { now: NOW, config: { challenger: { autoPromote: true } } });
    expect(d.comparison.relativeImprovement).toBe(0);
    expect(d.comparison.decision).toBe('keep');
    expect(d.promoted).toBe(false);
    expect(await championOf('equal')).toBe(e.a.version);
  }, 60_000);

  it('with autoPromote a better challenger is promoted without approval (recorded as approved by auto)', async () => {
    const g = await world('auto', weak, strong, 1000, 8);
    const d = await decideChallenger(registry, g.source, 'auto', { now: NOW, config: { challenger: { autoPromote: true } } });
    expect(d.promoted).toBe(true);
    expect(await championOf('auto')).toBe(g.b.version);
    const rows = await registry.audit({ name: 'auto', limit: 5 });
    expect(rows[1]).toMatchObject({ action: 'challenger.approve', actor: 'auto' });
  }, 60_000);
});
