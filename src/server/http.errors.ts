// One place that maps expected outcomes to HTTP statuses and readable messages, and the last-resort
// error handler: a client mistake is a 4xx with a message a person can act on, never a stack trace.
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HandleResult } from '../engine/inbound.ts';
import { isStorageUnavailable } from '../storage/storage.errors.ts';

/** Seconds a client is told to wait after a storage outage answer (503). */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  details?: unknown,
): void {
  res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

export function sendValidationError(res: Response, error: z.ZodError): void {
  const details = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  sendError(res, 400, 'invalid_request', summary, details);
}

type ErrorReply = [status: number, code: string, message: string, details?: unknown];

function outcomeError(result: Exclude<HandleResult, { outcome: 'ok' | 'duplicate' }>): ErrorReply {
  switch (result.outcome) {
    case 'not_found':
      return [
        404,
        'session_not_found',
        'No chat session with this id. Start a new one with POST /api/v1/sessions.',
      ];
    case 'unauthorized':
      return [
        401,
        'invalid_token',
        'The session token is missing or wrong. Send the token you got when the session started as "Authorization: Bearer <token>".',
      ];
    case 'forbidden':
      return [403, 'forbidden', result.message];
    case 'handled_elsewhere':
      return [409, 'handled_elsewhere', result.message, { handledIn: result.target }];
    case 'button_not_offered':
      return [
        409,
        'button_not_offered',
        `The button "${result.buttonId}" is not on offer in this conversation right now.${result.offered.length ? ` Buttons on offer: ${result.offered.join(', ')}.` : ' No buttons are on offer: send text instead.'}`,
        { offered: result.offered },
      ];
    case 'not_accepted':
      return [
        409,
        'not_allowed_in_state',
        `${result.message} (current state: ${result.state}).`,
        { state: result.state },
      ];
    case 'busy':
      return [
        503,
        'busy',
        'This conversation is receiving many messages at once. Retry in a second with the same clientMessageId.',
      ];
  }
}

export function sendOutcome(res: Response, result: HandleResult, okStatus = 200): void {
  if (result.outcome === 'ok') {
    res.status(okStatus).json(result.response);
  } else if (result.outcome === 'duplicate') {
    res.status(200).set('Idempotent-Replayed', 'true').json(result.response);
  } else {
    if (result.outcome === 'busy') res.set('Retry-After', '1');
    sendError(res, ...outcomeError(result));
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const e = error as { type?: string; status?: number; statusCode?: number; message?: string };
    const status = e.status ?? e.statusCode;
    if (e.type === 'entity.too.large')
      return sendError(res, 413, 'body_too_large', 'The request body is too large.');
    if (e.type === 'entity.parse.failed')
      return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON.');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
      return sendError(res, 415, 'unsupported_encoding', 'Send the body as UTF-8 JSON.');
    if (typeof status === 'number' && status >= 400 && status < 500)
      return sendError(res, status, 'bad_request', e.message ?? 'Bad request.');
    if (isStorageUnavailable(error)) {
      // Postgres or Redis is away (restart, failover, network): the request did not happen, or happened
      // and its retry with the same clientMessageId returns the first answer. Either way: retry.
      logger.warn({ err: error, method: req.method, url: req.originalUrl }, 'storage unavailable');
      res.set('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
      return sendError(
        res,
        503,
        'storage_unavailable',
        'The service cannot reach its database right now. Retry in a few seconds (re-sending the same clientMessageId is safe).',
      );
    }
    // Storage that could not confirm the write yet (e.g. Redis replicas behind): retry, same clientMessageId.
    if (status === 503) {
      logger.warn({ err: error, method: req.method, url: req.originalUrl }, 'storage unavailable');
      res.set('Retry-After', '1');
      return sendError(res, 503, 'unavailable', e.message ?? 'Retry in a moment with the same request.');
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    sendError(
      res,
      500,
      'internal_error',
      'Something went wrong on our side. Nothing was changed; please retry.',
    );
  };
}
