import { expect, it } from 'vitest';
import type { PredictionRecord } from '../../record.js';
import { predictionRow } from '../rows.js';
import { packPredictions, unpackPredictions } from './batch-codec.js';

const base = (over: Partial<PredictionRecord>): PredictionRecord => ({
  id: 'id-0',
  time: 1_700_000_000_123,
  model: 'credit',
  version: '1.0.0',
  segment: null,
  request_id: 'req-1',
  entity_id: null,
  inputs: { a: 1, b: 2 },
  prediction: 'yes',
  probabilities: { no: 0.25, yes: 0.75 },
  latency_ms: 1.25,
  role: 'primary',
  ...over,
});

/** Packs, clones as postMessage would, unpacks: every row must equal what predictionRow gives. */
function roundTrip(records: PredictionRecord[]): unknown[][] {
  const { packed } = packPredictions(records);
  const wire = structuredClone(packed);
  const out: unknown[][] = [];
  unpackPredictions(wire, (row) => out.push([...row]));
  return out;
}

it('rebuilds exactly the column values predictionRow gives, for every kind of value', () => {
  const records: PredictionRecord[] = [
    base({ id: 'a' }),
    // Same keys, values of every JSON scalar kind, and numbers whose text is tricky.
    base({ id: 'b', inputs: { a: -0, b: 1e21 } }),
    base({ id: 'c', inputs: { a: NaN, b: Infinity } }),
    base({ id: 'd', inputs: { a: 'x "quoted" \u2028 é', b: null }, segment: 'QB', entity_id: 'lead-9' }),
    base({ id: 'e', inputs: { a: true, b: false }, prediction: 3.5, probabilities: null }),
    base({ id: 'f', inputs: { a: 0.1 + 0.2, b: 5e-324 }, prediction: 0 }),
    // Different keys, order, nesting, undefined: stored as JSON text computed on the sending side.
    base({ id: 'g', inputs: { b: 2, a: 1 } }),
    base({ id: 'h', inputs: { a: 1 } }),
    base({ id: 'i', inputs: { a: 1, b: 2, c: 3 } }),
    base({ id: 'j', inputs: { a: [1, 2], b: { x: 1 } } }),
    base({ id: 'k', inputs: { a: undefined, b: 1 } as unknown as Record<string, unknown> }),
    base({ id: 'l', inputs: 'sha256:abc' }),
    base({ id: 'm', inputs: null, role: 'shadow', request_id: 'req-2', model: 'other', version: '2.0.0' }),
    base({ id: 'n', inputs: { '2': 1, '1': 2 }, probabilities: { '1': 0.4, '0': 0.6 } }),
    base({ id: 'o', inputs: { a: new Date(0), b: 1 } as unknown as Record<string, unknown> }),
    base({ id: 'p', inputs: {}, probabilities: { no: 0.5, yes: 0.5, maybe: 0 } }),
  ];
  const got = roundTrip(records);
  expect(got).toEqual(records.map((r) => predictionRow(r)));
  // Byte-for-byte on the JSON columns (toEqual would also accept equal numbers of different text).
  for (let i = 0; i < records.length; i++) {
    const want = predictionRow(records[i]!);
    for (const c of [7, 8, 9]) expect(got[i]![c]).toBe(want[c]);
  }
});

it('first row without an object shape: later object rows still pack', () => {
  const records = [base({ id: 'a', inputs: null }), base({ id: 'b', inputs: 'sha256:x' }), base({ id: 'c', inputs: { z: 1 } }), base({ id: 'd' })];
  expect(roundTrip(records)).toEqual(records.map((r) => predictionRow(r)));
});

it('a large batch of one request: one shape, one string-table entry per repeated value', () => {
  const records = Array.from({ length: 500 }, (_, i) => base({ id: `r${i}`, inputs: { x: i / 7, y: i % 3 ? 'a' : null, z: -i } }));
  const { packed } = packPredictions(records);
  expect(packed.inputs.text).toEqual([]);
  expect(packed.strings).toEqual(['credit', '1.0.0', 'req-1', 'primary']);
  expect(roundTrip(records)).toEqual(records.map((r) => predictionRow(r)));
});
