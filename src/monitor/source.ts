/**
 * What the monitor reads and writes, as one small interface over the prediction log: predictions of
 * a model version in a time window joined with their feedback, events (request errors, earlier
 * alerts), and writing events. The monitor's services are pure functions over what this returns,
 * so they run on arrays in tests ({@link MemorySource}), on exported JSONL files
 * ({@link JsonlDirSource}, used by the CLI) and on the log store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ModelyardError } from '../errors.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from '../log/record.js';

/** A prediction with its ground truth (null when no feedback has arrived). */
export interface JoinedPrediction {
  prediction: PredictionRecord;
  actual: number | string | null;
}

export interface PredictionQuery {
  model: string;
  /** One version, or all versions of the model when omitted. */
  version?: string;
  /** Inclusive lower bound, Unix ms. */
  since: number;
  /** Exclusive upper bound, Unix ms. */
  until: number;
  /** 'primary' (default) or 'shadow'. */
  role?: 'primary' | 'shadow';
  /** Only predictions that have feedback. */
  labelledOnly?: boolean;
}

export interface EventQuery {
  model?: string;
  since: number;
  until: number;
  kinds?: string[];
}

/** The prediction log as the monitor sees it. */
export interface MonitorSource {
  predictions(q: PredictionQuery): Promise<JoinedPrediction[]>;
  events(q: EventQuery): Promise<EventRecord[]>;
  writeEvent(e: EventRecord): Promise<void>;
}

/** Event kind of a failed request (written by the server; counted for the error rate). */
export const REQUEST_ERROR_EVENT = 'request.error';
/** Event kind of a monitor alert. */
export const ALERT_EVENT = 'monitor.alert';

/**
 * Joins feedback to predictions: by `prediction_id`, or — for feedback that only names an entity —
 * to the latest prediction of that entity made at or before the feedback time (seed 002's "match
 * id + result"). Later feedback for the same prediction wins.
 *
 * @example
 * ```ts
 * const joined = joinFeedback(predictions, feedback);
 * joined.filter((j) => j.actual !== null).length; // labelled rows
 * ```
 */
export function joinFeedback(predictions: readonly PredictionRecord[], feedback: readonly FeedbackRecord[]): JoinedPrediction[] {
  const byId = new Map<string, number>();
  const byEntity = new Map<string, number[]>();
  predictions.forEach((p, i) => {
    byId.set(p.id, i);
    if (p.entity_id !== null && p.entity_id !== undefined && p.role !== 'shadow') {
      let list = byEntity.get(p.entity_id);
      if (!list) byEntity.set(p.entity_id, (list = []));
      list.push(i);
    }
  });
  for (const list of byEntity.values()) list.sort((a, b) => predictions[a].time - predictions[b].time);
  const actual: (number | string | null)[] = new Array(predictions.length).fill(null);
  const actualTime = new Float64Array(predictions.length).fill(-Infinity);
  for (const f of feedback) {
    let i: number | undefined;
    if (f.prediction_id) i = byId.get(f.prediction_id);
    else if (f.entity_id !== null && f.entity_id !== undefined) {
      const list = byEntity.get(f.entity_id);
      if (list) {
        for (const j of list) {
          if (predictions[j].time <= f.time) i = j;
          else break;
        }
      }
    }
    if (i === undefined || f.time < actualTime[i]) continue;
    actual[i] = f.actual;
    actualTime[i] = f.time;
  }
  return predictions.map((p, i) => ({ prediction: p, actual: actual[i] }));
}

/**
 * An in-memory source over arrays of records (tests, simulations, and the server before the log
 * store is attached). Shadow rows get the label of the primary prediction they shadow.
 *
 * @example
 * ```ts
 * const source = new MemorySource(predictions, feedback);
 * const report = await monitorReport(source, target, { now: Date.now() });
 * ```
 */
export class MemorySource implements MonitorSource {
  readonly written: EventRecord[] = [];

  constructor(
    public predictionsList: PredictionRecord[] = [],
    public feedbackList: FeedbackRecord[] = [],
    public eventsList: EventRecord[] = [],
  ) {}

  async predictions(q: PredictionQuery): Promise<JoinedPrediction[]> {
    return filterJoined(joinWithShadows(this.predictionsList, this.feedbackList), q);
  }

  async events(q: EventQuery): Promise<EventRecord[]> {
    return filterEvents(this.eventsList, q);
  }

  async writeEvent(e: EventRecord): Promise<void> {
    this.eventsList.push(e);
    this.written.push(e);
  }
}

/** Joins feedback, then hands each shadow row the label of the primary row it shadows. */
export function joinWithShadows(predictions: readonly PredictionRecord[], feedback: readonly FeedbackRecord[]): JoinedPrediction[] {
  const joined = joinFeedback(predictions, feedback);
  const labelOf = new Map<string, number | string>();
  for (const j of joined) if (j.prediction.role !== 'shadow' && j.actual !== null) labelOf.set(j.prediction.id, j.actual);
  for (const j of joined) {
    if (j.prediction.role === 'shadow' && j.actual === null && j.prediction.shadow_of) j.actual = labelOf.get(j.prediction.shadow_of) ?? null;
  }
  return joined;
}

function filterJoined(joined: JoinedPrediction[], q: PredictionQuery): JoinedPrediction[] {
  const role = q.role ?? 'primary';
  return joined.filter(
    (j) =>
      j.prediction.model === q.model &&
      (q.version === undefined || j.prediction.version === q.version) &&
      (j.prediction.role ?? 'primary') === role &&
      j.prediction.time >= q.since &&
      j.prediction.time < q.until &&
      (!q.labelledOnly || j.actual !== null),
  );
}

function filterEvents(events: readonly EventRecord[], q: EventQuery): EventRecord[] {
  return events.filter((e) => (q.model === undefined || e.model === q.model) && e.time >= q.since && e.time < q.until && (!q.kinds || q.kinds.includes(e.kind)));
}

/**
 * A source over a folder of JSON-lines exports — `predictions.jsonl`, `feedback.jsonl`,
 * `events.jsonl` (one record per line, the shapes of src/log/record.ts) — read once on open;
 * events are appended to `events.jsonl`. This is what `modelyard monitor report --log DIR` reads
 * until the prediction log store is attached.
 *
 * @example
 * ```ts
 * const source = JsonlDirSource.open('./logs');
 * ```
 */
export class JsonlDirSource implements MonitorSource {
  private constructor(
    readonly dir: string,
    private readonly inner: MemorySource,
  ) {}

  static open(dir: string): JsonlDirSource {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new ModelyardError('FILE_NOT_FOUND', `prediction log folder not found: ${dir}`, { file: dir, flag: '--log' });
    }
    const read = <T>(name: string): T[] => {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) return [];
      const out: T[] = [];
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          out.push(JSON.parse(line) as T);
        } catch (e) {
          throw new ModelyardError('DATA_PARSE', `${file}: line ${i + 1} is not JSON (${(e as Error).message})`, { file, row: i + 1 });
        }
      });
      return out;
    };
    return new JsonlDirSource(dir, new MemorySource(read<PredictionRecord>('predictions.jsonl'), read<FeedbackRecord>('feedback.jsonl'), read<EventRecord>('events.jsonl')));
  }

  predictions(q: PredictionQuery): Promise<JoinedPrediction[]> {
    return this.inner.predictions(q);
  }

  events(q: EventQuery): Promise<EventRecord[]> {
    return this.inner.events(q);
  }

  async writeEvent(e: EventRecord): Promise<void> {
    await this.inner.writeEvent(e);
    fs.appendFileSync(path.join(this.dir, 'events.jsonl'), `${JSON.stringify(e)}\n`);
  }
}
