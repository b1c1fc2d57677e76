/**
 * Older artifact format versions keep loading: every committed fixture artifact (one per format
 * version, made by scripts/fixtures/make_artifact_fixture.ts when that version was current) loads,
 * verifies and predicts exactly what it predicted when it was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromBytes } from '../../src/artifact/model-artifact.js';
import { decodeContainer } from '../../src/artifact/container.js';
import { MODEL_FORMAT_VERSION } from '../../src/artifact/migrations.js';
import { ROOT } from '../helpers/cli.js';
import { makeSynthetic } from '../helpers/synthetic.js';

const dir = path.join(ROOT, 'test/fixtures/artifacts');
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.myd'));

describe('artifact compatibility', () => {
  it('has a fixture for every format version up to the current one', () => {
    for (let v = 1; v <= MODEL_FORMAT_VERSION; v++) expect(fixtures).toContain(`linear-v${v}.myd`);
  });

  for (const f of fixtures) {
    it(`${f} loads, verifies and predicts as when it was written`, () => {
      const bytes = fs.readFileSync(path.join(dir, f));
      const expected = JSON.parse(fs.readFileSync(path.join(dir, f.replace('.myd', '.expected.json')), 'utf8'));
      const header = decodeContainer(bytes).header;
      expect(header.formatVersion).toBe(Number(/v(\d+)/.exec(f)![1]));
      const { model } = modelFromBytes(bytes, f);
      const probe = makeSynthetic({ n: expected.rows, task: 'binary', seed: expected.probeSeed }).frame;
      const p = model.predict(probe);
      expect(p.labels).toEqual(expected.labels);
      const proba = Array.from(p.proba!);
      proba.forEach((v, i) => expect(v).toBeCloseTo(expected.proba[i], 12));
    });
  }

  it('refuses a fixture with one flipped byte', () => {
    const bytes = Buffer.from(fs.readFileSync(path.join(dir, fixtures[0])));
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    expect(() => modelFromBytes(bytes, 'flipped')).toThrow(/corrupt|sha256/);
  });
});
