/**
 * `modelyard train --learner auto` through the real CLI (runs dist/; `npm test` builds first):
 * per-candidate progress on stderr, every candidate's CV score in `--json`, flag errors exit 2.
 */
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/tmp.js';

const dir = tempDir();
const home = `${dir}/home`;
const lines = Array.from({ length: 300 }, (_, i) => {
  const a = ((i * 37) % 100) / 10;
  const b = ((i * 53) % 70) / 10;
  return `${a},${b},${['x', 'y', 'z'][i % 3]},${a + b + (i % 7) / 10 > 8 ? 'yes' : 'no'}`;
});
const train = writeFile(dir, 'train.csv', `a,b,c,label\n${lines.join('\n')}\n`);

describe('train --learner auto', () => {
  it('prints each candidate on stderr and all CV scores in --json, within the time budget', () => {
    const r = cli(['train', train, '--target', 'label', '--learner', 'auto', '--time-budget', '6s', '--auto-folds', '3', '--name', 'auto-cli', '--json'], { home, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/auto \[1\/\d+\] linear/);
    expect(r.stderr).toMatch(/auto: chose /);
    const out = json<{ learner: string; auto: { metric: string; folds: number; budget_seconds: number; chosen: number; candidates: { learner: string; status: string; score?: number }[] } }>(r);
    expect(out.auto.metric).toBe('roc_auc');
    expect(out.auto.folds).toBe(3);
    expect(out.auto.budget_seconds).toBe(6);
    expect(out.auto.candidates[0].status).toBe('done');
    expect(out.learner).toBe(out.auto.candidates[out.auto.chosen].learner);
    for (const c of out.auto.candidates) if (c.status === 'done') expect(c.score).toBeGreaterThan(0.5);
  });

  it('rejects a bad --time-budget and --time-budget with another learner (exit 2, naming the flag)', () => {
    const bad = cli(['train', train, '--target', 'label', '--time-budget', 'soon'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--time-budget');
    const other = cli(['train', train, '--target', 'label', '--learner', 'linear', '--time-budget', '10s'], { home });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--time-budget');
  });
});
