/** ShadowSink: a challenger alias in the registry makes every logged champion row be scored in shadow. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import type { PredictionRecord } from '../../src/log/record.js';
import { openRegistry, type Registry } from '../../src/registry/registry.js';
import { ShadowSink } from '../../src/monitor/shadow-sink.js';
import { generate, score, train } from './sim.js';

let dir: string;
let registry: Registry;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-shadow-sink-'));
  registry = await openRegistry({ url: dir });
  await registry.register({ name: 'credit', bytes: modelToBytes(await train(1500, 61, { exclude: ['x1'] })), aliases: ['champion'] });
}, 60_000);
afterAll(async () => {
  await registry.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('passes records through, shadows champion rows once a challenger exists, writes shadow rows back', async () => {
  const logged: PredictionRecord[][] = [];
  const sink = new ShadowSink({ inner: { append: (r) => void logged.push(r) }, registry, refreshMs: 0 });
  const champion = (await registry.load('credit@champion')).info;
  const { modelFromBytes } = await import('../../src/artifact/model-artifact.js');
  const champ = modelFromBytes((await registry.load('credit@champion')).bytes).model;
  const { rows } = generate(40, 62);
  const batch = (i: number): PredictionRecord[] => score(champ, 'credit', champion.version, rows.slice(i, i + 10), 1000 + i, 1010 + i);

  // No challenger yet: records pass through, nothing is shadowed.
  await sink.append(batch(0));
  await sink.drain();
  expect(logged).toHaveLength(1);
  expect(sink.scorers().size).toBe(0);

  const challenger = await registry.register({ name: 'credit', bytes: modelToBytes(await train(1500, 63)), aliases: ['challenger'] });
  await sink.append(batch(10)); // triggers the look-up; this batch may be missed
  await sink.drain();
  const before = logged.length;
  await sink.append(batch(20));
  await sink.drain();
  const shadow = logged.slice(before).flat().filter((r) => r.role === 'shadow');
  expect(shadow).toHaveLength(10);
  expect(new Set(shadow.map((r) => r.version))).toEqual(new Set([challenger.version]));
  expect(shadow.map((r) => r.shadow_of)).toEqual(logged[before].map((r) => r.id));
  // Shadow rows written back are not shadowed again; hashed inputs are skipped.
  await sink.append(batch(30).map((r) => ({ ...r, inputs: 'sha256:x' })));
  await sink.drain();
  expect(logged.at(-1)!.every((r) => r.role === 'primary')).toBe(true);
  expect(sink.scorers().get('credit')!.stats.scored).toBe(10);
  await sink.close();
}, 60_000);

it('a shadow fraction below 1 scores that share of rows, evenly; out-of-range fractions are refused', async () => {
  expect(() => new ShadowSink({ registry, fraction: 1.5 })).toThrow(RangeError);
  expect(() => new ShadowSink({ registry, fraction: Number.NaN })).toThrow(RangeError);
  const { modelFromBytes } = await import('../../src/artifact/model-artifact.js');
  const champion = await registry.load('credit@champion');
  const champ = modelFromBytes(champion.bytes).model;
  const hasChallenger = await registry.resolve('credit@challenger').then(() => true, () => false);
  if (!hasChallenger) await registry.register({ name: 'credit', bytes: modelToBytes(await train(1500, 63)), aliases: ['challenger'] });
  const logged: PredictionRecord[][] = [];
  const sink = new ShadowSink({ inner: { append: (r) => void logged.push(r) }, registry, refreshMs: 60_000, fraction: 0.25 });
  const { rows } = generate(41, 64);
  await sink.append(score(champ, 'credit', champion.info.version, rows.slice(0, 1), 1000, 1001)); // the look-up
  await sink.drain();
  const primary: PredictionRecord[] = [];
  for (let i = 1; i < 41; i += 4) {
    const batch = score(champ, 'credit', champion.info.version, rows.slice(i, i + 4), 2000 + i, 2004 + i);
    primary.push(...batch);
    await sink.append(batch);
  }
  await sink.drain();
  const shadow = logged.flat().filter((r) => r.role === 'shadow');
  // 40 rows at a quarter: 10 shadowed, one in every 4 (the accumulator carries across requests).
  expect(shadow).toHaveLength(10);
  const at = shadow.map((r) => primary.findIndex((p) => p.id === r.shadow_of));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect(at.slice(1).map((v, k) => v - at[k])).toEqual(Array(9).fill(4));
  await sink.close();
}, 60_000);
