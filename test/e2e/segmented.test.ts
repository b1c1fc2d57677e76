/**
 * Segmented models end to end through the CLI (seeds 000/001): one version holds a QB/RB/WR
 * sub-model each, `models show` lists them with metrics, predictions route by position, and
 * `models rollback` moves champion back (in the audit log).
 */
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { recruitCsv } from '../helpers/recruit.js';
import { tempDir, writeFile } from '../helpers/tmp.js';

const dir = tempDir();
const home = `${dir}/home`;
const train = writeFile(dir, 'recruits.csv', recruitCsv({ n: 900, seed: 1 }));
const fresh = writeFile(dir, 'fresh.csv', recruitCsv({ n: 60, seed: 2 }));

describe('segmented model (train --segment-by position)', () => {
  it('registers one sub-model per position with its own metrics', () => {
    const r = cli(['train', train, '--target', 'd1_offer', '--segment-by', 'position', '--learner', 'linear', '--name', 'recruit', '--version', '1.0.0', '--changelog', 'Initial production models', '--split', 'stratified', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ version: string; segments: Record<string, { rows: number; metrics: { validation: { roc_auc: number } } }> }>(r);
    expect(out.version).toBe('1.0.0');
    expect(Object.keys(out.segments).sort()).toEqual(['QB', 'RB', 'WR']);
    for (const s of Object.values(out.segments)) {
      expect(s.rows).toBeGreaterThan(200);
      expect(s.metrics.validation.roc_auc).toBeGreaterThan(0.75);
    }
  });

  it('models show lists the segments with their metrics', () => {
    const show = json<{ versions: { version: string; segments?: { segment: string; rows: number; metrics: Record<string, number> }[] }[] }>(cli(['models', 'show', 'recruit', '--json'], { home }));
    const v = show.versions.find((x) => x.version === '1.0.0')!;
    expect(v.segments!.map((s) => s.segment).sort()).toEqual(['QB', 'RB', 'WR']);
    for (const s of v.segments!) expect(s.metrics.roc_auc).toBeGreaterThan(0.75);
    const human = cli(['models', 'show', 'recruit'], { home });
    expect(human.stdout).toMatch(/QB/);
    expect(human.stdout).toMatch(/WR/);
  });

  it('routes predictions by position, and refuses an unknown position without a fallback', () => {
    const p = json<{ predictions: { segment: string; prediction: string }[] }>(cli(['predict', 'recruit', fresh, '--json'], { home }));
    expect(p.predictions).toHaveLength(60);
    expect(new Set(p.predictions.map((x) => x.segment))).toEqual(new Set(['QB', 'RB', 'WR']));
    const te = writeFile(dir, 'te.csv', recruitCsv({ n: 5, seed: 3, positions: ['TE'] }));
    const bad = cli(['predict', 'recruit', te], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error UNSEEN_CATEGORY');
    expect(bad.stderr).toContain('no model for segment "TE"');
  });

  it('refuses a segment below the minimum rows, or serves it by a global fallback', () => {
    const few = writeFile(dir, 'few.csv', recruitCsv({ n: 600, seed: 4 }) + recruitCsv({ n: 10, seed: 5, positions: ['TE'] }).split('\n').slice(1).join('\n'));
    const refused = cli(['train', few, '--target', 'd1_offer', '--segment-by', 'position', '--learner', 'linear', '--name', 'few'], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/TE \(10 rows\).*fewer than 30 rows/);
    const ok = cli(['train', few, '--target', 'd1_offer', '--segment-by', 'position', '--learner', 'linear', '--name', 'few', '--segment-fallback', 'global'], { home });
    expect(ok.code, ok.stderr).toBe(0);
    const te = writeFile(dir, 'te2.csv', recruitCsv({ n: 5, seed: 6, positions: ['TE', 'K'] }));
    const p = json<{ predictions: { segment: string }[] }>(cli(['predict', 'few', te, '--json'], { home }));
    expect(p.predictions.every((x) => x.segment === '__global__')).toBe(true);
  });

  it('rollback moves champion back to the previous champion and is in the audit log', () => {
    expect(cli(['models', 'promote', 'recruit@1.0.0', '--to', 'champion', '--reason', 'launch'], { home }).code).toBe(0);
    const v2 = cli(['train', train, '--target', 'd1_offer', '--segment-by', 'position', '--learner', 'linear', '--param', 'C=0.05', '--name', 'recruit', '--changelog', 'stronger regularisation'], { home });
    expect(v2.code, v2.stderr).toBe(0);
    expect(cli(['models', 'promote', 'recruit@1.0.1', '--to', 'champion'], { home }).code).toBe(0);
    const rb = cli(['models', 'rollback', 'recruit', '--reason', 'QB scores look off', '--json'], { home });
    expect(rb.code, rb.stderr).toBe(0);
    const show = json<{ aliases: Record<string, string> }>(cli(['models', 'show', 'recruit', '--json'], { home }));
    expect(show.aliases.champion).toBe('1.0.0');
    expect(show.aliases.latest).toBe('1.0.1');
    const { audit } = json<{ audit: { action: string; alias: string; version: string; from_version: string; reason?: string }[] }>(cli(['models', 'audit', 'recruit', '--json'], { home }));
    const row = audit.find((a) => a.action === 'rollback');
    expect(row).toMatchObject({ alias: 'champion', version: '1.0.0', from_version: '1.0.1', reason: 'QB scores look off' });
  });
});
