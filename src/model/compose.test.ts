import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recruitCsv } from '../../test/helpers/recruit.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { modelFromBytes, modelToBytes } from '../artifact/model-artifact.js';
import { ModelyardError } from '../errors.js';
import { readFrame } from '../frame/read.js';
import { composeSegments } from './compose.js';
import { trainModel } from './train.js';

const dir = tempDir('modelyard-compose-');

async function frame(name: string, seed: number, n = 600): Promise<Awaited<ReturnType<typeof readFrame>>> {
  const f = path.join(dir, `${name}.csv`);
  fs.writeFileSync(f, recruitCsv({ n, seed }));
  return readFrame(f);
}

describe('composeSegments', () => {
  it('takes the named segment from the other model and keeps the rest; survives save/load', async () => {
    const a = (await trainModel(await frame('a', 1), { target: 'd1_offer', learner: 'linear', segmentBy: 'position', exclude: ['athlete_id'] })).model;
    const b = (await trainModel(await frame('b', 2), { target: 'd1_offer', learner: 'linear', segmentBy: 'position', exclude: ['athlete_id'], params: { C: 0.05 } })).model;
    const fresh = await frame('fresh', 3, 300);
    const composed = modelFromBytes(modelToBytes(composeSegments({ label: 'r@1.0.0', model: a }, { QB: { label: 'r@1.1.0', model: b } }))).model;
    const pc = composed.predict(fresh).proba!;
    const pa = a.predict(fresh).proba!;
    const pb = b.predict(fresh).proba!;
    const pos = fresh.column('position');
    let qb = 0;
    let differ = 0;
    for (let i = 0; i < fresh.nRows; i++) {
      const seg = pos.type === 'string' ? pos.dictionary[pos.codes[i]] : String(pos.values[i]);
      const want = seg === 'QB' ? pb : pa;
      expect(pc[2 * i + 1]).toBe(want[2 * i + 1]);
      if (seg === 'QB') {
        qb++;
        if (pa[2 * i + 1] !== pb[2 * i + 1]) differ++;
      }
    }
    expect(qb).toBeGreaterThan(50);
    expect(differ).toBe(qb); // the two QB models really differ, so the check above means something
    expect(composed.metadata.composedFrom).toEqual({ base: 'r@1.0.0', segments: { QB: 'r@1.1.0' } });
    expect(composed.metadata.changelog).toBe('segments QB from r@1.1.0; others from r@1.0.0');
  });

  it('refuses unsegmented models, unknown segments and different input schemas', async () => {
    const seg = (await trainModel(await frame('c', 4), { target: 'd1_offer', learner: 'linear', segmentBy: 'position', exclude: ['athlete_id'] })).model;
    const single = (await trainModel(await frame('d', 5), { target: 'd1_offer', learner: 'linear', exclude: ['athlete_id', 'position'] })).model;
    const fewer = (await trainModel(await frame('e', 6), { target: 'd1_offer', learner: 'linear', segmentBy: 'position', exclude: ['athlete_id', 'gpa'] })).model;
    const err = (fn: () => unknown): ModelyardError => {
      try {
        fn();
      } catch (e) {
        return e as ModelyardError;
      }
      throw new Error('expected an error');
    };
    expect(err(() => composeSegments({ label: 's', model: single }, { QB: { label: 'x', model: seg } })).message).toContain('s is not a segmented model');
    expect(err(() => composeSegments({ label: 'x', model: seg }, { TE: { label: 'y', model: seg } })).code).toBe('MODEL_NOT_FOUND');
    const e = err(() => composeSegments({ label: 'x', model: seg }, { QB: { label: 'y', model: fewer } }));
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain('input schema differs');
  });
});
