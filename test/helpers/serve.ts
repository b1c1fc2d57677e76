/**
 * Fixtures for server tests: small trained models registered in a fresh SQLite registry, and a
 * server built on them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import { learnerKinds } from '../../src/learn/index.js';
import type { Model } from '../../src/model/model.js';
import { trainModel } from '../../src/model/train.js';
import { openRegistry, type Registry } from '../../src/registry/index.js';
import { makeSynthetic } from './synthetic.js';
import type { Task } from '../../src/schema/types.js';

const cache = new Map<string, Model>();

/** A small model of `task` (linear; cached per task and seed within a test file). */
export async function smallModel(task: Task = 'binary', seed = 1, extra: Record<string, unknown> = {}): Promise<Model> {
  const key = `${task}:${seed}:${JSON.stringify(extra)}`;
  let m = cache.get(key);
  if (!m) {
    const { frame, target } = makeSynthetic({ n: 300, task, seed });
    m = (await trainModel(frame, { target, learner: 'linear', seed, ...extra })).model;
    cache.set(key, m);
  }
  return m;
}

/** A fresh SQLite registry folder (removed after the file). */
export function freshRegistryDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-serve-'));
  afterAll(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Registers `models` (name → list of models, registered as 1.0.0, 1.0.1, …) into a registry at `url`. */
export async function registerModels(url: string, models: Record<string, Model[]>, opts: { champion?: Record<string, string> } = {}): Promise<Registry> {
  const reg = await openRegistry({ url });
  for (const [name, list] of Object.entries(models)) {
    for (const m of list) await reg.register({ name, bytes: modelToBytes(m), actor: 'test' });
  }
  for (const [name, v] of Object.entries(opts.champion ?? {})) await reg.setAlias(name, 'champion', v, { actor: 'test' });
  return reg;
}

/** 'gbdt' when that learner is registered, else 'linear'. */
export function heavyLearner(): 'gbdt' | 'linear' {
  return learnerKinds().some((k) => k.name === 'gbdt') ? 'gbdt' : 'linear';
}
