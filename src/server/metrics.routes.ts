// GET /metrics in the Prometheus text format. Optionally behind a bearer token (METRICS_TOKEN) when the
// port is reachable from outside the cluster.
import { timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { bearerToken } from './bearer.token.ts';
import { sendError } from './http.errors.ts';
import { type Route, route } from './route.table.ts';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The socket's own peer address, not X-Forwarded-For: a header cannot make a request local. */
export function isLoopback(address: string | undefined): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address ?? '');
}

export function metricsRoutes(registry: Registry, options: { token?: string } = {}): Route[] {
  return [
    route({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      tags: ['ops'],
      auth: 'metrics',
      responses: {
        '200': { description: 'The metrics', contentType: 'text/plain' },
        '401': { description: 'METRICS_TOKEN is set and the bearer token is missing or wrong' },
        '403': { description: 'METRICS_TOKEN is not set and the request is not from loopback' },
      },
      handler: async ({ req, res }) => {
        if (!options.token && !isLoopback(req.socket.remoteAddress)) {
          // Without a token the figures are for the machine itself (a Prometheus agent beside the process).
          return sendError(
            res,
            403,
            'metrics_loopback_only',
            'Without METRICS_TOKEN, /metrics answers only on loopback (127.0.0.1, ::1). Set METRICS_TOKEN to scrape it from elsewhere.',
          );
        }
        if (options.token) {
          const token = bearerToken(req);
          if (!token || !sameSecret(token, options.token))
            return sendError(
              res,
              401,
              'invalid_token',
              'Metrics need "Authorization: Bearer <METRICS_TOKEN>" (the token set in the server environment).',
            );
        }
        res
          .set('Content-Type', registry.contentType)
          .set('Cache-Control', 'no-store')
          .send(await registry.metrics());
      },
    }),
  ];
}
