/**
 * `modelyard monitor report|check` and `models promote --approve` as real subprocesses, over a
 * registry and log in a temporary MODELYARD_HOME.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import { openLogStore, resolveLogLocation } from '../../src/log/location.js';
import type { PredictionRecord } from '../../src/log/record.js';
import { openRegistry } from '../../src/registry/registry.js';
import { ShadowScorer } from '../../src/monitor/shadow.js';
import { cli, json } from '../helpers/cli.js';
import { DAY, feedback, generate, score, train } from './sim.js';

let home: string;
const NOW = Date.now();

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-cli-monitor-'));
  const weak = await train(3000, 51, { exclude: ['x1'] });
  const strong = await train(3000, 52);
  const registry = await openRegistry({ url: home });
  await registry.register({ name: 'credit', bytes: modelToBytes(weak), aliases: ['champion'] });
  await registry.register({ name: 'credit', bytes: modelToBytes(strong), aliases: ['challenger'], version: '2.0.0' });
  await registry.close();
  // 20 h of shifted traffic (x2 + 1 sd) in the last day, plus 8 days of labelled, shadowed traffic.
  const drifted = generate(1500, 53, { x2: 1 });
  const recent = score(weak, 'credit', '1.0.0', drifted.rows, NOW - 20 * 3_600_000, NOW - 60_000);
  const older = generate(600, 54);
  const labelled = score(weak, 'credit', '1.0.0', older.rows, NOW - 8 * DAY, NOW - 2 * DAY);
  const shadow: PredictionRecord[] = [];
  const scorer = new ShadowScorer({ model: strong, name: 'credit', version: '2.0.0', write: (r) => shadow.push(...r) });
  scorer.submit(older.rows, labelled);
  await scorer.drain();
  const store = await openLogStore(resolveLogLocation({ env: { MODELYARD_HOME: home } }));
  await store.insert({ predictions: [...recent, ...labelled, ...shadow], feedback: feedback(labelled, older.y) });
  await store.close();
}, 120_000);
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('modelyard monitor', () => {
  it('report --json: drift on x2 only, the challenger comparison', () => {
    const r = cli(['monitor', 'report', 'credit', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const s = json<{ ref: string; status: string; alerts: { kind: string; subject: string }[]; challenger: { decision: string; paired: number } }>(r);
    expect(s.ref).toBe('credit@1.0.0');
    expect(s.status).toBe('alert');
    expect(s.alerts.filter((a) => a.kind === 'feature_drift').map((a) => a.subject)).toEqual(['x2']);
    expect(s.challenger).toMatchObject({ decision: 'promote', paired: 600 });
  });

  it('report (text) and --since', () => {
    const r = cli(['monitor', 'report', 'credit', '--since', '2d'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/credit@1\.0\.0 \(binary\)/);
    expect(r.stdout).toMatch(/FEATURE\s+KIND\s+ROWS\s+PSI/);
    expect(r.stdout).toMatch(/approve with: modelyard models promote credit@2\.0\.0 --approve/);
    const bad = cli(['monitor', 'report', 'credit', '--since', 'yesterday'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since/);
  });

  it('check records the recommendation; promote --approve moves the champion; a second approval is refused', () => {
    const before = cli(['models', 'promote', 'credit@challenger', '--approve', '--json'], { home });
    expect(before.code).toBe(2);
    expect(before.stderr + before.stdout).toMatch(/PROMOTION_NOT_RECOMMENDED/);
    const c = cli(['monitor', 'check', 'credit', '--json'], { home });
    expect(c.code, c.stderr).toBe(0);
    const res = json<{ sent: number; decision: { recorded: string } }>(c);
    expect(res.sent).toBeGreaterThan(0);
    expect(res.decision.recorded).toBe('challenger.recommend');
    const again = json<{ sent: number }>(cli(['monitor', 'check', 'credit', '--json'], { home }));
    expect(again.sent).toBe(0); // alerts are not repeated within the hour
    const ok = cli(['models', 'promote', 'credit@challenger', '--approve', '--reason', 'reviewed', '--json'], { home });
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ name: 'credit', version: '2.0.0', previous: '1.0.0', approved: true });
    const audit = json<{ audit: { action: string }[] }>(cli(['models', 'audit', 'credit', '--json'], { home }));
    expect(audit.audit.slice(0, 4).map((a) => a.action)).toEqual(['promote', 'challenger.approve', 'challenger.recommend', 'challenger.refuse']);
    const twice = cli(['models', 'promote', 'credit@2.0.0', '--approve'], { home });
    expect(twice.code).toBe(2);
  });
});
