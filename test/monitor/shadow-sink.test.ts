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
