import { describe, expect, it } from 'vitest';
import { isModelyardError } from '../errors.js';
import { Frame } from '../frame/frame.js';
import { inferSchema } from '../schema/infer.js';
import { conform } from '../schema/validate.js';
import type { Schema } from '../schema/types.js';
import { Rng } from '../util/random.js';
import { DesignBuilder, type DesignMatrix } from './design.js';
import { copyState, stateKey } from './types.js';

const PLANS = ['free', 'pro', 'team', 'edu', 'gov'];

function records(n: number, seed: number): Record<string, string | number | null>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({
    age: Math.round(20 + 50 * rng.next()),
    income: rng.next() < 0.2 ? null : Math.round(1000 * rng.next()) / 10,
    // Skewed plan frequencies so the cap keeps free/pro/team.
    plan: PLANS[Math.min(4, Math.floor(-Math.log(1 - rng.next() * 0.999) * 1.2))],
    signup: `2023-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`,
    y: rng.int(2),
  }));
}

function setup(n = 200): { train: Frame; schema: Schema; y: Float64Array; test: Frame } {
  const raw = Frame.fromRecords(records(n + 50, 1));
  const { schema } = inferSchema(raw, { exclude: { y: 'target' }, kinds: { signup: 'datetime' } });
  // A date column read from text is inferred as a timestamp; declare it a date (no hour part).
  schema.features.find((f) => f.name === 'signup')!.dateOnly = true;
  const X = conform(raw, schema);
  const y = Float64Array.from({ length: n }, (_, i) => raw.cell(i, 'y') as number);
  return { train: X.take(Array.from({ length: n }, (_, i) => i)), schema, y, test: X.take(Array.from({ length: 50 }, (_, i) => n + i)) };
}

const column = (m: DesignMatrix, name: string): Float64Array => {
  const j = m.names.indexOf(name);
  expect(j).toBeGreaterThanOrEqual(0);
  return m.values.subarray(j * m.nRows, (j + 1) * m.nRows);
};

describe('DesignBuilder', () => {
  it('names its columns and lays them out column-major', () => {
    const { train, schema } = setup();
    const { matrix } = DesignBuilder.fit(train, schema.features, { maxLevels: 4 });
    expect(matrix.names).toEqual([
      'age',
      'income',
      'plan=free',
      'plan=pro',
      'plan=team',
      'plan=__other__',
      'signup__year',
      'signup__month',
      'signup__dow',
      'signup__doy',
      'signup__days',
      'income__missing',
    ]);
    expect(matrix.values.length).toBe(matrix.nRows * matrix.nCols);
    // Standardised columns: mean 0, population std 1 (year is constant → all 0); 0/1 columns untouched.
    for (const name of ['age', 'income', 'signup__month', 'signup__days']) {
      const v = column(matrix, name);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
      expect(mean).toBeCloseTo(0, 10);
      expect(sd).toBeCloseTo(1, 10);
    }
    expect(Array.from(column(matrix, 'signup__year')).every((v) => v === 0)).toBe(true);
    for (const name of ['plan=free', 'plan=__other__', 'income__missing']) expect(Array.from(column(matrix, name)).every((v) => v === 0 || v === 1)).toBe(true);
    const raw = train.column('income') as { values: Float64Array };
    const ind = column(matrix, 'income__missing');
    for (let i = 0; i < train.nRows; i++) expect(ind[i]).toBe(Number.isNaN(raw.values[i]) ? 1 : 0);
    for (const v of matrix.values) expect(Number.isFinite(v)).toBe(true);
  });

  it('fits on training rows only: transforming test rows never changes the fitted state', () => {
    const { train, schema, test } = setup();
    const { builder, matrix } = DesignBuilder.fit(train, schema.features, { maxLevels: 4 });
    const before = stateKey(builder.toState());
    const t = builder.transform(test);
    expect(stateKey(builder.toState())).toBe(before);
    expect(t.names).toEqual(matrix.names);
    // Re-transforming the training rows reproduces the training matrix (no target encoding here).
    expect(Array.from(builder.transform(train).values)).toEqual(Array.from(matrix.values));
  });

  it('handles missing values and unseen categories at predict time', () => {
    const { train, schema } = setup();
    const { builder, matrix } = DesignBuilder.fit(train, schema.features, { maxLevels: 4 });
    const raw = Frame.fromRecords([
      { age: null, income: null, plan: 'brand-new', signup: null },
      { age: 30, income: 50, plan: 'gov', signup: '2023-05-05' },
    ]);
    const warnings: string[] = [];
    const X = conform(raw, schema, { unseen: 'missing', warnings });
    expect(warnings.length).toBe(1);
    const m = builder.transform(X);
    for (const v of m.values) expect(Number.isFinite(v)).toBe(true);
    // Row 0: unseen → missing → imputed with the most frequent plan (not other), indicator for income.
    const row = (i: number): Record<string, number> => Object.fromEntries(m.names.map((nm, j) => [nm, m.values[j * m.nRows + i]]));
    expect(row(0)['plan=__other__']).toBe(0);
    expect(row(0)['plan=free'] + row(0)['plan=pro'] + row(0)['plan=team']).toBe(1);
    expect(row(0)['income__missing']).toBe(1);
    expect(row(0)['age']).toBeCloseTo(0, 12); // mean-imputed, then standardised
    // Row 1: a known but capped level goes to __other__.
    expect(row(1)['plan=__other__']).toBe(1);
    expect(matrix.names).toEqual(m.names);
  });

  it('one row equals the same row in a batch, bit for bit', () => {
    const { train, schema, test } = setup();
    const { builder } = DesignBuilder.fit(train, schema.features, { encoding: 'target', impute: 'median' }, { y: setup().y, task: 'binary', nClasses: 2, seed: 1 });
    const batch = builder.transform(test);
    for (const r of [0, 13, 49]) {
      const one = builder.transform(test.take([r]));
      for (let j = 0; j < one.nCols; j++) expect(one.values[j]).toBe(batch.values[j * batch.nRows + r]);
    }
  });

  it('target encoding: out-of-fold training columns, full statistics for new rows', () => {
    const { train, schema, y } = setup();
    const { builder, matrix } = DesignBuilder.fit(train, schema.features, { encoding: 'target' }, { y, task: 'binary', nClasses: 2, seed: 3 });
    expect(matrix.names).toContain('plan__te');
    const oof = column(matrix, 'plan__te');
    const full = column(builder.transform(train), 'plan__te');
    expect(Array.from(oof)).not.toEqual(Array.from(full));
    expect(() => DesignBuilder.fit(train, schema.features, { encoding: 'target' })).toThrow(/target/);
  });

  it('ordinal encoding gives one standardised column per categorical', () => {
    const { train, schema } = setup();
    const { matrix } = DesignBuilder.fit(train, schema.features, { encoding: 'ordinal', indicators: false });
    expect(matrix.names).toEqual(['age', 'income', 'plan', 'signup__year', 'signup__month', 'signup__dow', 'signup__doy', 'signup__days']);
  });

  it('round-trips its state through JSON and copied arrays', () => {
    const { train, schema, y, test } = setup();
    for (const encoding of ['onehot', 'ordinal', 'target'] as const) {
      const { builder } = DesignBuilder.fit(train, schema.features, { encoding, maxLevels: 3 }, { y, task: 'binary', nClasses: 2, seed: 2 });
      const back = DesignBuilder.fromState(copyState(builder.toState()));
      expect(Array.from(back.transform(test).values)).toEqual(Array.from(builder.transform(test).values));
      expect(back.names).toEqual(builder.names);
      expect(Array.from(back.source)).toEqual(Array.from(builder.source));
    }
  });

  it('rejects a missing column and a column of the wrong type with coded errors', () => {
    const { train, schema, test } = setup();
    const { builder } = DesignBuilder.fit(train, schema.features);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isModelyardError(e) ? e.code : 'not coded';
      }
      return undefined;
    };
    expect(codeOf(() => builder.transform(test.drop(['income'])))).toBe('COLUMN_MISSING');
    const wrong = test.with({ type: 'string', name: 'age', codes: new Int32Array(test.nRows), dictionary: ['x'] });
    expect(codeOf(() => builder.transform(wrong))).toBe('TYPE_MISMATCH');
  });
});
