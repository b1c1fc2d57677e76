/**
 * The last pipeline stage: collects the train/validation/test reports of every model into one
 * summary, with the threshold chosen on validation applied to test (what serving would use).
 */
import fs from 'node:fs';

interface EvalReport {
  rows: number;
  metrics: Record<string, number>;
  best_threshold?: { threshold: number; f1: number; precision: number; recall: number };
}

export function summarize(ctx: { inputs: Record<string, string>; outputs: Record<string, string> }): Record<string, unknown> {
  const read = (k: string): EvalReport => JSON.parse(fs.readFileSync(ctx.inputs[k], 'utf8')) as EvalReport;
  const models: Record<string, unknown> = {};
  for (const key of Object.keys(ctx.inputs).filter((k) => k.startsWith('train_'))) {
    const name = key.slice('train_'.length);
    const train = read(key) as EvalReport & { learner: string };
    const validation = read(`validation_${name}`);
    const test = read(`test_${name}`);
    const pick = (m: Record<string, number>): Record<string, number> => Object.fromEntries(['roc_auc', 'log_loss', 'brier', 'f1', 'precision', 'recall'].filter((k) => k in m).map((k) => [k, Number(m[k].toFixed(4))]));
    models[name] = {
      learner: train.learner,
      rows: { train: train.rows, validation: validation.rows, test: test.rows },
      validation: pick(validation.metrics),
      test: pick(test.metrics),
      serving_threshold: validation.best_threshold ? Number(validation.best_threshold.threshold.toFixed(4)) : 0.5,
    };
  }
  const summary = { models };
  fs.writeFileSync(ctx.outputs.summary, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
