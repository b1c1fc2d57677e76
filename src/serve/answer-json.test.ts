import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../util/uuidv7.js';
import { v1Json } from './answer-json.js';

const model = { name: 'credit "v2" ü', version: '1.0.0', sha256: 'ab'.repeat(32) };

describe('v1Json', () => {
  it('writes exactly what JSON.stringify writes for every answer shape', () => {
    const shapes: unknown[] = [
      { model, request_id: 'r-1', predictions: [{ id: uuidv7(), prediction: 0, probability: 0.0891943208189395 }] },
      { model, request_id: 'r-2', predictions: [{ id: uuidv7(), prediction: 'yes "quoted"\n', probability: 1e-300, probabilities: { no: 0.25, 'yes "quoted"\n': 0.75 } }] },
      { model, request_id: 'r-3', predictions: [{ id: uuidv7(), prediction: 3.5 }, { id: uuidv7(), prediction: -0 }, { id: uuidv7(), prediction: 1e21 }], warnings: ['row 1, instances[0].c: unseen category "x" scored as missing'] },
      { model, request_id: 'r-4', predictions: [{ id: uuidv7(), prediction: 'a', probability: 0.5, segment: null, entity_id: 7 }, { id: uuidv7(), prediction: 'b', probability: NaN, segment: 'north', entity_id: 'lead-9' }] },
      { model, request_id: 'r-5', predictions: [{ id: uuidv7(), prediction: 1, probability: undefined, segment: undefined }] },
      { model, request_id: 'r-6', predictions: [] },
      // Outside the shape: generic path.
      { model, request_id: 'r-7', predictions: [{ id: 'not hex!', prediction: 1, extra: { a: [1, 2] } }] },
      { model, request_id: 'r-8', predictions: [{ id: uuidv7(), prediction: new Date(0) }], note: () => 1 },
      { model, request_id: 'r-9', predictions: [null, 3] },
      { predictions: 'none' },
      [1, 2],
    ];
    for (const s of shapes) expect(v1Json(s)).toBe(JSON.stringify(s));
  });
});
