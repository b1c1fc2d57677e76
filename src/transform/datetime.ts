/**
 * Datetime expansion: a datetime column (epoch milliseconds, UTC, as conformed frames hold them)
 * becomes numeric parts a linear or tree model can use: `<name>__year`, `__month` (1–12), `__dow`
 * (day of week, Monday = 0 as pandas' `dayofweek`), `__doy` (day of year, 1–366), `__hour` (only
 * when the column holds times, not dates) and `__days` (days since 1970-01-01, fractional for
 * timestamps: the trend term). Missing values stay NaN in every part.
 *
 * Calendar arithmetic is done on integers, without a `Date` per row: the civil-from-days
 * conversion follows H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013).
 */
import type { Column, Frame, NumberColumn } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import { ModelyardError } from '../errors.js';
import { jsonStrings, numberInput, replaceColumns, type TransformState } from './types.js';

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

/** Names of the parts, in output order. */
export function datetimeParts(dateOnly: boolean): string[] {
  return dateOnly ? ['year', 'month', 'dow', 'doy', 'days'] : ['year', 'month', 'dow', 'doy', 'hour', 'days'];
}

/**
 * A datetime expander. It learns nothing from data; `fit` only records which columns are dates.
 *
 * @example
 * ```ts
 * const dt = DatetimeExpander.fit([{ name: 'signup', dateOnly: true }]);
 * dt.transform(X).names; // [..., 'signup__year', 'signup__month', 'signup__dow', 'signup__doy', 'signup__days', ...]
 * ```
 */
export class DatetimeExpander {
  private constructor(private readonly cols: readonly { name: string; dateOnly: boolean }[]) {}

  static fit(columns: readonly { name: string; dateOnly?: boolean }[]): DatetimeExpander {
    return new DatetimeExpander(columns.map((c) => ({ name: c.name, dateOnly: c.dateOnly === true })));
  }

  outputNames(name: string): string[] {
    const c = this.cols.find((x) => x.name === name);
    if (!c) throw new Error(`datetime expander has no column "${name}"`);
    return datetimeParts(c.dateOnly).map((p) => `${name}__${p}`);
  }

  transform(frame: Frame): Frame {
    const outputs = new Map<string, Column[]>();
    for (const c of this.cols) {
      const v = numberInput(frame, c.name, 'datetime expander').values;
      const n = v.length;
      const year = new Float64Array(n);
      const month = new Float64Array(n);
      const dow = new Float64Array(n);
      const doy = new Float64Array(n);
      const hour = c.dateOnly ? undefined : new Float64Array(n);
      const days = new Float64Array(n);
      const cell = new Float64Array(6);
      for (let i = 0; i < n; i++) {
        datetimeValues(v[i], cell);
        year[i] = cell[0];
        month[i] = cell[1];
        dow[i] = cell[2];
        doy[i] = cell[3];
        if (hour) hour[i] = cell[4];
        days[i] = cell[5];
      }
      const parts = c.dateOnly ? [year, month, dow, doy, days] : [year, month, dow, doy, hour!, days];
      const names = this.outputNames(c.name);
      outputs.set(
        c.name,
        parts.map((values, k): NumberColumn => ({ type: 'number', name: names[k], values, storage: 'float' })),
      );
    }
    return replaceColumns(frame, outputs);
  }

  toState(): TransformState {
    return { json: { columns: this.cols.map((c) => c.name), dateOnly: this.cols.map((c) => c.dateOnly) }, arrays: {} };
  }

  static fromState(s: TransformState): DatetimeExpander {
    const names = jsonStrings(s.json.columns, 'datetime.columns');
    const dateOnly = s.json.dateOnly as Json[];
    if (!Array.isArray(dateOnly) || dateOnly.length !== names.length) throw new ModelyardError('ARTIFACT_CORRUPT', 'transform state: datetime lists differ in length');
    return new DatetimeExpander(names.map((name, j) => ({ name, dateOnly: dateOnly[j] === true })));
  }
}

/**
 * The parts of one value (epoch ms; NaN = missing → every part NaN) into `out`: year, month, day of
 * week, day of year, hour, days since the epoch — the per-row step of {@link DatetimeExpander},
 * shared with the serving path's fused design rows (transform/design-plan.ts).
 */
export function datetimeValues(ms: number, out: Float64Array): void {
  if (ms !== ms) {
    out[0] = out[1] = out[2] = out[3] = out[4] = out[5] = NaN;
    return;
  }
  const d = Math.floor(ms / MS_PER_DAY);
  // Civil date from days since 1970-01-01 (Hinnant): eras of 400 years, March-based years.
  const z = d + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doyMar + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[0] = y;
  out[1] = m;
  out[2] = (((d + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (Monday = 0 → 3)
  out[3] = d - daysFromCivil(y) + 1;
  out[4] = Math.floor((ms - d * MS_PER_DAY) / MS_PER_HOUR);
  out[5] = ms / MS_PER_DAY;
}

/** Days since 1970-01-01 of January 1st of year `y` (Hinnant's days_from_civil with m = d = 1). */
function daysFromCivil(y: number): number {
  const yy = y - 1; // January counts in the previous March-based year
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * 10 + 2) / 5); // March 1st → January 1st is 306 days on
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
