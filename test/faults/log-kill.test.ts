/**
 * Kill test (issue 7, "done when" 1): under load in `durable` mode, `kill -9` the server; after a
 * restart every prediction id the client received a 200 for is in the log (≥ 5,000 acknowledged
 * requests). In `async` mode the rows lost are measured: only those of the last 50 ms before the kill.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { freePort, startLoad } from '../helpers/load-client.js';
import { startServerProcess } from '../helpers/log-server-process.js';
import { SERVER_KIND, predictPath, requestBody, prepareHome } from '../helpers/log-fault-setup.js';
import { openLogStore, resolveLogLocation } from '../../src/log/location.js';
import { reconcile } from '../../src/log/reconcile.js';
import { uuidv7Time } from '../../src/util/uuidv7.js';

const ACKED = 5000;

async function killRun(mode: 'durable' | 'async') {
  const home = tempDir('modelyard-logkill-');
  const env = { MODELYARD_HOME: home, MODELYARD_LOG: mode, MODELYARD_REGISTRY: '' };
  await prepareHome(home, env);
  const port = await freePort();
  const server = await startServerProcess({ kind: SERVER_KIND, port, env });
  let killAt = 0;
  // Kill from inside the response handler the moment the target count is acknowledged: the newest
  // acknowledged rows are then as young as they can be (the worst case for async mode).
  const load = startLoad({
    port,
    path: predictPath,
    body: requestBody,
    concurrency: 32,
    onAck: (n) => {
      if (n >= ACKED + 500 && killAt === 0) {
        killAt = Date.now();
        server.proc.kill('SIGKILL');
      }
    },
  });
  await load.untilAcked(ACKED + 500);
  await server.kill9();
  const result = await load.stop();
  // Restart: the new process replays anything the old one left in the spool.
  const again = await startServerProcess({ kind: SERVER_KIND, port, env });
  await again.stop();
  const loc = resolveLogLocation({ env });
  const store = await openLogStore(loc);
  try {
    const acked = result.acked;
    const found = await store.existing('predictions', acked.map((a) => a.id));
    const lost = acked.filter((a) => !found.has(a.id));
    const rec = await reconcile({ store, spoolDir: loc.spoolDir, repair: false });
    return { acked, lost, killAt, rec, result, spool: fs.existsSync(loc.spoolDir) ? fs.readdirSync(loc.spoolDir) : [], logFile: path.basename(loc.file ?? '') };
  } finally {
    await store.close();
  }
}

it('durable: every acknowledged prediction survives kill -9', async () => {
  const r = await killRun('durable');
  process.stderr.write(
    `[log-kill durable] server=${SERVER_KIND} acknowledged=${r.acked.length} lost=${r.lost.length} requests=${r.result.requests} ` +
      `transport errors after kill=${r.result.transportErrors} non-200=${JSON.stringify(r.result.statuses)} reconcile gaps=${r.rec.gaps}\n`,
  );
  expect(r.acked.length).toBeGreaterThanOrEqual(ACKED);
  expect(r.result.statuses).toEqual({});
  expect(r.lost).toEqual([]);
  expect(r.rec.gaps).toBe(0);
}, 240_000);

it('async: only rows of the last 50 ms before the kill can be lost (measured)', async () => {
  const r = await killRun('async');
  const ages = r.lost.map((a) => r.killAt - uuidv7Time(a.id));
  const maxAge = ages.length ? Math.max(...ages) : 0;
  process.stderr.write(
    `[log-kill async] server=${SERVER_KIND} acknowledged=${r.acked.length} lost=${r.lost.length} ` +
      `oldest lost row made ${maxAge} ms before the kill; non-200=${JSON.stringify(r.result.statuses)}\n`,
  );
  expect(r.acked.length).toBeGreaterThanOrEqual(ACKED);
  // The bound the issue sets: 50 ms. The writer keeps it by back-pressure (appends wait for their
  // commit once the oldest uncommitted row is 25 ms old; src/log/writer.ts), and commits run on the
  // insert thread, so a busy event loop does not delay them.
  expect(maxAge).toBeLessThanOrEqual(50);
  // Everything older than that is in the log.
  expect(r.rec.gaps).toBe(0);
}, 240_000);
