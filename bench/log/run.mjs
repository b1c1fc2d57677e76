#!/usr/bin/env node
// Prediction log speed: `logs reconcile` over 1,000,000 events, and writer throughput durable vs async vs off.
//
//   npm run build && node bench/log/run.mjs [--rows 1000000] [--seconds 3] [--pg postgres://…] [--no-pg]
//
// Reconcile: a store holding N predictions, a spool of N rows (N − 1,000 of them stored, 1,000 not: an
// outage whose replay was lost) and a CSV export of the N stored rows. Times `reconcile()` (reads the
// store's ids, scans spool and export, repairs the 1,000 gaps). Target (issue 7): N = 1,000,000 in < 5 s.
// Writer: 64 concurrent callers, each awaiting `append([one prediction])` in a loop for --seconds, per
// mode; rows/s and append latency percentiles. Writes bench/results/log.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { openLogStore, resolveLogLocation } = await import(path.join(ROOT, 'dist/log/location.js'));
const { LogWriter } = await import(path.join(ROOT, 'dist/log/writer.js'));
const { Spool } = await import(path.join(ROOT, 'dist/log/spool.js'));
const { reconcile } = await import(path.join(ROOT, 'dist/log/reconcile.js'));
const { exportPredictions } = await import(path.join(ROOT, 'dist/log/export.js'));
const { uuidv7 } = await import(path.join(ROOT, 'dist/util/uuidv7.js'));

const args = process.argv.slice(2);
const arg = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const N = Number(arg('--rows', 1_000_000));
const SECONDS = Number(arg('--seconds', 3));
const PG_URL = arg('--pg', process.env.MODELYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const usePg = !args.includes('--no-pg');
const GAPS = 1000;

function record(i, t0) {
  const time = t0 + i;
  return {
    id: uuidv7(time),
    time,
    model: 'churn',
    version: '1.0.0',
    segment: null,
    request_id: `req-${i}`,
    entity_id: `lead-${i % 50_000}`,
    inputs: { age: 20 + (i % 50), income: 1000 + (i % 977) * 13.5, plan: i % 3 ? 'pro' : 'free', region: ['n', 's', 'e', 'w'][i % 4], tenure: i % 120 },
    prediction: i % 2 ? 'yes' : 'no',
    probabilities: { no: 0.42, yes: 0.58 },
    latency_ms: 1.5,
    role: 'primary',
  };
}

async function pgLocation(tag) {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const schema = `bench_log_${tag}_${process.pid}`;
    await c.query(`drop schema if exists ${schema} cascade`);
    return { url: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`, drop: async () => {
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`drop schema if exists ${schema} cascade`);
      await d.end();
    } };
  } catch (e) {
    console.error(`Postgres unreachable at ${PG_URL} (${e.message}): Postgres rows skipped`);
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function benchReconcile(dialect, url, dir) {
  const loc = resolveLogLocation({ url, spoolDir: path.join(dir, 'spool') });
  // Bulk loading 20,000-row batches on a busy machine: a generous query timeout.
  const store = await openLogStore(loc, { timeoutMs: 300_000 });
  const t0 = Date.now() - N;
  const tf = performance.now();
  const CH = 20_000;
  const spool = new Spool(loc.spoolDir);
  for (let i = 0; i < N; i += CH) {
    const chunk = [];
    for (let j = i; j < Math.min(N, i + CH); j++) chunk.push(record(j, t0));
    // Every row goes to the spool; the last GAPS rows are spooled but never stored.
    await store.insert({ predictions: chunk.filter((_, k) => i + k < N - GAPS) });
    spool.append({ predictions: chunk });
  }
  spool.close();
  const fillSeconds = (performance.now() - tf) / 1000;
  const exportFile = path.join(dir, 'export.csv');
  const te = performance.now();
  const exported = await exportPredictions(store, {}, exportFile);
  const exportSeconds = (performance.now() - te) / 1000;
  const spoolBytes = fs.readdirSync(loc.spoolDir).filter((f) => f.startsWith('seg-')).reduce((a, f) => a + fs.statSync(path.join(loc.spoolDir, f)).size, 0);
  const cpu0 = process.cpuUsage();
  const r = await reconcile({ store, spoolDir: loc.spoolDir, exports: [exportFile] });
  const cpu = process.cpuUsage(cpu0);
  const again = await reconcile({ store, spoolDir: loc.spoolDir, exports: [exportFile], repair: false });
  await store.close();
  return {
    dialect,
    events: N,
    store_rows_before: N - GAPS,
    spool_rows: N,
    spool_mb: Number((spoolBytes / 1e6).toFixed(1)),
    export_rows: exported,
    export_mb: Number((fs.statSync(exportFile).size / 1e6).toFixed(1)),
    gaps_found: r.gaps,
    repaired: r.repaired,
    reconcile_seconds: r.seconds,
    // CPU time of this process (user + system): what the wall time would approach on an idle machine
    // (the database server's own work for Postgres is not included).
    reconcile_cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    second_pass_seconds: again.seconds,
    second_pass_gaps: again.gaps,
    fill_seconds: Number(fillSeconds.toFixed(2)),
    export_seconds: Number(exportSeconds.toFixed(2)),
    target_met: r.seconds < 5 && r.gaps === GAPS && again.gaps === 0,
  };
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function benchWriter(dialect, url, dir, mode, sync) {
  const loc = resolveLogLocation({ url, spoolDir: path.join(dir, `spool-${mode}`) });
  const writer = await LogWriter.open({ store: await openLogStore(loc, { sync }), spoolDir: loc.spoolDir, mode });
  const CONC = 64;
  const lat = [];
  let n = 0;
  const t0 = Date.now();
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await writer.append([record(n++, t0)]);
        lat.push(performance.now() - s);
        // One append per event-loop turn, as a server handles one request per socket event
        // (without this, async appends would loop on resolved promises and starve the timers).
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  const elapsed = SECONDS;
  await writer.flush();
  const st = writer.stats();
  await writer.close();
  lat.sort((a, b) => a - b);
  return {
    dialect,
    mode: sync === 'full' ? `${mode} (sync=full)` : mode,
    rows_per_s: Math.round(n / elapsed),
    commits: st.commits,
    rows_per_commit: st.commits ? Number((st.committedRows / st.commits).toFixed(1)) : 0,
    append_p50_ms: Number(pct(lat, 50).toFixed(3)),
    append_p99_ms: Number(pct(lat, 99).toFixed(3)),
    spooled: st.spooledRows,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-benchlog-'));
/** Results so far (written after every measurement, so a failure later keeps them). */
function save() {
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench/results/log.json'), `${JSON.stringify(out, null, 2)}\n`);
}
var out = { date: new Date().toISOString(), host: { cpus: os.cpus().length, load: os.loadavg().map((x) => Number(x.toFixed(2))) }, rows: N, reconcile: [], writer: [] };
try {
  const targets = [['sqlite', path.join(dir, 'sqlite', 'log.db')]];
  if (usePg) {
    const p = await pgLocation('rec');
    if (p) targets.push(['postgres', p.url, p.drop]);
  }
  for (const [dialect, url, drop] of targets) {
    const sub = fs.mkdtempSync(path.join(dir, `${dialect}-`));
    console.error(`reconcile ${dialect}: filling ${N} rows…`);
    out.reconcile.push(await benchReconcile(dialect, url, sub));
    save();
    console.error(JSON.stringify(out.reconcile.at(-1)));
    await drop?.();
    for (const mode of dialect === 'sqlite' ? ['off', 'async', 'durable', 'durable-full'] : ['off', 'async', 'durable']) {
      const wsub = fs.mkdtempSync(path.join(dir, `${dialect}-w-`));
      let wurl = dialect === 'sqlite' ? path.join(wsub, 'log.db') : url;
      let wdrop;
      if (dialect === 'postgres') {
        const p = await pgLocation(`w${mode}`);
        wurl = p.url;
        wdrop = p.drop;
      }
      console.error(`writer ${dialect} ${mode}…`);
      out.writer.push(await benchWriter(dialect, wurl, wsub, mode === 'durable-full' ? 'durable' : mode, mode === 'durable-full' ? 'full' : 'normal'));
      save();
      console.error(JSON.stringify(out.writer.at(-1)));
      await wdrop?.();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
for (const d of ['sqlite', 'postgres']) {
  const w = out.writer.filter((x) => x.dialect === d);
  const off = w.find((x) => x.mode.startsWith('off'));
  for (const x of w) x.ratio_to_off = off ? Number((x.rows_per_s / off.rows_per_s).toFixed(3)) : null;
}
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/log.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nreconcile (${N} events; spool ${N} rows, export ${N - GAPS} rows, ${GAPS} gaps; load ${out.host.load.join(' ')})`);
console.log('| dialect | reconcile s | CPU s | gaps found | repaired | 2nd pass s | 2nd pass gaps | < 5 s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of out.reconcile) console.log(`| ${r.dialect} | ${r.reconcile_seconds} | ${r.reconcile_cpu_seconds} | ${r.gaps_found} | ${r.repaired} | ${r.second_pass_seconds} | ${r.second_pass_gaps} | ${r.target_met ? 'yes' : 'NO'} |`);
console.log(`\nwriter (64 concurrent callers, one row per append, ${SECONDS} s per mode)`);
console.log('| dialect | mode | rows/s | ÷ off | rows/commit | append p50 ms | append p99 ms |');
console.log('|---|---|---|---|---|---|---|');
for (const w of out.writer) console.log(`| ${w.dialect} | ${w.mode} | ${w.rows_per_s} | ${w.ratio_to_off} | ${w.rows_per_commit} | ${w.append_p50_ms} | ${w.append_p99_ms} |`);
