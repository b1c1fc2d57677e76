import { describe, expect, it } from 'vitest';
import type { FeedbackRecord, PredictionRecord } from '../log/record.js';
import { Rng } from '../util/random.js';
import { compareChallenger, pairRows } from './challenger.js';
import { DEFAULT_MONITOR_CONFIG, resolveMonitorConfig } from './config.js';
import { driftSection } from './drift-check.js';
import { operationsAlerts, operationsSection, performanceSection } from './performance.js';
import { numericProfile, type Profile } from './profile.js';
import { joinFeedback, joinWithShadows, MemorySource, REQUEST_ERROR_EVENT } from './source.js';
import { monitorReport } from './report.js';

const rec = (over: Partial<PredictionRecord> & { id: string }): PredictionRecord => ({
  time: 1000,
  model: 'm',
  version: '1.0.0',
  segment: null,
  request_id: 'r1',
  entity_id: null,
  inputs: null,
  prediction: 'yes',
  probabilities: { no: 0.2, yes: 0.8 },
  latency_ms: 5,
  role: 'primary',
  ...over,
});
const fb = (over: Partial<FeedbackRecord> & { actual: string | number }): FeedbackRecord => ({ id: `f${Math.random()}`, time: 5000, prediction_id: null, entity_id: null, ...over });
const binary = { name: 'y', task: 'binary' as const, classes: ['no', 'yes'] };

describe('config', () => {
  it('fills defaults from the seeds and checks ranges by key', () => {
    const c = resolveMonitorConfig({ drift: { minRows: 50 } });
    expect(c.drift).toEqual({ ...DEFAULT_MONITOR_CONFIG.drift, minRows: 50 });
    expect(c.retrain).toMatchObject({ confidentMistakes: 10, mistakeWindowMs: 7 * 86_400_000 });
    expect(c.performance).toMatchObject({ decayRelative: 0.05, minLabelled: 100, confidentMistakeConfidence: 0.7 });
    expect(c.challenger).toMatchObject({ margin: 0.03, minLabelled: 100, minWindowMs: 7 * 86_400_000, autoPromote: false });
    expect(c.operations).toMatchObject({ maxErrorRate: 0.05, maxLatencyMs: 1000 });
    expect(c.features.minCoverage).toBe(0.6);
    expect(() => resolveMonitorConfig({ drift: { psiAlert: 0.05 } })).toThrow(/drift.psiAlert/);
    expect(() => resolveMonitorConfig({ drift: { psi: 1 } as never })).toThrow(/unknown monitor setting "drift.psi"/);
    expect(() => resolveMonitorConfig({ performance: { minLabelled: 1.5 } })).toThrow(/integer/);
  });
});

describe('feedback join', () => {
  it('joins by prediction id, else by entity to the latest earlier prediction; later feedback wins', () => {
    const p = [rec({ id: 'a', entity_id: 'lead-1', time: 100 }), rec({ id: 'b', entity_id: 'lead-1', time: 200 }), rec({ id: 'c', time: 300 })];
    const j = joinFeedback(p, [
      fb({ prediction_id: 'c', actual: 'no', time: 400 }),
      fb({ prediction_id: 'c', actual: 'yes', time: 500 }),
      fb({ entity_id: 'lead-1', actual: 'no', time: 150 }), // after a, before b → a
      fb({ entity_id: 'lead-1', actual: 'yes', time: 900 }), // → b
      fb({ entity_id: 'nobody', actual: 'yes' }),
    ]);
    expect(j.map((x) => x.actual)).toEqual(['no', 'yes', 'yes']);
  });

  it('shadow rows take the label of the row they shadow; pairing falls back to request order', () => {
    const primary = [rec({ id: '01', request_id: 'q' }), rec({ id: '02', request_id: 'q' }), rec({ id: '03', request_id: 'z' })];
    const shadow = [
      rec({ id: '11', request_id: 'q', role: 'shadow', version: '2.0.0', prediction: 'no' }),
      rec({ id: '12', request_id: 'q', role: 'shadow', version: '2.0.0', prediction: 'yes' }),
      rec({ id: '13', request_id: 'x', role: 'shadow', version: '2.0.0', shadow_of: '03' }),
    ];
    const joined = joinWithShadows([...primary, ...shadow], [fb({ prediction_id: '01', actual: 'no' }), fb({ prediction_id: '03', actual: 'yes' })]);
    expect(joined.find((j) => j.prediction.id === '13')!.actual).toBe('yes');
    const pr = joined.filter((j) => j.prediction.role === 'primary');
    const sh = joined.filter((j) => j.prediction.role === 'shadow');
    const pairs = pairRows(pr, sh);
    expect(pairs.champion.map((r) => r.prediction.id)).toEqual(['01', '03']);
    expect(pairs.challenger.map((r) => [r.prediction.id, r.actual])).toEqual([['11', 'no'], ['13', 'yes']]);
  });
});

describe('drift check', () => {
  const ref = Float64Array.from({ length: 2000 }, (_, i) => (i % 100) / 100);
  const profile: Profile = {
    rows: 2000,
    features: { a: numericProfile(ref), c: { kind: 'categorical', count: 2000, missing: 0, counts: { u: 1000, v: 1000 } } },
    prediction: numericProfile(ref),
  };
  const rows = (n: number, f: (i: number) => Record<string, unknown>): PredictionRecord[] =>
    Array.from({ length: n }, (_, i) => rec({ id: String(i), inputs: f(i), probabilities: { no: 0.5, yes: (i % 100) / 100 } }));
  const cfg = resolveMonitorConfig();

  it('counts missing, NaN/inf and unparseable values; coverage per row; unseen categories drift', () => {
    const d = driftSection(profile, binary, rows(400, (i) => ({ a: i % 4 === 0 ? null : i % 4 === 1 ? 'inf' : i % 4 === 2 ? Number.NaN : 0.5, c: i % 2 ? 'w' : 'u' })), cfg);
    const a = d.features.find((f) => f.name === 'a')!;
    expect([a.missing, a.nonFinite, a.present]).toEqual([100, 200, 100]);
    expect(a.status).toBe('insufficient'); // 100 present < 300
    const c = d.features.find((f) => f.name === 'c')!;
    expect(c.status).toBe('alert'); // half the rows carry a category training never saw
    expect(d.coverage).toBeCloseTo((0.25 * 2 + 0.75 * 1) / 2, 10);
    expect(d.prediction!.status).toBe('ok');
  });

  it('a small shift that is significant but below PSI 0.1 does not warn; hashed inputs are skipped', () => {
    const d = driftSection(profile, binary, rows(20000, (i) => ({ a: Math.min(0.99, ((i % 100) / 100) * 1.04), c: i % 2 ? 'u' : 'v' })), cfg);
    const a = d.features.find((f) => f.name === 'a')!;
    expect(a.test!.pValue).toBeLessThan(0.01);
    expect(a.psi!).toBeLessThan(0.1);
    expect(a.status).toBe('ok');
    const hashed = driftSection(profile, binary, [rec({ id: 'h', inputs: 'sha256:…' })], cfg);
    expect(hashed.rowsWithoutInputs).toBe(1);
    expect(hashed.coverage).toBeNull();
  });

  it('no profile: drift is unavailable, not an error', () => {
    expect(driftSection(null, binary, [], cfg)).toMatchObject({ profiled: false, features: [] });
  });
});

describe('performance and operations', () => {
  const cfg = resolveMonitorConfig();
  it('error rate from request.error events over requests, latency mean and p99, with minimum requests', async () => {
    const preds = Array.from({ length: 190 }, (_, i) => ({ prediction: rec({ id: String(i), request_id: `r${i}`, latency_ms: i < 189 ? 10 : 5000 }), actual: null }));
    const errors = Array.from({ length: 11 }, (_, i) => ({ id: `e${i}`, time: 1, kind: REQUEST_ERROR_EVENT, model: 'm', version: null, payload: {} }));
    const o = operationsSection(preds, errors, cfg);
    expect(o.requests).toBe(201);
    expect(o.errorRate).toBeCloseTo(11 / 201, 12);
    expect(o.errorStatus).toBe('alert');
    expect(o.latencyMeanMs).toBeCloseTo((189 * 10 + 5000) / 190, 10);
    expect(o.latencyP99Ms).toBe(10); // ceil(0.99·190) = 189th value
    expect(o.latencyStatus).toBe('ok');
    expect(operationsAlerts(o, 'm', '1', cfg, 0).map((a) => a.kind)).toEqual(['error_rate']);
    expect(operationsSection(preds.slice(0, 50), errors, cfg).errorStatus).toBe('insufficient');
    const slow = operationsSection(preds.map((p) => ({ ...p, prediction: { ...p.prediction, latency_ms: 1200 } })), [], cfg);
    expect(slow.latencyStatus).toBe('alert');
  });

  it('regression: RMSE decay compares in the right direction', () => {
    const target = { name: 'y', task: 'regression' as const };
    const rows = Array.from({ length: 200 }, (_, i) => ({ prediction: rec({ id: String(i), prediction: i, probabilities: null }), actual: i + (i % 2 ? 1.1 : -1.1) }));
    const p = performanceSection(rows, target, { validation: { rmse: 1 } }, cfg, 0);
    expect(p.metrics.rmse).toBeCloseTo(1.1, 10);
    expect(p.decay).toEqual([{ metric: 'rmse', live: p.metrics.rmse, training: 1, relativeDrop: expect.closeTo(0.1, 10), status: 'alert' }]);
    expect(p.confidentMistakes).toBe(0);
  });

  it('labels outside the model classes are counted, not scored', () => {
    const p = performanceSection([{ prediction: rec({ id: 'x' }), actual: 'maybe' }], binary, {}, cfg, 0);
    expect(p.unmatched).toBe(1);
    expect(p.labelled).toBe(0);
  });

  it('a report on an empty log is "insufficient" with no alerts', async () => {
    const r = await monitorReport(new MemorySource(), { name: 'm', version: '1.0.0', target: binary, profile: null, metrics: {} }, { now: 10_000 });
    expect(r.status).toBe('insufficient');
    expect(r.alerts).toEqual([]);
  });
});

describe('JsonlDirSource', () => {
  it('reads exported JSON lines, joins feedback, appends events; bad lines name file and line', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { JsonlDirSource } = await import('./source.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-jsonl-'));
    try {
      fs.writeFileSync(path.join(dir, 'predictions.jsonl'), [rec({ id: 'a', time: 10 }), rec({ id: 'b', time: 20 })].map((r) => JSON.stringify(r)).join('\n') + '\n');
      fs.writeFileSync(path.join(dir, 'feedback.jsonl'), JSON.stringify(fb({ prediction_id: 'b', actual: 'no' })) + '\n');
      const s = JsonlDirSource.open(dir);
      const rows = await s.predictions({ model: 'm', since: 0, until: 100 });
      expect(rows.map((r) => [r.prediction.id, r.actual])).toEqual([['a', null], ['b', 'no']]);
      await s.writeEvent({ id: 'e1', time: 30, kind: 'monitor.alert', model: 'm', version: '1.0.0', payload: {} });
      expect(fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect((await JsonlDirSource.open(dir).events({ since: 0, until: 100 })).map((e) => e.id)).toEqual(['e1']);
      fs.appendFileSync(path.join(dir, 'feedback.jsonl'), '{oops\n');
      expect(() => JsonlDirSource.open(dir)).toThrow(/feedback\.jsonl: line 2/);
      expect(() => JsonlDirSource.open(path.join(dir, 'nope'))).toThrow(/not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('challenger comparison without AUC, calibration, multiclass output drift', () => {
  const cfg = resolveMonitorConfig({ challenger: { minWindowMs: 0 } });
  const regression = { name: 'y', task: 'regression' as const };
  const rows = (n: number, noise: number, seed: number, version: string, role: 'primary' | 'shadow') => {
    const rng = new Rng(seed);
    const truth = new Rng(99);
    return Array.from({ length: n }, (_, i) => {
      const y = truth.normal() * 3;
      return { prediction: rec({ id: `${version}-${String(i).padStart(5, '0')}`, request_id: `q${i}`, version, role, prediction: y + noise * rng.normal(), probabilities: null }), actual: role === 'primary' ? y : null };
    });
  };

  it('regression: RMSE by paired bootstrap; better by margin and significant → promote; equal → keep', () => {
    const champ = rows(300, 1, 1, '1.0.0', 'primary');
    const better = compareChallenger(champ, rows(300, 0.5, 2, '2.0.0', 'shadow'), regression, { model: 'm', champion: '1.0.0', challenger: '2.0.0' }, cfg, 1e12);
    expect(better.metric).toBe('rmse');
    expect(better.test!.name).toBe('bootstrap');
    expect(better.challengerValue!).toBeLessThan(better.championValue!);
    expect(better.relativeImprovement!).toBeGreaterThan(0.3);
    expect(better.decision).toBe('promote');
    const same = compareChallenger(champ, rows(300, 1, 1, '2.0.0', 'shadow'), regression, { model: 'm', champion: '1.0.0', challenger: '2.0.0' }, cfg, 1e12);
    expect(same.relativeImprovement).toBe(0);
    expect(same.test!.pValue).toBeGreaterThan(0.4);
    expect(same.decision).toBe('keep');
    // Slightly better (about 1 %) but below the 3 % margin: keep, whatever the p-value.
    const slight = compareChallenger(champ, rows(300, 0.98, 1, '2.0.0', 'shadow'), regression, { model: 'm', champion: '1.0.0', challenger: '2.0.0' }, cfg, 1e12);
    expect(slight.relativeImprovement!).toBeGreaterThan(0);
    expect(slight.relativeImprovement!).toBeLessThan(0.03);
    expect(slight.decision).toBe('keep');
  });

  it('overconfident probabilities: calibration warning (ECE)', () => {
    const joined = Array.from({ length: 200 }, (_, i) => ({ prediction: rec({ id: String(i), prediction: 'yes', probabilities: { no: 0.05, yes: 0.95 } }), actual: i % 2 ? 'yes' : 'no' }));
    const p = performanceSection(joined, binary, { validation: { roc_auc: 0.5, accuracy: 0.5 } }, resolveMonitorConfig(), 2000);
    expect(p.ece!).toBeCloseTo(0.45, 10);
    expect(p.calibration).toBe('warn');
    // 100 of them are wrong at 95 % confidence, all within the 7-day window.
    expect(p.confidentMistakes).toBe(100);
  });

  it('multiclass: the predicted-class distribution is tested with χ²', () => {
    const target = { name: 'y', task: 'multiclass' as const, classes: ['a', 'b', 'c'] };
    const profile: Profile = { rows: 900, features: {}, prediction: { kind: 'categorical', count: 900, missing: 0, counts: { a: 300, b: 300, c: 300 } } };
    const live = Array.from({ length: 600 }, (_, i) => rec({ id: String(i), prediction: i < 400 ? 'a' : i < 500 ? 'b' : 'c', probabilities: null }));
    const d = driftSection(profile, target, live, resolveMonitorConfig());
    expect(d.prediction!.test!.name).toBe('chi2');
    expect(d.prediction!.status).toBe('alert');
  });
});
