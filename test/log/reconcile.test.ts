/** Reconcile and export on both dialects: gaps and duplicates found across spool and exports, repaired idempotently. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';
import { event, feedback, freshStore, pred } from '../helpers/log-fixtures.js';
import { Spool } from '../../src/log/spool.js';
import { reconcile, parseCsvLine } from '../../src/log/reconcile.js';
import { exportPredictions } from '../../src/log/export.js';
import type { LogStore } from '../../src/log/store.js';

describeDialects('log reconcile and export', (ctx) => {
  const stores: LogStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const setup = async () => {
    const spoolDir = tmpDir('spool');
    const { store } = await freshStore(ctx, spoolDir);
    stores.push(store);
    return { store, spoolDir };
  };

  it('finds spool rows missing from the store (all kinds), repairs them, and a second run finds nothing', async () => {
    const { store, spoolDir } = await setup();
    const stored = Array.from({ length: 10 }, () => pred());
    await store.insert({ predictions: stored });
    const lost = [pred(), pred()];
    const lostF = feedback({ prediction_id: stored[0]!.id });
    const lostE = event({ kind: 'alert' });
    const spool = new Spool(spoolDir);
    spool.append({ predictions: [...stored.slice(0, 3), ...lost], feedback: [lostF], events: [lostE] });
    spool.append({ predictions: [lost[0]!] }); // spooled twice (a retried batch)
    spool.close();
    const r1 = await reconcile({ store, spoolDir });
    expect(r1.gaps).toBe(4);
    expect(r1.duplicates).toBe(1);
    expect(r1.repaired).toBe(4);
    expect(r1.remaining_gaps).toBe(0);
    expect(r1.sources[0]).toMatchObject({ rows: 8, gaps: 4, duplicates: 1, torn: 0 });
    expect(await store.counts()).toEqual({ predictions: 12, feedback: 1, events: 1 });
    const got = (await store.predictions({})).find((p) => p.id === lost[1]!.id)!;
    expect({ ...got, actual: undefined, feedback_time: undefined }).toEqual({ ...lost[1], actual: undefined, feedback_time: undefined });
    const r2 = await reconcile({ store, spoolDir });
    expect(r2).toMatchObject({ gaps: 0, repaired: 0, remaining_gaps: 0 });
  });

  it('dry run reports without inserting; prune removes replayed segments only after everything is stored', async () => {
    const { store, spoolDir } = await setup();
    const spool = new Spool(spoolDir);
    const rows = [pred(), pred(), pred()];
    spool.append({ predictions: rows });
    spool.close();
    // Move the segment to replayed/ as the writer does after a replay, yet the rows never arrived.
    const seg = fs.readdirSync(spoolDir).find((f) => f.startsWith('seg-'))!;
    spool.markReplayed(path.join(spoolDir, seg));
    const dry = await reconcile({ store, spoolDir, repair: false, prune: true });
    expect(dry).toMatchObject({ gaps: 3, repaired: 0, remaining_gaps: 3, pruned: 0 });
    expect((await store.counts()).predictions).toBe(0);
    const fixed = await reconcile({ store, spoolDir, prune: true });
    expect(fixed).toMatchObject({ gaps: 3, repaired: 3, remaining_gaps: 0, pruned: 1 });
    expect(fs.readdirSync(path.join(spoolDir, 'replayed'))).toEqual([]);
  });

  it('checks a replayed segment through its id index, reads the records only for gaps, and ignores a damaged index', async () => {
    const { store, spoolDir } = await setup();
    const rows = Array.from({ length: 20 }, () => pred());
    const spool = new Spool(spoolDir);
    spool.append({ predictions: rows });
    spool.close();
    const seg = path.join(spoolDir, fs.readdirSync(spoolDir).find((f) => f.startsWith('seg-'))!);
    spool.markReplayed(seg, rows.map((r) => r.id));
    const replayedSeg = path.join(spoolDir, 'replayed', path.basename(seg));
    expect(fs.readFileSync(`${replayedSeg}.ids`, 'utf8')).toMatch(/#count 20\n$/);
    await store.insert({ predictions: rows.slice(0, 15) });
    const r1 = await reconcile({ store, spoolDir, repair: false });
    expect(r1).toMatchObject({ gaps: 5 });
    expect(r1.sources[0]).toMatchObject({ rows: 20, duplicates: 0 });
    await store.insert({ predictions: rows.slice(15) });
    expect((await reconcile({ store, spoolDir })).gaps).toBe(0);
    // An index that lost its last lines is not trusted: the segment itself is read.
    fs.writeFileSync(`${replayedSeg}.ids`, `${rows[0]!.id}\n#count 20\n`);
    const { store: empty } = await freshStore(ctx, tmpDir('spool3'));
    stores.push(empty);
    const r2 = await reconcile({ store: empty, spoolDir, repair: false });
    expect(r2.gaps).toBe(20);
    const pr = await reconcile({ store, spoolDir, prune: true });
    expect(pr.pruned).toBe(1);
    expect(fs.readdirSync(path.join(spoolDir, 'replayed'))).toEqual([]);
  });

  it('skips a torn last spool line (a write cut by a crash) and counts it', async () => {
    const { store, spoolDir } = await setup();
    const spool = new Spool(spoolDir);
    const rows = [pred(), pred()];
    spool.append({ predictions: rows });
    spool.close();
    const seg = path.join(spoolDir, fs.readdirSync(spoolDir).find((f) => f.startsWith('seg-'))!);
    fs.appendFileSync(seg, `{"id":"${pred().id}","k":"p","r":{"id":"x`);
    const r = await reconcile({ store, spoolDir });
    expect(r).toMatchObject({ gaps: 2, repaired: 2 });
    expect(r.sources[0]!.torn).toBe(1);
  });

  for (const ext of ['csv', 'jsonl', 'parquet'] as const) {
    it(`exports to .${ext} and repairs a store that lost rows from that export`, async () => {
      const { store, spoolDir } = await setup();
      const rows = [
        pred({ prediction: 'yes', inputs: { note: 'a, "quoted"\nvalue', n: 1 } }),
        pred({ prediction: 0.75, probabilities: null, segment: 'QB', entity_id: 'e1' }),
        pred({ model: 'other', inputs: 'sha256:00ff', role: 'shadow' }),
      ];
      await store.insert({ predictions: rows, feedback: [feedback({ prediction_id: rows[0]!.id, actual: 'no' })] });
      const out = path.join(tmpDir('export'), `log.${ext}`);
      expect(await exportPredictions(store, {}, out)).toBe(3);
      const onlyChurn = path.join(tmpDir('export'), `churn.${ext}`);
      expect(await exportPredictions(store, { model: 'churn' }, onlyChurn)).toBe(2);
      // A second, empty store stands for one that lost everything: the export restores the rows.
      const { store: empty } = await freshStore(ctx, tmpDir('spool2'));
      stores.push(empty);
      const r = await reconcile({ store: empty, exports: [out, onlyChurn] });
      expect(r.gaps).toBe(3);
      expect(r.repaired).toBe(3);
      expect(r.sources.map((s) => [s.rows, s.gaps])).toEqual([[3, 3], [2, 0]]);
      const back = await empty.predictions({});
      for (const orig of rows) {
        const b = back.find((x) => x.id === orig.id)!;
        expect({ ...b, actual: undefined, feedback_time: undefined }).toEqual({ ...orig, actual: undefined, feedback_time: undefined });
      }
      expect((await reconcile({ store, exports: [out] })).gaps).toBe(0);
    });
  }
});

it('parses RFC 4180 CSV lines', () => {
  expect(parseCsvLine('a,"b,c","d ""e""",,f')).toEqual(['a', 'b,c', 'd "e"', '', 'f']);
  expect(parseCsvLine('x,')).toEqual(['x', '']);
  expect(parseCsvLine('"",1')).toEqual(['', '1']);
});

it('reads lines across chunk boundaries, longer than a chunk, and without a final newline', async () => {
  const { forEachLine } = await import('../../src/log/reconcile.js');
  const dir = tmpDir('lines');
  const lines = Array.from({ length: 500 }, (_, i) => 'x'.repeat((i * 37) % 300) + String(i));
  lines.push('y'.repeat(5000)); // longer than the chunk
  const f = path.join(dir, 'l.txt');
  fs.writeFileSync(f, `head\n${lines.join('\n')}`);
  for (const chunk of [64, 1000, 4 << 20]) {
    const got: string[] = [];
    forEachLine(f, true, (b, s, e) => got.push(b.toString('utf8', s, e)), chunk);
    expect(got).toEqual(lines);
  }
});
