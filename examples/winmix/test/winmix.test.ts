/**
 * The winmix example end to end: the pipeline (generate → point-in-time features → season split →
 * logistic regression, random forest and a voting ensemble with 5-fold CV → test season) through the
 * CLI on a copy of the example, and a point-in-time check of its features: recomputed with every
 * match after a date removed, no feature of a match played by then changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSqlStage } from '../../../src/pipeline/stages/sql.js';
import { ensureBuilt } from '../../../test/helpers/build.js';
import { cli, json } from '../../../test/helpers/cli.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { copyExample, FULL, patch } from '../../helpers/example.js';
import { leagueCsv } from '../generate.js';

interface Summary {
  ran: number;
  stages: { name: string; status: string; result?: Record<string, unknown> }[];
}

beforeAll(() => ensureBuilt());

describe('examples/winmix', { timeout: 600_000 }, () => {
  it('trains three models with 5-fold CV and beats the uniform guess on the last season', () => {
    const dir = copyExample('winmix');
    const file = path.join(dir, 'pipeline.yaml');
    if (!FULL) patch(file, 'params: { teams: 20, seasons: 6,', 'params: { teams: 16, seasons: 5,');
    const r = cli(['pipeline', 'run', file, '--json'], { home: path.join(dir, '.modelyard'), timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(json<Summary>(r).ran).toBe(9);
    for (const m of ['logistic', 'forest', 'ensemble']) {
      const train = JSON.parse(fs.readFileSync(path.join(dir, `reports/train_${m}.json`), 'utf8'));
      expect(train.cv.k, m).toBe(5);
      expect(train.task, m).toBe('multiclass');
      const test = JSON.parse(fs.readFileSync(path.join(dir, `reports/test_${m}.json`), 'utf8'));
      expect(test.rows, m).toBe(FULL ? 380 : 240);
      // Uniform H/D/A probabilities score log(3) = 1.0986; form and strength must do better.
      expect(test.metrics.log_loss, m).toBeLessThan(Math.log(3));
      expect(test.metrics.roc_auc, m).toBeGreaterThan(0.55);
    }
    const again = cli(['pipeline', 'run', file, '--json'], { home: path.join(dir, '.modelyard') });
    expect(json<Summary>(again).ran).toBe(0);
  });

  it('features are point-in-time: deleting later matches changes no feature of earlier ones', async () => {
    const dir = tempDir('modelyard-winmix-pit-');
    const lines = leagueCsv({ teams: 12, seasons: 2, seed: 5 }).trimEnd().split('\n');
    const body = lines.slice(1);
    const dates = [...new Set(body.map((l) => l.split(',')[3]))].sort();
    const sql = fs.readFileSync(path.join(import.meta.dirname, '../sql/features.sql'), 'utf8');
    let n = 0;
    const build = async (featuresSql: string, rows: string[]): Promise<string> => {
      const matches = path.join(dir, `matches-${n}.csv`);
      fs.writeFileSync(matches, `${[lines[0], ...rows].join('\n')}\n`);
      const out = path.join(dir, `features-${n++}.parquet`);
      await runSqlStage({ name: 'features', kind: 'sql', sql: featuresSql, inputs: { matches }, outputs: { features: out }, params: {}, deps: [] });
      return out;
    };
    /** Feature columns that differ, for matches played by each cut, between full and cut data. */
    const leaked = async (featuresSql: string, quantiles: number[]): Promise<string[]> => {
      const full = await build(featuresSql, body);
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      const bad = new Set<string>();
      try {
        const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${full}')`)).getRows().map((x) => String(x[0])).filter((c) => c !== 'match_id' && c !== 'result');
        for (const q of quantiles) {
          const cut = dates[Math.floor(q * (dates.length - 1))];
          const part = await build(featuresSql, body.filter((l) => l.split(',')[3] <= cut));
          const base = `FROM read_parquet('${full}') f JOIN read_parquet('${part}') c USING (match_id) WHERE f.date <= DATE '${cut}'`;
          const compared = Number((await con.runAndReadAll(`SELECT count(*) ${base}`)).getRows()[0][0]);
          expect(compared).toBeGreaterThan(30);
          const diffs = (await con.runAndReadAll(`SELECT ${cols.map((c) => `count(*) FILTER (WHERE f."${c}" IS DISTINCT FROM c."${c}")`).join(', ')} ${base}`)).getRows()[0];
          cols.forEach((c, i) => Number(diffs[i]) > 0 && bad.add(c));
        }
      } finally {
        con.closeSync();
        db.closeSync();
      }
      return [...bad].sort();
    };
    expect(await leaked(sql, [0.3, 0.55, 0.8])).toEqual([]);
    // The same check catches the classic off-by-one window (a frame that includes the next match).
    const leaky = sql.replace('coalesce(sum(points) OVER last5, 0) AS form5_points', 'coalesce(sum(points) OVER (PARTITION BY team ORDER BY date, match_id ROWS BETWEEN 5 PRECEDING AND 1 FOLLOWING), 0) AS form5_points');
    expect(leaky).not.toBe(sql);
    expect(await leaked(leaky, [0.55])).toEqual(['away_form5_points', 'home_form5_points']);
  });
});
