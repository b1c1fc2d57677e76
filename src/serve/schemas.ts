/**
 * Request and response schemas (TypeBox). The same objects validate requests (Fastify's Ajv),
 * serialise responses (fast-json-stringify) and become the OpenAPI document at `/docs`.
 */
import { Type, type Static } from '@sinclair/typebox';

/** A cell of a JSON row: number, string, boolean or null (missing). */
export const Cell = Type.Union([Type.Number(), Type.String({ maxLength: 10_000 }), Type.Boolean(), Type.Null()]);

/**
 * One row. Values are checked by the model's schema (src/serve/rows.ts), which names the row and
 * column in a 422, so the request schema only requires an object: checking every cell against
 * `Cell` here too cost as much as parsing the JSON.
 */
export const Row = Type.Record(Type.String(), Type.Unknown(), { description: 'One row: column name → value: a number, a string, true/false, or null for missing. Unknown columns are ignored.' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Catalog code (docs/errors.md)' }),
      message: Type.String(),
      field: Type.Union([Type.String(), Type.Null()], { description: 'JSON path of the offending field, e.g. instances[3].age' }),
      row: Type.Optional(Type.Integer({ description: '1-based row of the request' })),
      request_id: Type.String(),
    }),
  },
  { $id: 'ErrorBody' },
);

const Threshold = Type.Number({ minimum: 0, maximum: 1, description: 'Binary: positive label when P(positive) ≥ threshold (default 0.5)' });
const ReturnProba = Type.Boolean({ description: 'Include every class probability' });
const Unseen = Type.Union([Type.Literal('error'), Type.Literal('missing')], { description: 'Unseen categories: error (422, default) or score as missing' });

export const PredictBody = Type.Object(
  {
    instances: Type.Array(Row, { description: 'Rows to score (one for a single prediction)' }),
    threshold: Type.Optional(Threshold),
    return_probabilities: Type.Optional(ReturnProba),
    unseen: Type.Optional(Unseen),
    entity_ids: Type.Optional(Type.Array(Type.Union([Type.String({ maxLength: 200 }), Type.Number()]), { description: 'Caller ids per row (lead id, …), kept in the prediction log for feedback joins' })),
  },
  { additionalProperties: false },
);
export type PredictBody = Static<typeof PredictBody>;

const Id = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Number()]);
/**
 * Besides `ids`, one named id list — `lead_ids`, `customer_ids`, … (seed 004's `{"lead_ids": […]}`) —
 * means the same. The schema lets extra array-valued keys through; the route refuses any that is
 * not a `<name>_ids` key (TypeBox's compiler has no patternProperties).
 */
export const NAMED_IDS = /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*_ids$/;
export const ByIdBody = Type.Union([
  Type.Object(
    {
      ids: Type.Optional(Type.Array(Id)),
      threshold: Type.Optional(Threshold),
      return_probabilities: Type.Optional(ReturnProba),
      unseen: Type.Optional(Unseen),
    },
    { additionalProperties: Type.Array(Id) },
  ),
  Type.Array(Id),
]);
export type ByIdBody = Static<typeof ByIdBody>;

export const ModelParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Model name, or name@version, or name@alias' }),
});

export const ModelInfo = Type.Object({ name: Type.String(), version: Type.String(), sha256: Type.String() });

export const Prediction = Type.Object({
  id: Type.String({ description: 'UUIDv7 of this prediction (feedback joins on it)' }),
  prediction: Type.Union([Type.String(), Type.Number()]),
  probability: Type.Optional(Type.Number({ description: 'Binary: P(positive class); multiclass: P(predicted class)' })),
  probabilities: Type.Optional(Type.Record(Type.String(), Type.Number())),
  segment: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  entity_id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
});

export const PredictResponse = Type.Object({
  model: ModelInfo,
  request_id: Type.String(),
  predictions: Type.Array(Prediction),
  warnings: Type.Optional(Type.Array(Type.String())),
});

export const AliasBody = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 100 }),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const AliasParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), alias: Type.String({ minLength: 1, maxLength: 100 }) });

export const SwitchQuery = Type.Object({ version: Type.String({ minLength: 1, maxLength: 100 }), alias: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });

/** MLflow scoring server input (`/invocations`): one of the four pandas/tensor shapes. */
export const InvocationsBody = Type.Object(
  {
    dataframe_split: Type.Optional(
      Type.Object({
        columns: Type.Array(Type.String()),
        data: Type.Array(Type.Array(Cell)),
        index: Type.Optional(Type.Array(Type.Unknown())),
      }),
    ),
    dataframe_records: Type.Optional(Type.Array(Row)),
    instances: Type.Optional(Type.Union([Type.Array(Row), Type.Array(Type.Array(Cell))])),
    inputs: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Array(Cell)), Type.Array(Row), Type.Array(Type.Array(Cell))])),
    params: Type.Optional(Type.Object({ threshold: Type.Optional(Threshold), return_probabilities: Type.Optional(ReturnProba), unseen: Type.Optional(Unseen) }, { additionalProperties: false })),
  },
  { additionalProperties: false, description: 'Exactly one of dataframe_split, dataframe_records, instances, inputs' },
);
export type InvocationsBody = Static<typeof InvocationsBody>;

/** KServe V2 inference request (Open Inference Protocol, REST). */
export const V2Tensor = Type.Object({
  name: Type.String({ maxLength: 200 }),
  shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 2 }),
  datatype: Type.String({ maxLength: 20 }),
  data: Type.Array(Type.Union([Cell, Type.Array(Cell)])),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export const V2InferBody = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 200 })),
  inputs: Type.Array(V2Tensor, { minItems: 1 }),
  outputs: Type.Optional(Type.Array(Type.Object({ name: Type.String() }, { additionalProperties: true }))),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type V2InferBody = Static<typeof V2InferBody>;
