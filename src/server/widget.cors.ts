// CORS for the widget API, so the widget can be embedded on other sites. Only the visitor endpoints
// (/api/v1/sessions…) answer cross-origin, and only to the configured origins; the operator API never does.
// No credentials mode: the widget sends its session token in the Authorization header, never a cookie.
import type { RequestHandler } from 'express';

export function widgetCors(allowedOrigins: string[]): RequestHandler {
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    // The trace download under /sessions/:id/trace is the operator API: never cross-origin.
    if (/^\/[^/]+\/trace\/?$/.test(req.path)) return next();
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && (any || allowed.has(origin))) {
      res.set({
        'Access-Control-Allow-Origin': any ? '*' : origin,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
        'Access-Control-Expose-Headers': 'Retry-After, Idempotent-Replayed',
        'Access-Control-Max-Age': '600',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
