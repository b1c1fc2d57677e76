/**
 * The recruit-reveal example end to end: runs the README's script (examples/recruit-reveal/run.sh)
 * against a temporary registry, then checks what it left: three versions, champion on the composed
 * 1.0.1 whose QB sub-model is 1.1.0's and whose RB/WR sub-models are 1.0.0's (scores on the hold-out
 * match per position), the QB switch paid off, and every alias move is in the audit log.
 * N=800 athletes per season in CI; MODELYARD_EXAMPLES_FULL=1 uses the README's 3000.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/helpers/build.js';
import { cli, json, ROOT } from '../../../test/helpers/cli.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { FULL } from '../../helpers/example.js';

const dir = tempDir('modelyard-recruit-');
const home = path.join(dir, 'home');
const data = path.join(dir, 'data');

interface Eval {
  rows: number;
  segments: Record<string, { rows: number; metrics: { roc_auc: number } }>;
}
const readEval = (v: string): Eval => JSON.parse(fs.readFileSync(path.join(data, `eval_${v}.json`), 'utf8')) as Eval;

beforeAll(() => ensureBuilt());

describe('examples/recruit-reveal', () => {
  let stdout = '';
  it('run.sh trains per-position models, retrains, and switches only the QB model', () => {
    const r = spawnSync('sh', [path.join(ROOT, 'examples/recruit-reveal/run.sh')], {
      env: { ...process.env, N: FULL ? '3000' : '800', DATA: data, MODELYARD_HOME: home, MODELYARD_REGISTRY: '', PORT: String(20000 + Math.floor(Math.random() * 20000)) },
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(r.status, r.stderr).toBe(0);
    stdout = r.stdout;
    expect(stdout).toContain('registered recruit-reveal@1.0.1: QB ← recruit-reveal@1.1.0, RB ← recruit-reveal@1.0.0, WR ← recruit-reveal@1.0.0');
    expect(stdout).toContain('smoke: all 6 checks passed');
  }, 600_000);

  it('the running server switched QB to the new model without a restart; RB answers unchanged', () => {
    const read = (f: string): { version: string; predictions: Record<string, number> } => JSON.parse(fs.readFileSync(path.join(data, f), 'utf8'));
    const before = read('answer_before.json');
    const after = read('answer_after.json');
    expect(before.version).toBe('1.0.0');
    expect(after.version).toBe('1.0.1');
    expect(after.predictions.RB).toBe(before.predictions.RB);
    expect(after.predictions.QB).not.toBe(before.predictions.QB);
    // One server process served both answers: the log has one start-up banner.
    expect(fs.readFileSync(path.join(data, 'serve.log'), 'utf8').match(/listening on/g)).toHaveLength(1);
  });

  it('the registry holds 1.0.0, 1.1.0 and the composed 1.0.1 as champion', () => {
    const show = json<{ versions: { version: string; segments?: { segment: string }[] }[]; aliases: Record<string, string> }>(cli(['models', 'show', 'recruit-reveal', '--json'], { home }));
    expect(show.versions.map((v) => v.version).sort()).toEqual(['1.0.0', '1.0.1', '1.1.0']);
    expect(show.aliases.champion).toBe('1.0.1');
    for (const v of show.versions) expect(v.segments!.map((s) => s.segment).sort()).toEqual(['QB', 'RB', 'WR']);
    const { audit } = json<{ audit: { action: string; alias: string | null; version: string; from_version: string | null; reason: string }[] }>(cli(['models', 'audit', 'recruit-reveal', '--json'], { home }));
    const moves = audit.filter((a) => a.action === 'alias.set' && a.alias === 'champion').map((a) => [a.from_version, a.version, a.reason]);
    expect(moves).toEqual([
      ['1.0.0', '1.0.1', 'QB model from 1.1.0: 2025 coaches value dual-threat QBs'],
      [null, '1.0.0', 'Initial production models'],
    ]);
  });

  it('champion scores QB like 1.1.0 and RB/WR like 1.0.0; the QB switch improved QB', () => {
    const v100 = readEval('1.0.0');
    const v110 = readEval('1.1.0');
    const champ = readEval('champion');
    expect(champ.segments.QB.metrics.roc_auc).toBe(v110.segments.QB.metrics.roc_auc);
    expect(champ.segments.RB.metrics.roc_auc).toBe(v100.segments.RB.metrics.roc_auc);
    expect(champ.segments.WR.metrics.roc_auc).toBe(v100.segments.WR.metrics.roc_auc);
    // 2025 coaches value QB rushing: the 2024 QB model misses it.
    expect(v110.segments.QB.metrics.roc_auc).toBeGreaterThan(v100.segments.QB.metrics.roc_auc + 0.01);
    for (const s of ['QB', 'RB', 'WR']) expect(champ.segments[s].metrics.roc_auc, s).toBeGreaterThan(0.75);
  });

  it('rollback puts 1.0.0 back as champion', () => {
    const r = cli(['models', 'rollback', 'recruit-reveal', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const show = json<{ aliases: Record<string, string> }>(cli(['models', 'show', 'recruit-reveal', '--json'], { home }));
    expect(show.aliases.champion).toBe('1.0.0');
  });
});
