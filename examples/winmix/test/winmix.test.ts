/**
 * The winmix example end to end: the README's script (run.sh) on a copy of the example — the pipeline
 * (league → point-in-time features → season split → logistic regression, random forest and a voting
 * ensemble with 5-fold CV → test season), the prediction CLI (--id single match, --model-id, batch
 * CSV, --info), serving the champion with the prediction log, two "live" seasons replayed round by
 * round with feedback, the monitor's decay and confident-mistake alerts, the automatic retrain to a
 * challenger, shadow scoring, the champion/challenger decision and a promotion that needs --approve —
 * and a point-in-time check of the features. 16 teams and 50-tree forests in CI; the README's
 * 20 teams and 200 trees with MODELYARD_EXAMPLES_FULL=1.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSqlStage } from '../../../src/pipeline/stages/sql.js';
import { ensureBuilt } from '../../../test/helpers/build.js';
import { BIN, cli, json } from '../../../test/helpers/cli.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { copyExample, FULL } from '../../helpers/example.js';
import { leagueCsv } from '../generate.js';

interface Summary {
  ran: number;
  stages: { name: string; status: string; result?: Record<string, unknown> }[];
}
type Doc = Record<string, any>;

beforeAll(() => ensureBuilt());

/** Replaces every `from` in a file, failing when it is absent (the example changed). */
function patchAll(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  expect(text, `${file} should contain ${from}`).toContain(from);
  fs.writeFileSync(file, text.replaceAll(from, to));
}

describe('examples/winmix', { timeout: 600_000 }, () => {
  it('run.sh: pipeline, prediction CLI, serving with the log, decay alert, retrain, challenger, approval', () => {
    const dir = copyExample('winmix');
    const home = path.join(dir, '.modelyard');
    const file = path.join(dir, 'pipeline.yaml');
    if (!FULL) {
      patchAll(file, 'params: { teams: 20, seasons: 8,', 'params: { teams: 16, seasons: 8,');
      patchAll(file, 'trees: 200', 'trees: 50');
    }
    const r = spawnSync('sh', [path.join(dir, 'run.sh')], {
      env: { ...process.env, MODELYARD_BIN: BIN, MODELYARD_HOME: home, MODELYARD_REGISTRY: '', PORT: String(20000 + Math.floor(Math.random() * 20000)) },
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const data = path.join(dir, 'data');
    const read = (f: string): Doc => JSON.parse(fs.readFileSync(path.join(data, f), 'utf8'));
    const perSeason = FULL ? 380 : 240;

    // 1. Three models with 5-fold CV, each better than a uniform guess on the test season.
    for (const m of ['logistic', 'forest', 'ensemble']) {
      const train = JSON.parse(fs.readFileSync(path.join(dir, `reports/train_${m}.json`), 'utf8'));
      expect(train.cv.k, m).toBe(5);
      expect(train.task, m).toBe('multiclass');
      const test = JSON.parse(fs.readFileSync(path.join(dir, `reports/test_${m}.json`), 'utf8'));
      expect(test.rows, m).toBe(perSeason);
      expect(test.metrics.log_loss, m).toBeLessThan(Math.log(3)); // uniform H/D/A scores log(3)
      expect(test.metrics.roc_auc, m).toBeGreaterThan(0.6);
    }

    // 2. The prediction CLI: one match by id (champion, then another model), a batch CSV.
    const liveIds = fs.readFileSync(path.join(data, 'live.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(liveIds).toHaveLength(2 * perSeason);
    const single = [...r.stdout.matchAll(/match_id,prediction,p_A,p_D,p_H\n([^\n]+)/g)].map((m) => m[1].split(','));
    expect(single).toHaveLength(2);
    expect(single.map((s) => s[0])).toEqual([liveIds[0], liveIds[0]]);
    expect(single[0][2]).not.toBe(single[1][2]); // the ensemble and the forest are different models
    const batch = fs.readFileSync(path.join(data, 'live-predictions.csv'), 'utf8').trimEnd().split('\n');
    expect(batch[0]).toBe('match_id,home_team,away_team,prediction,p_A,p_D,p_H');
    expect(batch).toHaveLength(1 + liveIds.length);
    const row = batch[1].split(',');
    expect([row[0], ...row.slice(3)]).toEqual(single[0]); // same model, same match, same probabilities
    expect(r.stdout).toMatch(/1\.0\.0 +champion,latest/); // models show (--info)

    // 4. Live rounds until the monitor asks for a retrain on confident mistakes; the answers carry model, sha256, ids.
    const p1 = read('phase1.json');
    expect(p1.stopped_by).toContain('confident_mistakes');
    expect(p1.confident_wrong).toBeGreaterThanOrEqual(10);
    expect(p1.monitor.confident_mistakes).toBe(p1.confident_wrong); // the log's count is the replay's count
    const registered = json<Doc>(cli(['models', 'show', 'winmix-ensemble@1.0.0', '--json'], { home }));
    const first = p1.first_response;
    expect(first.model).toEqual({ name: 'winmix-ensemble', version: '1.0.0', sha256: registered.versions.find((v: Doc) => v.version === '1.0.0').sha256 });
    expect(first.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.predictions[0]).toMatchObject({ entity_id: liveIds[0], prediction: single[0][1] });
    expect(first.predictions[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
    expect(first.predictions[0].probabilities.A).toBeCloseTo(Number(single[0][2]), 12); // server = CLI

    // 5. monitor check: the decay alert (closed doors, a levelled league) and the confident mistakes; a retrain → challenger.
    const c1 = read('check1.json');
    expect(c1.performance.labelled).toBe(p1.matches);
    const decay = c1.alerts.find((a: Doc) => a.kind === 'decay' && a.subject === 'accuracy');
    expect(decay?.severity).toBe('alert');
    expect(c1.performance.decay.find((d: Doc) => d.metric === 'accuracy').relativeDrop).toBeGreaterThanOrEqual(0.05);
    expect(c1.alerts.some((a: Doc) => a.kind === 'confident_mistakes')).toBe(true);
    expect(c1.retrain.map((t: Doc) => t.reason)).toContain('confident_mistakes');
    expect(c1.sent).toBeGreaterThanOrEqual(2);
    expect(c1.retrain_job).not.toBeNull();
    // Approving before any comparison is refused; the champion did not move.
    expect(fs.readFileSync(path.join(data, 'promote1.err'), 'utf8')).toContain('PROMOTION_NOT_RECOMMENDED');

    // 6. The rest of the live seasons: the champion answered every request, feedback from a CSV joined every match.
    const p2 = read('phase2.json');
    expect(p1.matches + p2.matches).toBe(liveIds.length);
    expect(Object.keys(p2.versions)).toEqual(['1.0.0']);
    expect(r.stdout).toContain(`recorded ${p2.matches} outcomes`);
    expect(r.stdout).toContain(`${p2.matches} joined to predictions`);

    // 7. The challenger (the retrain, 1.0.1) scored the same requests in shadow; the comparison decided.
    const c2 = read('check2.json');
    expect(c2.performance.labelled).toBe(liveIds.length);
    const x = c2.challenger;
    expect(x).toMatchObject({ champion: '1.0.0', challenger: '1.0.1', metric: 'accuracy' });
    expect(x.paired).toBeGreaterThanOrEqual(100);
    expect(x.paired).toBeLessThanOrEqual(p2.matches);
    expect(['promote', 'keep']).toContain(x.decision);
    expect(c2.decision.promoted).toBe(false); // never without approval

    // 8–9. The approval follows the decision; the audit log tells the story.
    const audit = json<{ audit: Doc[] }>(cli(['models', 'audit', 'winmix-ensemble', '--json'], { home })).audit;
    const actions = audit.map((a) => a.action);
    const retrain = audit.find((a) => a.action === 'retrain')!;
    expect(retrain).toMatchObject({ actor: 'retrain', version: '1.0.1' });
    expect(retrain.reason).toContain('confident_mistakes');
    expect(retrain.details.feedback_rows).toBe(p1.matches); // the logged inputs + feedback of phase 1
    const champion = json<Doc>(cli(['models', 'show', 'winmix-ensemble', '--json'], { home })).aliases.champion;
    if (x.decision === 'promote') {
      expect(r.stdout).toMatch(/approved:/);
      expect(champion).toBe('1.0.1');
      expect(actions.slice(0, 3)).toEqual(['promote', 'challenger.approve', 'challenger.recommend']);
    } else {
      expect(r.stdout).toMatch(/refused:/);
      expect(champion).toBe('1.0.0');
      expect(actions).not.toContain('promote');
      // The monitor's "keep" is in the audit log (not hidden by the earlier refused approval).
      expect(audit.some((a) => a.action === 'challenger.refuse' && a.actor === 'monitor')).toBe(true);
    }

    // The pipeline is cached: a second run runs nothing.
    const again = cli(['pipeline', 'run', file, '--json'], { home });
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
