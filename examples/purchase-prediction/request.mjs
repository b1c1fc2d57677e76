// Scores the first ROWS sessions of the test split on a running modelyard server, with the threshold
// the pipeline chose on validation (reports/summary.json), and prints a short JSON summary:
//   node examples/purchase-prediction/request.mjs http://127.0.0.1:8080 purchase-gbdt 1000
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = path.dirname(fileURLToPath(import.meta.url));
const [base, model = 'purchase-gbdt', n = '1000'] = process.argv.slice(2);
const summary = JSON.parse(fs.readFileSync(path.join(dir, 'reports/summary.json'), 'utf8'));
const threshold = summary.models[model.replace(/^purchase-/, '')].serving_threshold;

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const reader = await con.runAndReadAll(
  `SELECT * EXCLUDE (purchased, prediction_time) FROM read_parquet('${path.join(dir, 'data/features/test.parquet')}') ORDER BY prediction_time, session_id LIMIT ${Number(n)}`,
);
const instances = reader.getRowObjectsJson().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));
con.closeSync();
db.closeSync();

const t0 = performance.now();
const res = await fetch(`${base}/v1/models/${model}/predict`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ instances, threshold }),
});
const ms = performance.now() - t0;
const body = await res.json();
if (!res.ok) {
  console.log(JSON.stringify({ status: res.status, error: body.error }));
  process.exit(0);
}
const positives = body.predictions.filter((p) => p.prediction === 1).length;
const consistent = body.predictions.every((p) => (p.probability >= threshold ? 1 : 0) === p.prediction);
console.log(JSON.stringify({ status: res.status, model: body.model, threshold, rows: body.predictions.length, predicted_buyers: positives, threshold_applied: consistent, ms: Math.round(ms), first: body.predictions.slice(0, 2) }));
