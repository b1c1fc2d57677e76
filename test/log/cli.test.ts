/** The log commands end to end through the built CLI: train event, feedback CSV, export, reconcile. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { pred } from '../helpers/log-fixtures.js';
import { openLogStore, resolveLogLocation } from '../../src/log/location.js';
import { Spool } from '../../src/log/spool.js';

function trainingCsv(dir: string): string {
  const lines = ['x1,x2,y'];
  for (let i = 0; i < 200; i++) {
    const x1 = ((i * 37) % 100) / 10;
    const x2 = ((i * 53) % 70) / 7;
    lines.push(`${x1},${x2},${x1 + x2 > 9 ? 'yes' : 'no'}`);
  }
  const f = path.join(dir, 'train.csv');
  fs.writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

it('train and evaluate write events; feedback joins a CSV; export and reconcile work on the same log', async () => {
  const home = tempDir('modelyard-logcli-');
  const data = trainingCsv(home);
  const tr = cli(['train', data, '--target', 'y', '--name', 'toy', '--learner', 'linear', '--json'], { home });
  expect(tr.code, tr.stderr).toBe(0);
  const ev = cli(['evaluate', 'toy', data, '--json'], { home });
  expect(ev.code, ev.stderr).toBe(0);

  const loc = resolveLogLocation({ env: { MODELYARD_HOME: home } });
  expect(loc.file).toBe(path.join(home, 'log.db'));
  const store = await openLogStore(loc);
  const t0 = Date.now() - 60_000;
  const a = pred({ model: 'toy', version: '0.1.0', time: t0 });
  const b = pred({ model: 'toy', version: '0.1.0', time: t0 + 1, entity_id: 'lead-9' });
  try {
    const events = await store.events({ model: 'toy' });
    expect(events.map((e) => e.kind)).toEqual(['train', 'evaluate']);
    expect(events[0]!.payload).toMatchObject({ learner: 'linear', rows: 200 });
    expect(events[1]!.payload).toHaveProperty('metrics');
    await store.insert({ predictions: [a, b] });
  } finally {
    await store.close();
  }

  const fb = path.join(home, 'outcomes.csv');
  fs.writeFileSync(fb, `prediction_id,entity_id,time,actual\n${a.id},,,no\n,lead-9,${new Date(t0 + 5000).toISOString()},yes\n`);
  const r = cli(['feedback', fb, '--json'], { home });
  expect(r.code, r.stderr).toBe(0);
  expect(json(r)).toMatchObject({ recorded: 2, matched: 2, unmatched: [] });

  const bad = path.join(home, 'bad.csv');
  fs.writeFileSync(bad, `prediction_id,actual\n${a.id},yes\nnope,no\n`);
  const rb = cli(['feedback', bad], { home });
  expect(rb.code).toBe(2);
  expect(rb.stderr).toMatch(/FEEDBACK_UNMATCHED|row 2/);
  const noCol = path.join(home, 'nocol.csv');
  fs.writeFileSync(noCol, 'id,outcome\n1,2\n');
  const rc = cli(['feedback', noCol], { home });
  expect(rc.code).toBe(2);
  expect(rc.stderr).toMatch(/actual/);

  const out = path.join(home, 'toy.csv');
  const ex = cli(['logs', 'export', '--model', 'toy', '--out', out, '--json'], { home });
  expect(ex.code, ex.stderr).toBe(0);
  expect(json(ex)).toMatchObject({ rows: 2 });
  const text = fs.readFileSync(out, 'utf8').trim().split('\n');
  expect(text[0]).toBe('id,time,model,version,segment,request_id,entity_id,role,prediction,probabilities,inputs,latency_ms,actual,feedback_time');
  expect(text[1]!.startsWith(`${a.id},`)).toBe(true);
  expect(text[1]).toContain(',no,'); // the joined outcome
  const stdoutExport = cli(['logs', 'export', '--model', 'toy@0.1.0'], { home });
  expect(stdoutExport.stdout.trim().split('\n')).toHaveLength(3);
  expect(cli(['logs', 'export', '--model', 'toy@champion'], { home }).code).toBe(2);

  // A spooled row that never reached the store: reconcile finds and repairs it.
  const lost = pred({ model: 'toy' });
  const spool = new Spool(loc.spoolDir);
  spool.append({ predictions: [lost] });
  spool.close();
  const rec = cli(['logs', 'reconcile', '--export', out, '--json'], { home });
  expect(rec.code, rec.stderr).toBe(0);
  expect(json(rec)).toMatchObject({ gaps: 1, repaired: 1, remaining_gaps: 0 });
  const again = cli(['logs', 'reconcile'], { home });
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/gaps 0, duplicates 0, repaired 0, remaining gaps 0/);
});
