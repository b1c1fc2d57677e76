/**
 * A small world for monitor tests: a seeded data generator with controllable shifts, real models
 * trained on it, and the prediction-log records a server would write for them.
 */
import { Frame, type Cell } from '../../src/frame/frame.js';
import type { FeedbackRecord, PredictionRecord } from '../../src/log/record.js';
import type { Model } from '../../src/model/model.js';
import { trainModel, type TrainRecipe } from '../../src/model/train.js';
import { Rng } from '../../src/util/random.js';
import { uuidv7 } from '../../src/util/uuidv7.js';

export const DAY = 86_400_000;
const LEVELS = ['alpha', 'beta', 'gamma', 'delta'];

export interface Shift {
  /** Added to x1 (in standard deviations). */
  x1?: number;
  /** Added to x2. */
  x2?: number;
  /** Category probabilities of c1 (default uniform). */
  c1?: number[];
  /** Share of x4 values replaced by NaN. */
  x4NaN?: number;
}

/** x1..x4 ~ N(0,1) (x3 10 % missing), c1 of 4 levels, y = yes/no from a logistic model of x1, x2, x3·x1, c1. */
export function generate(n: number, seed: number, shift: Shift = {}): { rows: Record<string, Cell>[]; y: string[] } {
  const rng = new Rng(seed);
  const rows: Record<string, Cell>[] = [];
  const y: string[] = [];
  const probs = shift.c1 ?? [0.25, 0.25, 0.25, 0.25];
  for (let i = 0; i < n; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    let u = rng.next();
    let level = 0;
    while (level < 3 && u >= probs[level]) u -= probs[level++];
    const effect = [0.8, -0.6, 0.2, -0.4][level];
    // The label depends on the true x1; a shift moves the feature the model sees (covariate shift).
    const s = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[0] + effect;
    y.push(1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no');
    const x1 = x[0] + (shift.x1 ?? 0);
    const x3 = rng.next() < 0.1 ? null : x[2];
    const x4 = shift.x4NaN && rng.next() < shift.x4NaN ? NaN : x[3];
    rows.push({ x1, x2: x[1] + (shift.x2 ?? 0), x3, x4, c1: LEVELS[level] });
  }
  return { rows, y };
}

export async function train(n: number, seed: number, recipe: Partial<TrainRecipe> = {}): Promise<Model> {
  const { rows, y } = generate(n, seed);
  const frame = Frame.fromRecords(rows.map((r, i) => ({ ...r, y: y[i] })));
  const { model } = await trainModel(frame, { target: 'y', learner: 'linear', split: 'stratified', seed: 1, ...recipe });
  return model;
}

/** The records a server would log for scoring `rows` with `model`, one request per row, spread evenly over [start, end). */
export function score(model: Model, name: string, version: string, rows: Record<string, Cell>[], start: number, end: number): PredictionRecord[] {
  const p = model.predict(Frame.fromRecords(rows, model.inputColumns), { unseen: 'missing' });
  const classes = model.target.classes!.map(String);
  return rows.map((r, i) => {
    const time = start + Math.floor(((end - start) * i) / rows.length);
    return {
      id: uuidv7(time),
      time,
      model: name,
      version,
      segment: null,
      request_id: `req-${version}-${time}-${i}`,
      entity_id: null,
      inputs: r as Record<string, unknown>,
      prediction: p.labels![i],
      probabilities: { [classes[0]]: p.proba![2 * i], [classes[1]]: p.proba![2 * i + 1] },
      latency_ms: 2 + (i % 7),
      role: 'primary',
    };
  });
}

/** Feedback for the first `count` records (actual labels from `labels`). */
export function feedback(records: readonly PredictionRecord[], labels: readonly string[], count = records.length): FeedbackRecord[] {
  return records.slice(0, count).map((r, i) => ({ id: uuidv7(r.time + 1000), time: r.time + 1000, prediction_id: r.id, entity_id: null, actual: labels[i] }));
}
