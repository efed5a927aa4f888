// The Express application: security headers, body limits, the widget API, OpenAPI, the widget script and
// the static pages. Every other route comes as a route table from the runtime (one document for all).
import express from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { projectPath } from '../config/paths.ts';
import type { Engine } from '../engine/engine.ts';
import { clientScriptRoute } from './client.bundle.ts';
import { errorHandler, sendError } from './http.errors.ts';
import type { MessageAuthors } from './message.authors.ts';
import { buildOpenApi } from './openapi.ts';
import { type Route, type RouteGuards, route, routeRouter } from './route.table.ts';
import { rejectUnstorableText } from './text.guard.ts';
import { widgetCors } from './widget.cors.ts';
import { widgetRoutes } from './widget.routes.ts';

export interface AppOptions {
  engine: Engine;
  logger: Logger;
  /** Shows operator messages to visitors with the operator's display name. */
  authors: MessageAuthors;
  maxMessageChars: number;
  /** Express's `trust proxy`: false, a hop count, or the proxies' addresses (see TRUST_PROXY). */
  trustProxy: boolean | number | string[];
  /** The route tables of the other modules (operator API, SSE, analytics, webhooks …): served and documented. */
  routes?: Route[];
  /** Guards for the auth kinds the runtime owns (operator, admin, service, metrics). */
  guards?: RouteGuards;
  /** Per-IP limit on the public API per minute. */
  rateLimitPerMinute?: number;
  /** Messages one chat session may post per minute (on top of the per-IP limit). */
  sessionMessagesPerMinute?: number;
  /** New chat sessions one address may start per hour (0 or unset: no cap). */
  sessionsPerAddressPerHour?: number;
  /**
   * Where the limiters count: one store per limiter name. Omitted, each process counts in memory; with
   * Redis every process shares the counts, so N processes still allow the configured limit, not N times it.
   */
  rateLimitStore?: (limiter: 'ip' | 'session' | 'service' | 'starts') => Store;
  /** Origins allowed to call the widget API from the browser (`*` for any); none by default. */
  widgetAllowedOrigins?: string[];
}

const PUBLIC_DIR = projectPath('src/server/public');
/** Wrong X-Service-Token answers (401) one address may get per minute before it is refused with 429. */
export const SERVICE_TOKEN_FAILURES_PER_MINUTE = 10;

export function createApp(options: AppOptions) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'connect-src': ["'self'"], 'img-src': ["'self'", 'data:'] },
      },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  app.use('/api/v1/sessions', widgetCors(options.widgetAllowedOrigins ?? []));
  const limiterLogger = {
    error: (error: unknown, message?: string) =>
      options.logger.warn({ err: error }, message ?? 'the rate limiter failed; the request passes'),
    warn: (error: unknown, message?: string) => options.logger.warn({ err: error }, message),
  };
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: options.rateLimitPerMinute ?? 600,
    ...(options.rateLimitStore ? { store: options.rateLimitStore('ip') } : {}),
    // A shared store that cannot be reached lets the request through (and logs) rather than failing it.
    passOnStoreError: true,
    logger: limiterLogger,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendError(
        res,
        429,
        'rate_limited',
        'Too many requests from this address. Wait a minute and try again.',
      ),
  });
  const perSession = rateLimit({
    windowMs: 60_000,
    limit: options.sessionMessagesPerMinute ?? 60,
    keyGenerator: (req) => `session:${String(req.params.id)}`,
    // Only the session's own messages count: a wrong token or an unknown id (401/404) is given back, so
    // a stranger who knows a session id cannot use up its visitor's limit.
    skipFailedRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401 && res.statusCode !== 404,
    ...(options.rateLimitStore ? { store: options.rateLimitStore('session') } : {}),
    passOnStoreError: true,
    logger: limiterLogger,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendError(res, 429, 'rate_limited', 'Too many messages in this chat. Wait a minute and try again.'),
  });
  // The service API's shared secret: wrong tokens per address are counted on their own, far below the
  // general limit, so guessing it is slow. A right token gives its count back; past the limit the address
  // is refused (even with the right token) until the minute is over.
  const serviceTokens = rateLimit({
    windowMs: 60_000,
    limit: SERVICE_TOKEN_FAILURES_PER_MINUTE,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    ...(options.rateLimitStore ? { store: options.rateLimitStore('service') } : {}),
    passOnStoreError: true,
    logger: limiterLogger,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendError(
        res,
        429,
        'rate_limited',
        'Too many wrong service tokens from this address. Check SERVICE_SECRET and try again in a minute.',
      ),
  });
  // Every session is kept (in Redis: ~2 KB) until it expires: one address must not fill the store.
  const perAddressStarts = rateLimit({
    windowMs: 60 * 60_000,
    limit: options.sessionsPerAddressPerHour ?? 0,
    skip: () => !options.sessionsPerAddressPerHour,
    ...(options.rateLimitStore ? { store: options.rateLimitStore('starts') } : {}),
    passOnStoreError: true,
    logger: limiterLogger,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      // The limiter has set Retry-After (seconds until the window frees a start) before calling this.
      const seconds = Number(res.getHeader('Retry-After'));
      const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 60;
      sendError(
        res,
        429,
        'too_many_sessions',
        `Too many new chats from this address (at most ${options.sessionsPerAddressPerHour} an hour). Continue an open chat, or try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    },
  });
  // The limiters come before the body is parsed or walked: a request over the limit costs no parsing.
  app.use('/api', limiter);
  app.use('/api/support', serviceTokens);
  // Tokens, transcripts and operator data: no shared or browser cache may keep an API answer.
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.post('/api/v1/sessions/:id/messages', perSession);
  app.post('/api/v1/sessions', perAddressStarts);
  app.use('/api', express.json({ limit: '32kb' }));
  app.use('/api', rejectUnstorableText);

  const widget = widgetRoutes(options.engine, {
    maxMessageChars: options.maxMessageChars,
    authors: options.authors,
  });
  const own: Route[] = [
    route({
      method: 'get',
      path: '/api/v1/openapi.json',
      summary: 'This document',
      tags: ['meta'],
      auth: 'none',
      responses: { '200': { description: 'OpenAPI 3.1', contentType: 'application/json' } },
      handler: ({ res }) => {
        res.json(openapi);
      },
    }),
    clientScriptRoute('widget', 'The chat widget script (embed it with a script tag)'),
    route({
      method: 'get',
      path: '/favicon.ico',
      summary: 'No icon (answers 204 so browsers stop asking)',
      tags: ['pages'],
      auth: 'none',
      responses: { '204': { description: 'No content' } },
      handler: ({ res }) => {
        res.status(204).end();
      },
    }),
  ];
  const routes = [...widget, ...own, ...(options.routes ?? [])];
  const openapi = buildOpenApi(routes.map((r) => r.doc));
  app.use(routeRouter(routes, options.guards));

  app.use(express.static(PUBLIC_DIR, { index: 'index.html', extensions: ['html'] }));
  app.use('/api', (req, res) =>
    sendError(res, 404, 'not_found', `No API route ${req.method} ${req.path}. See /api/v1/openapi.json.`),
  );
  app.use(errorHandler(options.logger));
  return app;
}
