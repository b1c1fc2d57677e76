/**
 * Bad input through the real CLI: every case is a clear message naming the file/row/column/flag,
 * exit code 2 (3 for an unknown model), and never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { cli, type CliResult } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/tmp.js';

const dir = tempDir();
const home = `${dir}/home`;

function rows(n: number, f: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => f(i)).join('\n');
}

const train = writeFile(dir, 'train.csv', `age,plan,income,churn\n${rows(120, (i) => `${20 + (i % 40)},${['free', 'pro', 'team'][i % 3]},${1000 + ((i * 37) % 500)},${(i * 7) % 5 < 2 ? 'yes' : 'no'}`)}\n`);

function expectBadInput(r: CliResult, code: string, ...mentions: string[]): void {
  expect(r.code, r.stderr).toBe(code === 'MODEL_NOT_FOUND' ? 3 : 2);
  expect(r.stderr).toContain(`error ${code}`);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

describe('train: bad input', () => {
  it('missing file', () => {
    expectBadInput(cli(['train', `${dir}/nope.csv`, '--target', 'churn'], { home }), 'FILE_NOT_FOUND', 'nope.csv');
  });

  it('empty file', () => {
    expectBadInput(cli(['train', writeFile(dir, 'empty.csv', ''), '--target', 'churn'], { home }), 'DATA_EMPTY', 'empty.csv');
  });

  it('header but no rows', () => {
    expectBadInput(cli(['train', writeFile(dir, 'header.csv', 'age,churn\n'), '--target', 'churn'], { home }), 'DATA_EMPTY', 'header.csv');
  });

  it('missing target column, with a suggestion', () => {
    expectBadInput(cli(['train', train, '--target', 'Churn'], { home }), 'COLUMN_MISSING', '"Churn"', 'did you mean "churn"', 'train.csv');
  });

  it('target with one class', () => {
    const f = writeFile(dir, 'oneclass.csv', `age,churn\n${rows(50, (i) => `${20 + (i % 30)},no`)}\n`);
    expectBadInput(cli(['train', f, '--target', 'churn', '--learner', 'linear'], { home }), 'TARGET_INVALID', 'only one class', '"no"');
  });

  it('target missing in every row', () => {
    const f = writeFile(dir, 'notarget.csv', `age,churn\n${rows(50, (i) => `${20 + (i % 30)},`)}\n`);
    expectBadInput(cli(['train', f, '--target', 'churn', '--learner', 'linear'], { home }), 'TARGET_INVALID', 'missing in every row');
  });

  it('ragged CSV rows, naming the line', () => {
    const f = writeFile(dir, 'ragged.csv', `age,plan,churn\n${rows(30, (i) => `${i},free,no`)}\n31,pro\n32,team,yes\n`);
    expectBadInput(cli(['train', f, '--target', 'churn'], { home }), 'DATA_PARSE', 'ragged.csv', 'line 32');
  });

  it('all features all-missing: nothing to learn from', () => {
    const f = writeFile(dir, 'allmissing.csv', `age,churn\n${rows(50, (i) => `,${i % 2 ? 'yes' : 'no'}`)}\n`);
    const r = cli(['train', f, '--target', 'churn', '--learner', 'linear'], { home });
    expectBadInput(r, 'DATA_EMPTY', 'no usable feature columns');
    expect(r.stderr).toContain('"age" is entirely missing');
  });

  it('one all-missing feature among others is dropped with a warning, and training succeeds', () => {
    const f = writeFile(dir, 'onemissing.csv', `age,blank,churn\n${rows(60, (i) => `${20 + (i % 30)},,${i % 3 ? 'yes' : 'no'}`)}\n`);
    const r = cli(['train', f, '--target', 'churn', '--learner', 'linear', '--name', 'onemissing'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('column "blank" is entirely missing; dropped');
  });

  it('bad flags name the flag', () => {
    expectBadInput(cli(['train', train, '--target', 'churn', '--cv', 'ten'], { home }), 'USAGE', '--cv');
    expectBadInput(cli(['train', train, '--target', 'churn', '--task', 'ranking'], { home }), 'USAGE', '--task');
    expectBadInput(cli(['train', train, '--target', 'churn', '--split', 'sideways'], { home }), 'USAGE', '--split');
    expectBadInput(cli(['train', train, '--target', 'churn', '--learner', 'linear', '--param', 'C=-1'], { home }), 'PARAM_INVALID', '"C"');
    const r = cli(['train', train, '--target', 'churn', '--no-such-flag'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });
});

describe('predict / evaluate: bad input', () => {
  it('set-up: a model trains', () => {
    const r = cli(['train', train, '--target', 'churn', '--learner', 'linear', '--name', 'churn'], { home });
    expect(r.code, r.stderr).toBe(0);
  });

  it('non-numeric garbage in a numeric column, naming row and column', () => {
    const f = writeFile(dir, 'garbage.csv', `age,plan,income\n30,free,1200\n41,pro,lots\n`);
    expectBadInput(cli(['predict', 'churn', f], { home }), 'TYPE_MISMATCH', 'garbage.csv', 'row 2', '"income"', '"lots"');
  });

  it('unseen category, naming row and column; --unseen missing scores it', () => {
    const f = writeFile(dir, 'unseen.csv', `age,plan,income\n30,free,1200\n41,enterprise,1300\n`);
    expectBadInput(cli(['predict', 'churn', f], { home }), 'UNSEEN_CATEGORY', 'row 2', '"plan"', '"enterprise"');
    const ok = cli(['predict', 'churn', f, '--unseen', 'missing', '--json'], { home });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).predictions).toHaveLength(2);
  });

  it('a column the model needs is missing', () => {
    const f = writeFile(dir, 'nocol.csv', `age,plan\n30,free\n`);
    expectBadInput(cli(['predict', 'churn', f], { home }), 'COLUMN_MISSING', '"income"', 'nocol.csv');
  });

  it('evaluate without the label column, and with an unknown class', () => {
    const f = writeFile(dir, 'nolabel.csv', `age,plan,income\n30,free,1200\n`);
    expectBadInput(cli(['evaluate', 'churn', f], { home }), 'COLUMN_MISSING', '"churn"');
    const g = writeFile(dir, 'badlabel.csv', `age,plan,income,churn\n30,free,1200,maybe\n`);
    expectBadInput(cli(['evaluate', 'churn', g], { home }), 'TARGET_INVALID', 'row 1', '"maybe"');
  });

  it('unknown model exits 3', () => {
    expectBadInput(cli(['predict', 'nosuchmodel', train], { home }), 'MODEL_NOT_FOUND', 'nosuchmodel');
    expectBadInput(cli(['predict', `${dir}/missing.myd`, train], { home }), 'MODEL_NOT_FOUND', 'missing.myd');
  });

  it('--json errors are one JSON document with the code', () => {
    const r = cli(['predict', 'nosuchmodel', train, '--json'], { home });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error.code).toBe('MODEL_NOT_FOUND');
  });
});
