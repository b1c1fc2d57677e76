/**
 * The lead-scoring example end to end: runs the README's script (run.sh) against a temporary
 * registry and data folder: training from a SQL query on the CRM's SQLite table, calibrated
 * probabilities (cross-fitted ECE must fall, and stay low on later leads), and scoring leads by id
 * through a query. N=4000 leads in CI; MODELYARD_EXAMPLES_FULL=1 uses the README's 20000.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/helpers/build.js';
import { ROOT } from '../../../test/helpers/cli.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { FULL } from '../../helpers/example.js';

const dir = tempDir('modelyard-leads-');
const data = path.join(dir, 'data');

beforeAll(() => ensureBuilt());

describe('examples/lead-scoring', () => {
  it('trains from SQL with calibrated probabilities and scores leads by id', () => {
    const r = spawnSync('sh', [path.join(ROOT, 'examples/lead-scoring/run.sh')], {
      env: { ...process.env, N: FULL ? '20000' : '4000', DATA: data, MODELYARD_HOME: path.join(dir, 'home'), MODELYARD_REGISTRY: '', PORT: String(20000 + Math.floor(Math.random() * 20000)) },
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const train = JSON.parse(fs.readFileSync(path.join(data, 'train.json'), 'utf8'));
    expect(train.version).toBe('1.0.0');
    expect(train.sha256).toMatch(/^[0-9a-f]{64}$/);
    const c = train.calibration.model;
    expect(c.method).toBe('sigmoid');
    // Balanced class weights skew the raw probabilities; calibration must undo it.
    expect(c.ece_before).toBeGreaterThan(0.1);
    expect(c.ece_after).toBeLessThan(c.ece_before / 3);
    const ev = JSON.parse(fs.readFileSync(path.join(data, 'eval.json'), 'utf8'));
    expect(ev.rows).toBeGreaterThan(FULL ? 4000 : 800);
    expect(ev.metrics.roc_auc).toBeGreaterThan(0.75);
    expect(ev.metrics.ece).toBeLessThan(0.06);
    // Step 4 scores three leads looked up by id.
    const csv = r.stdout.slice(r.stdout.indexOf('lead_id,prediction,probability'));
    const rows = csv.split('\n').slice(1, 4);
    const n = FULL ? 20000 : 4000;
    expect(rows.map((l) => l.split(',')[0])).toEqual(['L100007', `L${100000 + n - 10}`, `L${100000 + n - 9}`]);
    for (const l of rows) {
      const p = Number(l.split(',')[2]);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    // Step 5: predict-by-id over HTTP with features looked up in the SQLite table.
    const read = (f: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(data, `${f}.json`), 'utf8'));
    expect(r.stdout).toMatch(/raw id array: +HTTP 200/);
    const byArray = read('by_array');
    expect(byArray.model).toEqual({ name: 'lead-scoring', version: '1.0.0', sha256: train.sha256 });
    expect(byArray.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(byArray.predictions.map((p: { entity_id: string }) => p.entity_id)).toEqual(['L100007', 'L100008']);
    // The HTTP answer is the same model's probability as the CLI's for the same lead.
    expect(byArray.predictions[0].probability).toBeCloseTo(Number(rows[0].split(',')[2]), 12);
    expect(r.stdout).toMatch(/\{ids: \[\.\.\.\]\}: +HTTP 200/);
    // The seed's {"lead_ids": [...]} body is accepted as is.
    expect(r.stdout).toMatch(/\{lead_ids: \[\.\.\.\]\}: +HTTP 200/);
    const byLeadIds = read('by_lead_ids');
    expect(byLeadIds.predictions.map((p: { entity_id: string }) => p.entity_id)).toEqual(['L100008']);
    expect(byLeadIds.predictions[0].probability).toBe(byArray.predictions[1].probability);
    expect(read('unknown').error.code).toBe('ENTITY_NOT_FOUND');
    expect(r.stdout).toMatch(/unknown id: +HTTP 404/);
    expect(read('too_many').error.code).toBe('BATCH_TOO_LARGE');
    expect(r.stdout).toMatch(/2001 ids: +HTTP 413/);
    // GET /v1/models/lead-scoring shows the calibration (method, cross-fitted before/after).
    expect(read('model').calibration.model).toMatchObject({ method: 'sigmoid', folds: 5 });
  }, 600_000);
});
