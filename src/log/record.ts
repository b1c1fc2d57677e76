/**
 * The prediction log's row types, shared by the server (which produces them), the log writer and
 * stores (which keep them) and the monitor (which reads them). DESIGN.md, "Prediction log".
 */

/** One scored row. `id` is a UUIDv7 returned to the client in the response. */
export interface PredictionRecord {
  id: string;
  /** Unix milliseconds when the prediction was made. */
  time: number;
  model: string;
  version: string;
  /** Segment value that routed the row (segmented models), else null. */
  segment: string | null;
  request_id: string;
  /** Optional caller-supplied entity id (lead id, match id…) for feedback by entity + time window. */
  entity_id: string | null;
  /** Input features as sent (or hashed, or null when input logging is off). */
  inputs: Record<string, unknown> | string | null;
  /** Predicted label or value. */
  prediction: number | string;
  /** Class probabilities by label (classification), else null. */
  probabilities: Record<string, number> | null;
  /** Server-side time spent on this request, ms. */
  latency_ms: number;
  /** 'champion' path or 'shadow' (a challenger scoring the same request). */
  role: 'primary' | 'shadow';
  /** Shadow rows: the id of the primary prediction this row shadows (pairs them for champion/challenger). */
  shadow_of?: string | null;
}

/** A ground-truth outcome joined to a prediction by id (or by entity id + time window). */
export interface FeedbackRecord {
  id: string;
  time: number;
  prediction_id: string | null;
  entity_id: string | null;
  actual: number | string;
}

/** Training/evaluation/alert/promotion events in the same log (seed 002 logs all of them). */
export interface EventRecord {
  id: string;
  time: number;
  kind: string;
  model: string | null;
  version: string | null;
  payload: Record<string, unknown>;
}
