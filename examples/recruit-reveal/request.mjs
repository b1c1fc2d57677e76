// Sends athletes from a CSV to a running modelyard server and prints what it answered:
//   node examples/recruit-reveal/request.mjs http://127.0.0.1:8431 data/holdout_2025.csv QB,RB
// (the first athlete of each listed position; empty CSV fields are sent as null = missing).
import fs from 'node:fs';

const [base, csv, positions = 'QB,RB,WR'] = process.argv.slice(2);
const [header, ...lines] = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
const cols = header.split(',');
const instances = [];
for (const pos of positions.split(',')) {
  const line = lines.find((l) => l.split(',')[cols.indexOf('position')] === pos);
  const row = {};
  line.split(',').forEach((v, i) => {
    if (['athlete_id', 'season', 'd1_offer'].includes(cols[i])) return;
    row[cols[i]] = v === '' ? null : Number.isNaN(Number(v)) ? v : Number(v);
  });
  instances.push(row);
}
const res = await fetch(`${base}/v1/models/recruit-reveal/predict`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ instances }),
});
const body = await res.json();
if (!res.ok) {
  console.error(res.status, JSON.stringify(body));
  process.exit(1);
}
const out = { version: body.model.version, predictions: Object.fromEntries(body.predictions.map((p, i) => [instances[i].position, Number(p.probability.toFixed(4))])) };
console.log(JSON.stringify(out));
