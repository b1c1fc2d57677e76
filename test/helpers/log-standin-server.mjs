#!/usr/bin/env node
// A minimal stand-in for `modelyard serve` used by the log fault tests while the real server is not
// on this branch: it uses the prediction-log writer exactly as the server does — records built per
// request, `await writer.append(records)` before answering, writer from `openServeLog` (MODELYARD_LOG,
// MODELYARD_LOG_URL, … from the environment). POST /predict {"instances":[…]} → {"predictions":[{"id",…}]}.
// Prints "listening <port>" on stdout when ready.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { openServeLog } = await import(path.join(ROOT, 'dist/log/serve-log.js'));
const { uuidv7 } = await import(path.join(ROOT, 'dist/util/uuidv7.js'));

const writer = await openServeLog({ env: process.env });
let seq = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const t = performance.now();
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const now = Date.now();
      const rows = body.instances.map((x) => ({ id: uuidv7(now), prediction: x.age > 40 ? 'yes' : 'no' }));
      const records = rows.map((r, i) => ({
        id: r.id, time: now, model: 'standin', version: '1.0.0', segment: null, request_id: `r${++seq}`, entity_id: null,
        inputs: body.instances[i], prediction: r.prediction, probabilities: { no: 0.5, yes: 0.5 }, latency_ms: performance.now() - t, role: 'primary',
      }));
      await writer.append(records);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ predictions: rows }));
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: String(e?.message ?? e) } }));
    }
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = async () => {
  server.close();
  await writer.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
