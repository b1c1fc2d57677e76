import { describe, expect, it } from 'vitest';
import { Frame, numberColumn, type NumberColumn } from '../frame/frame.js';
import { Rng } from '../util/random.js';
import { DatetimeExpander } from './datetime.js';
import { copyState as roundTrip } from './types.js';

describe('DatetimeExpander', () => {
  it('matches the calendar of Date (UTC) on random instants from 1800 to 2200', () => {
    const rng = new Rng(5);
    const n = 2000;
    const ms = new Float64Array(n);
    for (let i = 0; i < n; i++) ms[i] = Math.round((rng.next() * 400 - 170) * 365.25 * 86400000);
    ms[0] = Date.UTC(2024, 1, 29, 23, 59); // leap day
    ms[1] = Date.UTC(2000, 11, 31, 0, 0); // day 366 of a leap century year
    ms[2] = Date.UTC(1969, 11, 31, 13, 0); // before the epoch
    const dt = DatetimeExpander.fit([{ name: 't', dateOnly: false }]);
    const out = dt.transform(new Frame([numberColumn('t', ms)]));
    expect(out.names).toEqual(['t__year', 't__month', 't__dow', 't__doy', 't__hour', 't__days']);
    const col = (k: string): Float64Array => (out.column(`t__${k}`) as NumberColumn).values;
    for (let i = 0; i < n; i++) {
      const d = new Date(ms[i]);
      expect(col('year')[i]).toBe(d.getUTCFullYear());
      expect(col('month')[i]).toBe(d.getUTCMonth() + 1);
      expect(col('dow')[i]).toBe((d.getUTCDay() + 6) % 7);
      expect(col('doy')[i]).toBe(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1);
      expect(col('hour')[i]).toBe(d.getUTCHours());
      expect(col('days')[i]).toBe(ms[i] / 86400000);
    }
    expect(col('doy')[1]).toBe(366);
  });

  it('drops the hour for dates and keeps missing values missing', () => {
    const dt = DatetimeExpander.fromState(roundTrip(DatetimeExpander.fit([{ name: 'd', dateOnly: true }]).toState()));
    const out = dt.transform(new Frame([numberColumn('d', [Date.UTC(2023, 0, 2), NaN])]));
    expect(out.names).toEqual(['d__year', 'd__month', 'd__dow', 'd__doy', 'd__days']);
    expect(out.toRecords()).toEqual([
      { d__year: 2023, d__month: 1, d__dow: 0, d__doy: 2, d__days: 19359 },
      { d__year: null, d__month: null, d__dow: null, d__doy: null, d__days: null },
    ]);
  });
});
