import { describe, expect, it } from 'vitest';
import { isModelyardError, type ModelyardError } from '../errors.js';
import { Frame, encodeStrings, numberColumn } from '../frame/frame.js';
import { inferSchema } from './infer.js';
import { encodeTarget, encodeTargetWithSpec } from './target.js';
import { conform } from './validate.js';

function codeOf(fn: () => unknown): ModelyardError {
  try {
    fn();
  } catch (e) {
    if (isModelyardError(e)) return e;
    throw e;
  }
  throw new Error('expected a ModelyardError');
}

const n = 50;
const base = new Frame([
  numberColumn('id', Array.from({ length: n }, (_, i) => i + 1), 'integer'),
  numberColumn('age', Array.from({ length: n }, (_, i) => 20 + (i % 30)), 'integer'),
  numberColumn('income', Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : 1000 + i * 13.5))),
  numberColumn('flag', Array.from({ length: n }, (_, i) => i % 2)),
  encodeStrings('plan', Array.from({ length: n }, (_, i) => ['free', 'pro', 'team'][i % 3])),
  encodeStrings('member', Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 'yes' : 'no'))),
  encodeStrings('email', Array.from({ length: n }, (_, i) => `u${i}@x.io`)),
  numberColumn('constant', new Float64Array(n).fill(3)),
  numberColumn('empty', new Float64Array(n).fill(NaN)),
  numberColumn('joined', Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1 + i)), 'date'),
  encodeStrings('churn', Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'yes' : 'no'))),
]);

describe('inferSchema', () => {
  const { schema, warnings } = inferSchema(base, { exclude: { churn: 'target' } });
  const kinds = Object.fromEntries(schema.features.map((f) => [f.name, f.kind]));

  it('infers kinds', () => {
    expect(kinds).toEqual({ age: 'integer', income: 'numeric', flag: 'boolean', plan: 'categorical', member: 'boolean', joined: 'datetime' });
  });

  it('stores categories seen, sorted', () => {
    expect(schema.features.find((f) => f.name === 'plan')!.categories).toEqual(['free', 'pro', 'team']);
    expect(schema.features.find((f) => f.name === 'member')!.categories).toEqual(['no', 'yes']);
  });

  it('drops constant, all-missing and ID-like columns with a warning', () => {
    const dropped = Object.fromEntries(schema.dropped.map((d) => [d.name, d.reason]));
    expect(dropped).toEqual({ id: 'id-like', email: 'id-like', constant: 'constant', empty: 'all-missing', churn: 'target' });
    expect(warnings.some((w) => w.includes('"email"') && w.includes('identifier'))).toBe(true);
    expect(warnings.some((w) => w.includes('"constant"'))).toBe(true);
  });

  it('records the missing rate', () => {
    expect(schema.features.find((f) => f.name === 'income')!.missingRate).toBeCloseTo(8 / 50);
  });

  it('honours kind overrides and rejects overrides of absent columns', () => {
    const r = inferSchema(base, { exclude: { churn: 'target' }, kinds: { age: 'categorical', email: 'text-id' } });
    expect(r.schema.features.find((f) => f.name === 'age')!.kind).toBe('categorical');
    expect(r.schema.features.find((f) => f.name === 'age')!.categories!.slice(0, 3)).toEqual(['20', '21', '22']);
    expect(codeOf(() => inferSchema(base, { kinds: { nope: 'numeric' } })).code).toBe('COLUMN_MISSING');
  });

  it('treats a text column of numbers as numeric', () => {
    const f = new Frame([encodeStrings('x', ['1.5', '2', '3e2', null])]);
    expect(inferSchema(f).schema.features[0].kind).toBe('numeric');
  });
});

describe('conform', () => {
  const { schema } = inferSchema(base, { exclude: { churn: 'target' } });

  it('returns the features in schema order, categoricals coded against training categories', () => {
    const fresh = new Frame([
      encodeStrings('plan', ['team', 'free']),
      numberColumn('age', [30, 40]),
      numberColumn('income', [NaN, 5]),
      numberColumn('flag', [1, 0]),
      encodeStrings('member', ['YES', 'no']),
      encodeStrings('joined', ['2024-02-01', '2024-02-02']),
      encodeStrings('extra', ['ignored', 'ignored']),
    ]);
    const X = conform(fresh, schema);
    expect(X.names).toEqual(schema.features.map((f) => f.name));
    const plan = X.column('plan');
    expect(plan.type === 'string' && Array.from(plan.codes)).toEqual([2, 0]);
    expect(X.cell(0, 'member')).toBe(1);
    expect(X.cell(0, 'joined')).toBe(Date.UTC(2024, 1, 1));
  });

  it('names all missing columns', () => {
    const e = codeOf(() => conform(new Frame([numberColumn('age', [1])]), schema, { source: 'new.csv' }));
    expect(e.code).toBe('COLUMN_MISSING');
    expect(e.message).toContain('new.csv');
    expect(e.message).toContain('"income"');
  });

  it('names row and column of text in a numeric column', () => {
    const f = base.drop(['income']).with(encodeStrings('income', Array.from({ length: n }, (_, i) => (i === 17 ? 'lots' : String(i)))));
    const e = codeOf(() => conform(f, schema, { source: 'p.csv' }));
    expect(e.code).toBe('TYPE_MISMATCH');
    expect(e.location).toMatchObject({ row: 18, column: 'income', file: 'p.csv' });
    expect(e.message).toContain('"lots"');
  });

  it('rejects infinity with INVALID_VALUE', () => {
    const f = base.drop(['income']).with(numberColumn('income', Array.from({ length: n }, (_, i) => (i === 3 ? Infinity : i))));
    const e = codeOf(() => conform(f, schema));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.location.row).toBe(4);
  });

  it('refuses unseen categories by default and maps them to missing on request', () => {
    const f = base.drop(['plan']).with(encodeStrings('plan', Array.from({ length: n }, (_, i) => (i === 9 ? 'enterprise' : 'pro'))));
    const e = codeOf(() => conform(f, schema));
    expect(e.code).toBe('UNSEEN_CATEGORY');
    expect(e.location).toMatchObject({ row: 10, column: 'plan' });
    const warnings: string[] = [];
    const X = conform(f, schema, { unseen: 'missing', warnings });
    expect(X.cell(9, 'plan')).toBeNull();
    expect(warnings[0]).toContain('enterprise');
  });
});

describe('encodeTarget', () => {
  it('infers binary with sorted classes', () => {
    const t = encodeTarget(base, 'churn');
    expect(t.spec).toEqual({ name: 'churn', task: 'binary', classes: ['no', 'yes'] });
    expect(t.y[0]).toBe(1);
  });

  it('infers regression for continuous numbers and multiclass for a few integer labels', () => {
    expect(encodeTarget(base, 'income').spec.task).toBe('regression');
    const f = new Frame([numberColumn('k', Array.from({ length: 100 }, (_, i) => i % 3), 'integer')]);
    expect(encodeTarget(f, 'k').spec).toEqual({ name: 'k', task: 'multiclass', classes: [0, 1, 2] });
  });

  it('refuses a one-class, all-missing or absent target', () => {
    expect(codeOf(() => encodeTarget(base, 'constant', 'binary')).code).toBe('TARGET_INVALID');
    expect(codeOf(() => encodeTarget(base, 'empty')).code).toBe('TARGET_INVALID');
    const e = codeOf(() => encodeTarget(base, 'Churn'));
    expect(e.code).toBe('COLUMN_MISSING');
    expect(e.message).toContain('did you mean "churn"');
  });

  it('encodes evaluation labels with a known spec and rejects unknown classes', () => {
    const spec = encodeTarget(base, 'churn').spec;
    const f = new Frame([encodeStrings('churn', ['yes', 'no', null])]);
    const t = encodeTargetWithSpec(f, spec);
    expect(Array.from(t.y)).toEqual([1, 0, NaN]);
    expect(t.missing).toBe(1);
    const bad = new Frame([encodeStrings('churn', ['maybe'])]);
    expect(codeOf(() => encodeTargetWithSpec(bad, spec)).code).toBe('TARGET_INVALID');
  });
});
