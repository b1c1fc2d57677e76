/**
 * `modelyard predict <ref> <data> --id …`: score single rows picked by id (seed 002's
 * `prediction_engine.py --predict … --match-id M`), through the real CLI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { cli, json } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/tmp.js';

const dir = tempDir();
const home = `${dir}/home`;
const rows = Array.from({ length: 150 }, (_, i) => `M${1000 + i},${20 + (i % 40)},${['free', 'pro', 'team'][i % 3]},${(i * 7) % 5 < 2 ? 'yes' : 'no'}`);
const data = writeFile(dir, 'data.csv', `match_id,age,plan,churn\n${rows.join('\n')}\n`);

beforeAll(() => {
  ensureBuilt();
  const r = cli(['train', data, '--target', 'churn', '--learner', 'linear', '--drop', 'match_id', '--name', 'm'], { home });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('predict --id', () => {
  it('scores the rows with the given ids, in that order, keeping the key column; same scores as the full batch', () => {
    const all = json<{ predictions: Record<string, unknown>[] }>(cli(['predict', 'm', data, '--keep', 'match_id', '--json'], { home }));
    const r = cli(['predict', 'm', data, '--id', 'M1120,M1003', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const one = json<{ rows: number; predictions: Record<string, unknown>[] }>(r);
    expect(one.rows).toBe(2);
    expect(one.predictions.map((p) => p.match_id)).toEqual(['M1120', 'M1003']);
    expect(one.predictions[0].probability).toBe(all.predictions[120].probability);
    expect(one.predictions[1].probability).toBe(all.predictions[3].probability);
    // Repeated flag and an explicit key column; CSV output starts with the key.
    const csv = cli(['predict', 'm', data, '--id', 'M1001', '--id', 'M1002', '--id-column', 'match_id'], { home });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n').map((l) => l.split(',')[0])).toEqual(['match_id', 'M1001', 'M1002']);
  });

  it('an unknown id is ENTITY_NOT_FOUND (exit 3) naming it; a wrong key column is COLUMN_MISSING (exit 2)', () => {
    const r = cli(['predict', 'm', data, '--id', 'M1001,M9999'], { home });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ENTITY_NOT_FOUND');
    expect(r.stderr).toContain('match_id = "M9999"');
    const bad = cli(['predict', 'm', data, '--id', 'M1001', '--id-column', 'key'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('COLUMN_MISSING');
    expect(bad.stderr).toContain('--id-column');
    const lonely = cli(['predict', 'm', data, '--id-column', 'match_id'], { home });
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toContain('--id-column needs --id');
  });
});
