// Graceful shutdown of the HTTP server: stop accepting connections, let every in-flight request finish
// (a turn that started is committed and answered), then close what is left. Server-Sent Event streams never
// finish by themselves, so they are cut once everything else is done; their clients reconnect elsewhere.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface DrainResult {
  /** Requests that were still running when the grace period ran out (0 in a clean shutdown). */
  abandoned: number;
  /** Long-lived streams closed at the end. */
  streamsClosed: number;
  ms: number;
}

function isStream(res: ServerResponse): boolean {
  const type = res.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

export function trackInFlight(server: Server) {
  const inFlight = new Set<ServerResponse>();
  const changed = new Set<() => void>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      for (const notify of changed) notify();
    });
  });

  const pending = () => [...inFlight].filter((res) => !isStream(res)).length;

  return {
    pending,
    /** Stops accepting, waits up to `graceMs` for in-flight requests, then closes every connection. */
    async drain(graceMs: number): Promise<DrainResult> {
      const started = performance.now();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        const check = () => {
          if (pending() === 0) done();
        };
        const timer = setTimeout(() => done(), graceMs);
        function done() {
          clearTimeout(timer);
          changed.delete(check);
          resolve();
        }
        changed.add(check);
        check();
      });
      const abandoned = pending();
      const streamsClosed = inFlight.size - abandoned;
      server.closeAllConnections();
      await closed;
      return { abandoned, streamsClosed, ms: Math.round(performance.now() - started) };
    },
  };
}
