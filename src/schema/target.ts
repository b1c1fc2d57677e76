/**
 * The target column: task inference, class encoding (sorted labels as scikit-learn's LabelEncoder)
 * and checks that the target can be learned.
 */
import { ModelyardError } from '../errors.js';
import type { Column, Frame } from '../frame/frame.js';
import { compareLevels } from './infer.js';
import type { TargetSpec, Task } from './types.js';

/** Integer targets with at most this many distinct values are treated as classes when the task is `auto`. */
const MAX_AUTO_CLASSES = 10;

export interface EncodedTarget {
  spec: TargetSpec;
  /** Class index (0..k-1) or the value; NaN where the target is missing. */
  y: Float64Array;
  /** Rows with a missing target. */
  missing: number;
}

/**
 * Infers the task (when `task` is `auto`) and encodes the target.
 *
 * @example
 * ```ts
 * const { spec, y } = encodeTarget(frame, 'Status', 'auto'); // spec.task === 'binary', spec.classes = ['bad', 'good']
 * ```
 */
export function encodeTarget(frame: Frame, name: string, task: Task | 'auto' = 'auto', source?: string): EncodedTarget {
  const src = source ? `${source}: ` : '';
  if (!frame.has(name)) {
    const near = frame.names.find((n) => n.toLowerCase() === name.toLowerCase());
    throw new ModelyardError('COLUMN_MISSING', `${src}target column "${name}" is not in the data${near ? ` (did you mean "${near}"?)` : ''}; columns: ${frame.names.slice(0, 12).join(', ')}${frame.names.length > 12 ? ', …' : ''}`, {
      file: source,
      column: name,
      flag: '--target',
    });
  }
  const col = frame.column(name);
  const resolved = task === 'auto' ? inferTask(col) : task;
  if (resolved === 'regression') {
    if (col.type !== 'number') {
      throw new ModelyardError('TARGET_INVALID', `${src}target "${name}" holds text (e.g. "${col.dictionary[0]}") but the task is regression`, { file: source, column: name });
    }
    const y = col.values;
    let missing = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== y[i]) missing++;
      else if (!Number.isFinite(y[i])) {
        throw new ModelyardError('TARGET_INVALID', `${src}row ${i + 1}, target "${name}": ${y[i]} is not finite`, { file: source, row: i + 1, column: name });
      }
    }
    checkNotAllMissing(name, missing, y.length, src, source);
    return { spec: { name, task: 'regression' }, y, missing };
  }
  const { labels, y, missing } = encodeClasses(col);
  checkNotAllMissing(name, missing, y.length, src, source);
  if (labels.length < 2) {
    throw new ModelyardError('TARGET_INVALID', `${src}target "${name}" has only one class ("${labels[0]}"): nothing to learn`, { file: source, column: name });
  }
  if (resolved === 'binary' && labels.length !== 2) {
    throw new ModelyardError('TARGET_INVALID', `${src}--task binary but target "${name}" has ${labels.length} classes`, { file: source, column: name, flag: '--task' });
  }
  const finalTask: Task = labels.length === 2 ? 'binary' : 'multiclass';
  return { spec: { name, task: finalTask, classes: labels }, y, missing };
}

/** Encodes a target for evaluation with a known spec; unknown classes are an error. */
export function encodeTargetWithSpec(frame: Frame, spec: TargetSpec, source?: string): EncodedTarget {
  const src = source ? `${source}: ` : '';
  if (!frame.has(spec.name)) {
    throw new ModelyardError('COLUMN_MISSING', `${src}target column "${spec.name}" is not in the data; evaluation needs it`, { file: source, column: spec.name });
  }
  const col = frame.column(spec.name);
  if (spec.task === 'regression') {
    if (col.type !== 'number') throw new ModelyardError('TARGET_INVALID', `${src}target "${spec.name}" holds text; the model is a regression`, { file: source, column: spec.name });
    let missing = 0;
    for (const v of col.values) if (v !== v) missing++;
    return { spec, y: col.values, missing };
  }
  const index = new Map<string, number>();
  (spec.classes ?? []).forEach((c, i) => index.set(String(c), i));
  const n = frame.nRows;
  const y = new Float64Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const key = cellKey(col, i);
    if (key === null) {
      y[i] = NaN;
      missing++;
      continue;
    }
    const k = index.get(key);
    if (k === undefined) {
      throw new ModelyardError('TARGET_INVALID', `${src}row ${i + 1}, target "${spec.name}": class "${key}" is not one the model knows (${(spec.classes ?? []).join(', ')})`, {
        file: source,
        row: i + 1,
        column: spec.name,
      });
    }
    y[i] = k;
  }
  return { spec, y, missing };
}

function inferTask(col: Column): Task {
  if (col.type === 'string') return 'multiclass'; // refined to binary by class count
  if (col.storage === 'boolean') return 'binary';
  const distinct = new Set<number>();
  let integer = true;
  for (const v of col.values) {
    if (v !== v) continue;
    if (!Number.isInteger(v)) integer = false;
    distinct.add(v);
    if (distinct.size > MAX_AUTO_CLASSES) break;
  }
  if (distinct.size <= 2) return 'binary';
  if (integer && distinct.size <= MAX_AUTO_CLASSES && col.values.length >= 20 * distinct.size) return 'multiclass';
  return 'regression';
}

function encodeClasses(col: Column): { labels: (string | number)[]; y: Float64Array; missing: number } {
  const n = col.type === 'number' ? col.values.length : col.codes.length;
  const y = new Float64Array(n);
  let missing = 0;
  if (col.type === 'number') {
    const distinct = [...new Set(Array.from(col.values).filter((v) => v === v))].sort((a, b) => a - b);
    const index = new Map(distinct.map((v, i) => [v, i]));
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (v !== v) {
        y[i] = NaN;
        missing++;
      } else y[i] = index.get(v)!;
    }
    return { labels: distinct, y, missing };
  }
  const used = new Uint8Array(col.dictionary.length);
  for (const c of col.codes) if (c >= 0) used[c] = 1;
  const labels = col.dictionary.filter((_, i) => used[i]).sort(compareLevels);
  const index = new Map(labels.map((l, i) => [l, i]));
  const table = col.dictionary.map((d) => index.get(d) ?? -1);
  for (let i = 0; i < n; i++) {
    const c = col.codes[i];
    if (c < 0) {
      y[i] = NaN;
      missing++;
    } else y[i] = table[c];
  }
  return { labels, y, missing };
}

function cellKey(col: Column, i: number): string | null {
  if (col.type === 'number') {
    const v = col.values[i];
    return v !== v ? null : String(v);
  }
  const c = col.codes[i];
  return c < 0 ? null : col.dictionary[c];
}

function checkNotAllMissing(name: string, missing: number, n: number, src: string, source?: string): void {
  if (n === 0) throw new ModelyardError('DATA_EMPTY', `${src}no rows to learn from`, { file: source });
  if (missing === n) throw new ModelyardError('TARGET_INVALID', `${src}target "${name}" is missing in every row`, { file: source, column: name });
}
