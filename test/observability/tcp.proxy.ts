// A TCP proxy in front of a real server, which a test can take down and bring back, black-hole or reset:
// the closest thing to a database host going away without touching the shared server itself.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Stops listening and cuts every open connection (the backend looks down). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /**
   * Black hole: connections stay open (and new ones are accepted) but no byte passes either way, like a
   * host whose packets are dropped. `flow()` ends it (what was held back is then delivered).
   */
  stall(): void;
  flow(): void;
  /** Resets every open connection (TCP RST, `ECONNRESET` on both sides); keeps listening. */
  reset(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let server: Server | null = null;
  let port = 0;
  let stalled = false;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        const pair = { client, upstream };
        pairs.add(pair);
        for (const sock of [client, upstream]) {
          sock.on('close', () => pairs.delete(pair));
          sock.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        if (stalled) {
          client.pause();
          upstream.pause();
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const address = s.address();
        port = typeof address === 'object' && address ? address.port : port;
        server = s;
        resolve();
      });
    });

  const down = () =>
    new Promise<void>((resolve) => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    down,
    up: listen,
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    flow() {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    reset() {
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
    },
    close: async () => {
      stalled = false;
      await down();
    },
  };
}
