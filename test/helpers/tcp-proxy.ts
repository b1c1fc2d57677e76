/**
 * A TCP proxy a test controls, to make a server (Postgres) unreachable and reachable again:
 * `cut()` destroys every open connection and refuses new ones (connections are accepted and reset
 * at once, as when the network path is gone); `restore()` forwards again.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: 5432 });
 * const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`;
 * proxy.cut(); … proxy.restore(); await proxy.close();
 * ```
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections forwarded so far, and refused while cut. */
  stats(): { forwarded: number; refused: number; open: number };
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(opts: { targetHost: string; targetPort: number; listenPort?: number }): Promise<TcpProxy> {
  let isCut = false;
  const open = new Set<net.Socket>();
  let forwarded = 0;
  let refused = 0;
  const server = net.createServer((client) => {
    if (isCut) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    forwarded++;
    const upstream = net.connect(opts.targetPort, opts.targetHost);
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stats: () => ({ forwarded, refused, open: open.size / 2 }),
    cut() {
      isCut = true;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    async close() {
      isCut = true;
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
