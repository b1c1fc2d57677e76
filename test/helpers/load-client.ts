/**
 * A closed-loop HTTP load client for fault tests: `concurrency` keep-alive connections, each
 * POSTing one request after the other until stopped. Records every prediction id the server
 * acknowledged with a 200 (and when), and every failure, so a test can check what the log kept.
 */
import http from 'node:http';

export interface LoadResult {
  /** Prediction ids from 200 answers, with the client time the answer arrived. */
  acked: { id: string; at: number }[];
  /** Non-200 answers by status, and transport errors (connection refused/reset: the server died). */
  statuses: Record<string, number>;
  transportErrors: number;
  requests: number;
}

export interface Load {
  result: LoadResult;
  /** Stops issuing requests; resolves when every loop has ended. */
  stop(): Promise<LoadResult>;
  /** Resolves once at least `n` ids were acknowledged. */
  untilAcked(n: number, timeoutMs?: number): Promise<void>;
}

export function startLoad(opts: { port: number; path: string; body: () => unknown; concurrency?: number; host?: string; onAck?: (count: number) => void }): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
  const result: LoadResult = { acked: [], statuses: {}, transportErrors: 0, requests: 0 };
  let stopped = false;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const payload = JSON.stringify(opts.body());
      result.requests++;
      const req = http.request(
        { host: opts.host ?? '127.0.0.1', port: opts.port, path: opts.path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const at = Date.now();
            if (res.statusCode === 200) {
              try {
                const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { predictions?: { id: string }[] };
                for (const p of body.predictions ?? []) result.acked.push({ id: p.id, at });
                opts.onAck?.(result.acked.length);
              } catch {
                result.statuses.unparseable = (result.statuses.unparseable ?? 0) + 1;
              }
            } else result.statuses[String(res.statusCode)] = (result.statuses[String(res.statusCode)] ?? 0) + 1;
            resolve();
          });
          res.on('error', () => {
            result.transportErrors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        result.transportErrors++;
        // Do not spin on a dead server.
        setTimeout(resolve, 20);
      });
      req.end(payload);
    });
  const loops = Array.from({ length: opts.concurrency ?? 16 }, async () => {
    while (!stopped) await one();
  });
  return {
    result,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
    async untilAcked(n, timeoutMs = 120_000) {
      const t0 = Date.now();
      while (result.acked.length < n) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`only ${result.acked.length} of ${n} requests acknowledged in ${timeoutMs} ms (${JSON.stringify(result.statuses)}, ${result.transportErrors} transport errors)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
