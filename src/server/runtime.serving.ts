// The runtime's HTTP server: bound on `listen`, drained on close (stop taking work, let in-flight turns
// commit and answer within the grace period). Health reports draining from the first moment of close.
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import type { createApp } from './app.ts';
import { trackInFlight } from './health.shutdown.ts';

const REQUEST_RECEIVE_TIMEOUT_MS = 10_000;

export function createServing(config: Config, logger: Logger) {
  let draining = false;
  let server: { server: Server; inFlight: ReturnType<typeof trackInFlight> } | null = null;
  return {
    isDraining: () => draining,

    /** `onReady` runs once the port is bound: a failed start never claims to be ready. */
    listen(app: ReturnType<typeof createApp>, onReady: () => void): Promise<{ server: Server; url: string }> {
      return new Promise((resolve, reject) => {
        // A client has 10 s to send its whole request (headers and body): a slow-body client held a
        // connection for Node's default five minutes. Checked every second (Node's default: 30 s).
        const s = createServer(
          {
            requestTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
            headersTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
            connectionsCheckingInterval: 1000,
          },
          app,
        );
        s.once('error', reject);
        s.listen(config.server.port, config.server.host, () => {
          server = { server: s, inFlight: trackInFlight(s) };
          onReady();
          const address = s.address();
          const port = typeof address === 'object' && address ? address.port : config.server.port;
          resolve({ server: s, url: `http://${config.server.host}:${port}` });
        });
      });
    },

    async drain(): Promise<void> {
      draining = true;
      if (!server) return;
      const drained = await server.inFlight.drain(config.ops.shutdownGraceMs);
      if (drained.abandoned > 0)
        logger.warn({ ...drained }, 'shutdown grace period over: requests still running were cut');
      else logger.info({ ...drained }, 'HTTP server drained');
    },
  };
}

export type Serving = ReturnType<typeof createServing>;
