// Live updates over Server-Sent Events, for the widget (one session) and the console (every conversation),
// plus the typing signals and the visitor's place in the queue.
//
// Tokens travel in the Authorization header, never in the URL (URLs end up in logs, history and Referer):
// the widget and the console read the stream with fetch() and a small SSE parser instead of EventSource,
// which cannot set headers. The wire format is plain SSE all the same.
//
// No gaps on reconnect: the widget stream's event ids are message sequence numbers. A stream subscribes to
// the session's channel first, then loads the session; every message after the client's Last-Event-ID is
// replayed from the store, and live turns already covered by that load are skipped by their turn seq.
// The console stream answers a reconnect with a `resync` event, and the console re-reads the queue and the
// open conversation from the API (the store is the truth; the stream only says when to look).
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Engine, hashToken } from '../engine/engine.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { sendOutcome } from './http.errors.ts';
import type { MessageAuthors } from './message.authors.ts';
import type { EscalationQueue } from './operator.queue.ts';
import { openOperatorStream } from './operator-stream.handler.ts';
import { type Route, route } from './route.table.ts';
import { createMemoryStreamSlots, type StreamSlots } from './stream.slots.ts';
import { sessionPath, sessionToken } from './widget.routes.ts';
import { openWidgetStream } from './widget-stream.handler.ts';
import { QUEUED } from './widget-stream.queue.ts';

export interface SseRoutesOptions {
  engine: Engine;
  store: SessionStore;
  realtime: Realtime;
  /** Turns operator ids into display names on the widget stream. */
  authors: MessageAuthors;
  queue: EscalationQueue;
  logger: Logger;
  /** Told when an operator's console stream opens and closes (availability, operator.presence.ts). */
  presence?: { opened(operatorId: string): Promise<void>; closed(operatorId: string): void };
  heartbeatMs?: number;
  /** How often a queued visitor's position is re-sent. */
  queuePollMs?: number;
  /** Open widget streams per session and per address (shared by all processes when Redis is configured). */
  streamSlots?: StreamSlots;
}

/** Open widget streams allowed per chat session and per client address. */
export const WIDGET_STREAM_LIMITS = { perSession: 3, perAddress: 20 };

const queuePlaceSchema = z.object({
  position: z.number().int().nullable().describe('1 = next; null when not waiting in the queue'),
  estimatedWaitSeconds: z.number().nullable(),
});

const STREAM = 'text/event-stream';

async function sessionAuthorized(store: SessionStore, sessionId: string, token: string) {
  const session = await store.load(sessionId);
  if (!session) return { outcome: 'not_found' as const };
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(session.tokenHash);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { outcome: 'unauthorized' as const };
  return { outcome: 'ok' as const, session };
}

async function sendQueuePlace(
  { store, queue }: Pick<SseRoutesOptions, 'store' | 'queue'>,
  req: Request,
  res: Response,
  sessionId: string,
) {
  const auth = await sessionAuthorized(store, sessionId, sessionToken(req));
  if (auth.outcome !== 'ok') return sendOutcome(res, auth);
  const place = auth.session.state === QUEUED ? await queue.position(sessionId) : null;
  res.json(place ?? { position: null, estimatedWaitSeconds: null });
}

/** When each session last passed on a typing signal (`<sessionId>:<typing>` → ms). */
type TypingTimes = Map<string, number>;

async function passVisitorTyping(
  { store, realtime }: Pick<SseRoutesOptions, 'store' | 'realtime'>,
  lastTyping: TypingTimes,
  req: Request,
  res: Response,
  sessionId: string,
  typing: boolean,
) {
  const auth = await sessionAuthorized(store, sessionId, sessionToken(req));
  if (auth.outcome !== 'ok') return sendOutcome(res, auth);
  // Operators only care while a human owns the chat; and one signal a second per session is plenty.
  const now = Date.now();
  const key = `${sessionId}:${typing}`;
  if (auth.session.owner === 'human' && now - (lastTyping.get(key) ?? 0) > 1000) {
    lastTyping.set(key, now);
    if (lastTyping.size > 10_000) lastTyping.clear();
    await realtime.publish(OPERATORS_CHANNEL, {
      sessionId,
      seq: 0,
      kind: 'typing',
      payload: { role: 'visitor', typing },
    });
  }
  res.status(204).end();
}

export function sseRoutes(options: SseRoutesOptions): Route[] {
  const lastTyping: TypingTimes = new Map();
  // Taken before the subscription, so even a wrong token holds nothing for long.
  const streamSlots = options.streamSlots ?? createMemoryStreamSlots(WIDGET_STREAM_LIMITS);
  const widgetStream = { ...options, streamSlots };

  const widgetEvents = route({
    method: 'get',
    path: '/api/v1/sessions/{id}/events',
    summary:
      'Server-Sent Events for the widget: `turn` (id = last message seq; send Last-Event-ID to resume without gaps), `typing` (operator), `queue` (place in the queue while waiting)',
    tags: ['widget'],
    auth: 'session',
    ...sessionPath,
    responses: {
      '200': {
        description: 'An event stream (at most one hour; reconnect with Last-Event-ID)',
        contentType: STREAM,
      },
      '429': {
        description: 'Too many open streams for this chat or from this address',
        headers: { 'Retry-After': 'seconds' },
      },
    },
    handler: ({ req, res, params }) => openWidgetStream(widgetStream, req, res, params.id),
  });

  const queuePlace = route({
    method: 'get',
    path: '/api/v1/sessions/{id}/queue',
    summary: "The visitor's place in the queue and the estimated wait (nulls when not waiting)",
    tags: ['widget'],
    auth: 'session',
    ...sessionPath,
    responses: { '200': { description: 'The place in the queue', schema: queuePlaceSchema } },
    handler: ({ req, res, params }) => sendQueuePlace(options, req, res, params.id),
  });

  const visitorTyping = route({
    method: 'post',
    path: '/api/v1/sessions/{id}/typing',
    summary: 'Tell the operator the visitor is typing (passed on only while a human owns the chat)',
    tags: ['widget'],
    auth: 'session',
    ...sessionPath,
    body: z.object({ typing: z.boolean() }).strict(),
    responses: { '204': { description: 'Taken' } },
    handler: ({ req, res, params, body }) =>
      passVisitorTyping(options, lastTyping, req, res, params.id, body.typing),
  });

  const operatorEvents = route({
    method: 'get',
    path: '/api/v1/operator/events',
    summary:
      "Server-Sent Events for the console: `ready`, `turn` (each committed turn of a conversation this operator may read: agents the queue and their own, admins all), `typing` (visitor), `queue` (queue changes; `out_of_reach` when a conversation leaves an agent's reach), `note` (an internal note or a transfer), `team` (an operator changed), `resync` (after a reconnect: re-read the queue)",
    tags: ['operator'],
    auth: 'operator',
    responses: { '200': { description: 'An event stream', contentType: STREAM } },
    handler: ({ req, res }) => openOperatorStream(options, req, res),
  });

  return [widgetEvents, queuePlace, visitorTyping, operatorEvents];
}
