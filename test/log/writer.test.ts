/** The group-commit writer: modes, input logging, and spooling while the store is down (both dialects). */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';
import { freshStore, pred } from '../helpers/log-fixtures.js';
import { LogWriter } from '../../src/log/writer.js';
import { listSegments, readSegment } from '../../src/log/spool.js';
import type { LogBatch, LogStore } from '../../src/log/store.js';

/** Wraps a store so a test can make it fail (`down`) or hang (`hang`). Counts insert calls. */
function faulty(inner: LogStore): LogStore & { down: boolean; hang: boolean; inserts: number; delayMs: number } {
  const s = {
    ...inner,
    down: false,
    hang: false,
    inserts: 0,
    delayMs: 0,
    async insert(b: LogBatch) {
      s.inserts++;
      if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
      if (s.down) throw new Error('connection refused (test)');
      if (s.hang) return new Promise<number>(() => undefined);
      return inner.insert(b);
    },
    async ping() {
      if (s.down || s.hang) throw new Error('connection refused (test)');
      return inner.ping();
    },
  };
  return s;
}

const until = async (cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describeDialects('log writer', (ctx) => {
  const toClose: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of toClose.splice(0)) await c();
  });
  const setup = async (opts: Partial<Parameters<typeof LogWriter.open>[0]> = {}) => {
    const spoolDir = tmpDir('spool');
    const { store } = await freshStore(ctx, spoolDir);
    const fs_ = faulty(store);
    const w = await LogWriter.open({ store: fs_, spoolDir, retryMinMs: 20, retryMaxMs: 100, ...opts });
    toClose.push(() => w.close());
    return { w, store: fs_, spoolDir };
  };

  it('durable: append resolves after the rows are in the store', async () => {
    const { w, store } = await setup({ mode: 'durable' });
    const rows = [pred(), pred()];
    await w.append(rows);
    expect((await store.predictions({})).map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(w.stats()).toMatchObject({ state: 'up', committedRows: 2, spooledRows: 0 });
  });

  it('group-commits concurrent appends: 2,000 requests in far fewer commits, all stored', async () => {
    const { w, store } = await setup({ mode: 'durable' });
    const rows = Array.from({ length: 2000 }, () => pred());
    await Promise.all(rows.map((r) => w.append([r])));
    expect((await store.counts()).predictions).toBe(2000);
    // Appends made in one event-loop turn share a commit.
    expect(w.stats().commits).toBeLessThanOrEqual(20);
    expect(w.stats().commits).toBeGreaterThanOrEqual(1);
  });

  it('rows appended while a commit is in flight go together in the next one', async () => {
    const { w, store } = await setup({ mode: 'durable' });
    store.delayMs = 100;
    const first = w.append([pred()]);
    await new Promise((r) => setTimeout(r, 20)); // the first commit is now in flight
    const rest = Array.from({ length: 100 }, (_, i) => new Promise((r) => setTimeout(r, i % 10)).then(() => w.append([pred()])));
    await Promise.all([first, ...rest]);
    expect(w.stats().commits).toBe(2);
    expect((await store.counts()).predictions).toBe(101);
  });

  it('async: append resolves before the commit; the rows are committed within the bound', async () => {
    const { w, store } = await setup({ mode: 'async' });
    const rows = [pred(), pred(), pred()];
    const t0 = performance.now();
    await w.append(rows);
    expect((await store.counts()).predictions).toBe(0); // answered first
    await until(async () => (await store.counts()).predictions === 3, 2000);
    const took = performance.now() - t0;
    // 50 ms on a quiet machine; allow scheduling noise on a shared one, but not a lost timer.
    expect(took).toBeLessThan(500);
    await w.flush();
    expect(w.stats().committedRows).toBe(3);
  });

  it('async: a store slower than the appends throttles them, so the uncommitted backlog stays near asyncMaxLagMs', async () => {
    const { w, store } = await setup({ mode: 'async', asyncMaxLagMs: 25 });
    store.delayMs = 40; // every commit takes ≥ 40 ms: the backlog would grow without back-pressure
    let acked = 0;
    let unthrottled = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 600) {
      const s = performance.now();
      await w.append([pred()]);
      acked++;
      if (performance.now() - s < 1) unthrottled++;
      await new Promise((r) => setImmediate(r));
    }
    await w.flush();
    const st = w.stats();
    expect(st.throttledAppends).toBeGreaterThan(0);
    expect(unthrottled).toBeGreaterThan(0); // not simply durable
    expect(st.committedRows).toBe(acked);
    // Lag bound: one 40 ms commit in flight + the 25 ms threshold + the queued batch's own 40 ms
    // commit; generous for a shared machine but far below the unthrottled backlog (600 ms).
    expect(st.maxLagMs).toBeLessThan(300);
    expect((await store.counts()).predictions).toBe(acked);
  });

  it('off: nothing is logged', async () => {
    const { w, store } = await setup({ mode: 'off' });
    await w.append([pred()]);
    await w.flush();
    expect((await store.counts()).predictions).toBe(0);
  });

  it('inputs hashed: a stable sha256 of the canonical inputs; off: null', async () => {
    const { w, store } = await setup({ inputs: 'hashed' });
    const a = pred({ inputs: { b: 2, a: 1 } });
    const b = pred({ inputs: { a: 1, b: 2 } });
    await w.append([a, b]);
    const got = await store.predictions({});
    expect(got[0]!.inputs).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(got[0]!.inputs).toBe(got[1]!.inputs);
    expect(a.inputs).toEqual({ b: 2, a: 1 }); // the caller's record is not modified
    const off = await setup({ inputs: 'off' });
    await off.w.append([pred()]);
    expect((await off.store.predictions({}))[0]!.inputs).toBeNull();
  });

  it('store down: durable appends resolve from the fsync\'d spool, and the spool is replayed when the store returns', async () => {
    const { w, store, spoolDir } = await setup({ mode: 'durable' });
    const before = [pred()];
    await w.append(before);
    store.down = true;
    const during = Array.from({ length: 300 }, () => pred());
    await Promise.all(during.map((r) => w.append([r])));
    expect(w.stats().state).toBe('down');
    expect(w.stats().spooledRows).toBe(300);
    // Each acknowledged row is on disk in the spool.
    const spooled = listSegments(spoolDir).pending.flatMap((f) => readSegment(f).batch.predictions.map((p) => p.id));
    expect(new Set(spooled)).toEqual(new Set(during.map((r) => r.id)));
    store.down = false;
    await until(() => w.stats().state === 'up');
    const after = [pred()];
    await w.append(after);
    const ids = new Set(await store.ids('predictions'));
    for (const r of [...before, ...during, ...after]) expect(ids.has(r.id)).toBe(true);
    expect(ids.size).toBe(302);
    const segs = listSegments(spoolDir);
    expect(segs.pending).toEqual([]);
    expect(segs.replayed.length).toBeGreaterThan(0);
    for (const f of segs.replayed) expect(fs.existsSync(`${f}.ids`)).toBe(true);
    expect(w.stats().replayedRows).toBe(300);
  });

  it('a row the store refuses (NOT NULL) is quarantined; the rest commits and the store stays up', async () => {
    const { w, store, spoolDir } = await setup({ mode: 'durable' });
    const good = [pred(), pred()];
    const bad = { ...pred(), model: null } as unknown as ReturnType<typeof pred>;
    await w.append([good[0]!, bad, good[1]!]);
    expect(new Set(await store.ids('predictions'))).toEqual(new Set(good.map((g) => g.id)));
    expect(w.stats()).toMatchObject({ state: 'up', rejectedRows: 1, spooledRows: 0 });
    const rejected = fs.readdirSync(spoolDir).filter((f) => f.startsWith('rejected-'));
    expect(rejected).toHaveLength(1);
    expect(fs.readFileSync(path.join(spoolDir, rejected[0]!), 'utf8')).toContain(bad.id);
    await w.append([pred()]);
    expect((await store.counts()).predictions).toBe(3);
  });

  it('a commit that hangs times out into the spool; serving is not held longer than the timeout', async () => {
    const { w, store } = await setup({ mode: 'durable', commitTimeoutMs: 150 });
    store.hang = true;
    const t0 = Date.now();
    await w.append([pred()]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(w.stats()).toMatchObject({ state: 'down', spooledRows: 1 });
    const t1 = Date.now();
    await w.append([pred()]); // already down: straight to the spool
    expect(Date.now() - t1).toBeLessThan(100);
    store.hang = false;
    await until(() => w.stats().state === 'up');
    expect((await store.counts()).predictions).toBe(2);
  });

  it('a writer that starts with the store unreachable spools, then catches up', async () => {
    const spoolDir = tmpDir('spool');
    const { store } = await freshStore(ctx, spoolDir);
    let attempts = 0;
    const told: boolean[] = [];
    const w = await LogWriter.open({
      store: async () => {
        if (++attempts < 3) throw new Error('not yet');
        return store;
      },
      spoolDir,
      retryMinMs: 10,
      retryMaxMs: 40,
      onStateChange: (up) => told.push(up),
    });
    toClose.push(() => w.close());
    expect(w.stats().state).toBe('down');
    await w.append([pred()]);
    await until(() => w.stats().state === 'up');
    expect((await store.counts()).predictions).toBe(1);
    expect(told).toEqual([false, true]); // said once that it is down, once that it is back
    const told2: boolean[] = [];
    const w2 = await LogWriter.open({ store, spoolDir: tmpDir('spool'), onStateChange: (up) => told2.push(up) });
    await w2.close();
    expect(told2).toEqual([]); // a store that answers at once is not news
  });

  it('replays a segment left by a crashed process on start; a torn last line is skipped', async () => {
    const spoolDir = tmpDir('spool');
    const { store } = await freshStore(ctx, spoolDir);
    const rows = [pred(), pred()];
    fs.mkdirSync(spoolDir, { recursive: true });
    // pid 2^22+1 is above Linux's default pid_max (4,194,304), so it is never a live process.
    const seg = path.join(spoolDir, `seg-4194305-abcdef-${rows[0]!.id}.jsonl`);
    const lines = rows.map((r) => `{"id":"${r.id}","k":"p","r":${JSON.stringify(r)}}\n`).join('');
    fs.writeFileSync(seg, `${lines}{"id":"${pred().id}","k":"p","r":{"id":`);
    const w = await LogWriter.open({ store, spoolDir });
    toClose.push(() => w.close());
    await until(() => w.stats().state === 'up');
    expect(new Set(await store.ids('predictions'))).toEqual(new Set(rows.map((r) => r.id)));
    expect(listSegments(spoolDir).pending).toEqual([]);
  });
});
