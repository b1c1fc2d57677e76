import { describe, expect, it } from 'vitest';
import { modelFromBytes, modelToBytes } from '../../artifact/model-artifact.js';
import { Frame, numberColumn } from '../../frame/frame.js';
import { inferSchema } from '../../schema/infer.js';
import { encodeTarget } from '../../schema/target.js';
import type { Task } from '../../schema/types.js';
import { conform } from '../../schema/validate.js';
import { makeSynthetic } from '../../../test/helpers/synthetic.js';
import { trainModel } from '../train.js';
import { autoCandidates, selectLearner } from './index.js';

function prepared(task: Task, n = 600, seed = 4) {
  const { frame, target } = makeSynthetic({ n, task, seed });
  const { spec, y } = encodeTarget(frame, target, task);
  const { schema } = inferSchema(frame, { exclude: { [target]: 'target' } });
  return { X: conform(frame, schema), y, features: schema.features, target: spec };
}

describe('autoCandidates', () => {
  it('interleaves kinds (cheap first) and leaves out unregistered ones', () => {
    const c = autoCandidates({ task: 'binary', rows: 1000, available: ['linear', 'gbdt', 'forest', 'extra_trees'] });
    expect(c.slice(0, 5).map((x) => x.learner)).toEqual(['linear', 'gbdt', 'linear', 'gbdt', 'forest']);
    expect(new Set(c.map((x) => JSON.stringify(x))).size).toBe(c.length);
    expect(autoCandidates({ task: 'binary', rows: 1000, available: ['linear'] }).every((x) => x.learner === 'linear')).toBe(true);
    // Big data: fewer, cheaper forests.
    const big = autoCandidates({ task: 'regression', rows: 50_000, available: ['linear', 'gbdt', 'forest', 'extra_trees'] });
    expect(big.filter((x) => x.learner === 'forest').every((x) => x.params.trees === 100)).toBe(true);
  });
});

describe('selectLearner', () => {
  it('cross-validates every candidate on the same stratified folds and picks the best AUC', () => {
    const d = prepared('binary');
    const { final, report } = selectLearner(d.X, d.y, undefined, d.features, d.target, {
      seed: 1,
      k: 3,
      candidates: [
        { learner: 'tree', params: { max_depth: 1 } },
        { learner: 'linear', params: { C: 1 } },
      ],
    });
    expect(report.metric).toBe('roc_auc');
    expect(report.scheme).toBe('stratified');
    expect(report.folds).toBe(3);
    expect(report.candidates.map((c) => c.status)).toEqual(['done', 'done']);
    for (const c of report.candidates) expect(c.fold_scores).toHaveLength(3);
    const [stump, lin] = report.candidates;
    expect(lin.score!).toBeGreaterThan(stump.score!);
    expect(report.chosen).toBe(1);
    expect(final).toEqual({ learner: 'linear', params: { C: 1 } });
  });

  it('regression is chosen by the lowest RMSE', () => {
    const d = prepared('regression');
    const { report } = selectLearner(d.X, d.y, undefined, d.features, d.target, {
      seed: 1,
      k: 3,
      candidates: [
        { learner: 'linear', params: { alpha: 1 } },
        { learner: 'tree', params: { max_depth: 1 } },
      ],
    });
    expect(report.metric).toBe('rmse');
    expect(report.higher_is_better).toBe(false);
    expect(report.candidates[0].score!).toBeLessThan(report.candidates[1].score!);
    expect(report.chosen).toBe(0);
  });

  it('GBDT early-stops inside CV and is refitted with a fixed round count', () => {
    const d = prepared('binary');
    const { final, report } = selectLearner(d.X, d.y, undefined, d.features, d.target, {
      seed: 1,
      k: 3,
      candidates: [{ learner: 'gbdt', params: { rounds: 500, early_stopping_rounds: 10, learning_rate: 0.3 } }],
    });
    const rounds = report.candidates[0].rounds!;
    expect(rounds).toBeGreaterThan(0);
    expect(rounds).toBeLessThan(500);
    expect(final.params.early_stopping_rounds).toBe(0);
    expect(final.params.rounds).toBe(Math.max(10, Math.round(rounds * 1.1)));
  });

  it('stops launching candidates once the budget is spent, and still has a winner', () => {
    const d = prepared('binary', 300);
    let t = 0;
    // Fake clock: every reading advances 4 s, so the first candidate alone overruns a 5 s budget.
    const now = () => (t += 4);
    const lines: string[] = [];
    const { final, report } = selectLearner(d.X, d.y, undefined, d.features, d.target, {
      seed: 1,
      k: 3,
      budgetSeconds: 5,
      now,
      candidates: [
        { learner: 'linear', params: { C: 1 } },
        { learner: 'linear', params: { C: 0.1 } },
        { learner: 'tree', params: {} },
      ],
      onCandidate: (c) => lines.push(`${c.learner}:${c.status}`),
    });
    expect(report.candidates.map((c) => c.status)).toEqual(['done', 'skipped', 'skipped']);
    expect(report.candidates[1].message).toMatch(/time budget/);
    expect(report.budget_seconds).toBe(5);
    expect(final.learner).toBe('linear');
    expect(lines).toEqual(['linear:done', 'linear:skipped', 'tree:skipped']);
  });

  it('uses time-ordered folds when given a time column, and reports failures without losing the winner', () => {
    const d = prepared('regression', 400);
    const time = Float64Array.from({ length: 400 }, (_, i) => 400 - i);
    const { report } = selectLearner(d.X, d.y, undefined, d.features, d.target, {
      seed: 1,
      k: 3,
      time,
      candidates: [
        { learner: 'linear', params: {} },
        { learner: 'linear', params: { alpha: -1 } },
      ],
    });
    expect(report.scheme).toBe('time');
    expect(report.candidates[1].status).toBe('failed');
    expect(report.candidates[1].message).toMatch(/alpha/);
    expect(report.chosen).toBe(0);
  });
});

describe('trainModel with learner auto', () => {
  it('records every candidate in the metadata, fits the winner on all rows and survives save → load', async () => {
    const { frame } = makeSynthetic({ n: 400, task: 'binary', seed: 12 });
    const logs: string[] = [];
    const { model, report } = await trainModel(frame, { target: 'y', learner: 'auto', seed: 2, timeBudget: 8, autoFolds: 3 }, { onLog: (l) => logs.push(l) });
    const auto = report.auto!;
    expect(auto.candidates.length).toBeGreaterThanOrEqual(3);
    expect(auto.candidates[0].status).toBe('done');
    expect(model.metadata.learner).toBe(auto.final.learner);
    expect(model.metadata.auto).toEqual(auto);
    expect((model.metadata.recipe as { learner: string }).learner).toBe('auto');
    expect(logs.some((l) => l.startsWith('auto [1/'))).toBe(true);
    expect(logs.at(-1)).toMatch(/^auto: chose /);
    const loaded = modelFromBytes(modelToBytes(model)).model;
    expect(loaded.metadata.auto).toEqual(JSON.parse(JSON.stringify(auto)));
    const probe = makeSynthetic({ n: 30, task: 'binary', seed: 99 }).frame;
    expect(Array.from(loaded.predict(probe).proba!)).toEqual(Array.from(model.predict(probe).proba!));
  });

  it('refuses --param with auto', async () => {
    const frame = new Frame([numberColumn('x', [1, 2, 3, 4]), numberColumn('y', [1, 2, 3, 4])]);
    await expect(trainModel(frame, { target: 'y', learner: 'auto', params: { C: 1 } })).rejects.toThrow(/--param applies to a named learner/);
  });
});
