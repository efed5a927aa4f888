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
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Engine, hashToken } from '../engine/engine.ts';
import {
  OPERATORS_CHANNEL,
  type Realtime,
  type RealtimeEvent,
  sessionChannel,
} from '../engine/realtime.port.ts';
import { chatMessageSchema, publicButtonSchema } from '../engine/turn.types.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError, sendOutcome } from './http.errors.ts';
import type { MessageAuthors } from './message.authors.ts';
import type { EscalationQueue } from './operator.queue.ts';
import { createOperatorStreamScope } from './operator-stream.scope.ts';
import { type Route, route } from './route.table.ts';
import { lastEventId, openEventStream } from './sse.stream.ts';
import { createMemoryStreamSlots, type StreamSlots } from './stream.slots.ts';
import { sessionPath, sessionToken } from './widget.routes.ts';

export const turnPayloadSchema = z.object({
  state: z.string(),
  owner: z.enum(['bot', 'human']),
  messages: z.array(chatMessageSchema),
  buttons: z.array(publicButtonSchema),
});

/** The operators' channel copy of a turn also says who holds the conversation (for each stream's scope). */
const operatorTurnPayloadSchema = turnPayloadSchema.extend({ assignedAgentId: z.string().nullable() });

/** Notices about the shared work queues (a new ticket, a requester's answer, a callback due): every operator works those. */
const sharedWork = (payload: unknown) =>
  z.object({ kind: z.enum(['ticket', 'ticket_answer', 'callback_due']) }).safeParse(payload).success;

const typingPayloadSchema = z.object({ role: z.enum(['visitor', 'operator']), typing: z.boolean() });

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

const QUEUED = 'escalated.queued';

const WIDGET_STREAM_LIFETIME_MS = 60 * 60 * 1000;

const queuePlaceSchema = z.object({
  position: z.number().int().nullable().describe('1 = next; null when not waiting in the queue'),
  estimatedWaitSeconds: z.number().nullable(),
});

const STREAM = 'text/event-stream';

export function sseRoutes(options: SseRoutesOptions): Route[] {
  const { engine, store, realtime, queue, authors, logger } = options;
  const lastTyping = new Map<string, number>();
  // Taken before the subscription, so even a wrong token holds nothing for long.
  const streamSlots = options.streamSlots ?? createMemoryStreamSlots(WIDGET_STREAM_LIMITS);

  async function sessionAuthorized(sessionId: string, token: string) {
    const session = await store.load(sessionId);
    if (!session) return { outcome: 'not_found' as const };
    const a = Buffer.from(hashToken(token));
    const b = Buffer.from(session.tokenHash);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { outcome: 'unauthorized' as const };
    return { outcome: 'ok' as const, session };
  }

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
    handler: async ({ req, res, params }) => {
      const id = { data: params.id };
      const token = sessionToken(req);
      const since = Number(lastEventId(req) ?? Number.NaN);
      const afterSeq = Number.isInteger(since) && since >= 0 ? since : null;
      const slot = await streamSlots.take(id.data, req.ip ?? 'unknown');
      if (!slot) {
        res.set('Retry-After', '30');
        return sendError(
          res,
          429,
          'too_many_streams',
          'Too many open event streams for this chat or from this address. Close one (or wait) and reconnect.',
        );
      }
      res.on('close', slot.release);

      // Subscribe before loading, buffering, so a turn committed in between is not lost.
      const buffered: RealtimeEvent[] = [];
      let onEvent: (e: RealtimeEvent) => void = (e) => buffered.push(e);
      const unsubscribe = await realtime.subscribe(sessionChannel(id.data), (e) => onEvent(e));
      const view = await engine.view(id.data, token);
      if (view.outcome !== 'ok') {
        await unsubscribe();
        return sendOutcome(res, view);
      }

      const stream = openEventStream(req, res, { heartbeatMs: options.heartbeatMs });
      // A stream lives an hour at most: the widget reconnects with Last-Event-ID and misses nothing.
      const lifetime = setTimeout(() => stream.close(), WIDGET_STREAM_LIFETIME_MS);
      lifetime.unref();
      stream.onClose(() => clearTimeout(lifetime));
      let state = view.state;
      let turnSeq = view.session.version;
      // While the visitor waits: their place in the queue, sent when it changes. It is recomputed when the
      // queue moves (any escalation turn or queue event on the operators' channel, debounced), soon after
      // entering the queue (the escalation row is written by the handoff worker just after the turn), and
      // every `queuePollMs` as a safety net.
      let queueTimer: NodeJS.Timeout | null = null;
      let recomputeTimer: NodeJS.Timeout | null = null;
      let queueSub: (() => Promise<void>) | null = null;
      let lastPlace = '';
      const stopQueue = () => {
        if (queueTimer) clearInterval(queueTimer);
        if (recomputeTimer) clearTimeout(recomputeTimer);
        queueTimer = recomputeTimer = null;
        if (queueSub) void queueSub();
        queueSub = null;
      };
      stream.onClose(() => {
        stopQueue();
        void unsubscribe();
      });

      function recomputeSoon(ms: number) {
        if (recomputeTimer || stream.closed) return;
        recomputeTimer = setTimeout(() => {
          recomputeTimer = null;
          void sendQueuePosition();
        }, ms);
        recomputeTimer.unref();
      }
      async function sendQueuePosition() {
        if (state !== QUEUED || stream.closed) return;
        try {
          const place = await queue.position(id.data as string);
          if (!place) return recomputeSoon(500);
          const key = JSON.stringify(place);
          if (key !== lastPlace && !stream.closed && state === QUEUED) {
            lastPlace = key;
            stream.send('queue', place);
          }
        } catch (error) {
          logger.warn({ err: error }, 'queue position failed');
        }
      }
      function trackQueue() {
        if (state !== QUEUED) return stopQueue();
        if (queueTimer) return;
        lastPlace = '';
        queueTimer = setInterval(() => void sendQueuePosition(), options.queuePollMs ?? 10_000);
        queueTimer.unref();
        void sendQueuePosition();
        void realtime
          .subscribe(OPERATORS_CHANNEL, (e) => {
            const moved =
              e.kind === 'queue' ||
              (e.kind === 'turn' &&
                turnPayloadSchema.safeParse(e.payload).data?.state.startsWith('escalated'));
            if (moved) recomputeSoon(300);
          })
          .then((leave) => {
            if (queueTimer && !stream.closed && !queueSub) queueSub = leave;
            else void leave();
          });
      }

      async function forwardNow(e: RealtimeEvent) {
        if (e.kind === 'typing') {
          const typing = typingPayloadSchema.safeParse(e.payload);
          if (typing.success && typing.data.role === 'operator') stream.send('typing', typing.data);
          return;
        }
        if (e.kind !== 'turn' || e.seq <= turnSeq) return;
        const turn = turnPayloadSchema.safeParse(e.payload);
        if (!turn.success) return;
        turnSeq = e.seq;
        state = turn.data.state;
        const last = turn.data.messages.at(-1)?.seq;
        const messages = await authors.present(turn.data.messages);
        stream.send('turn', { seq: e.seq, ...turn.data, messages }, last);
        trackQueue();
      }
      // Author names may need a lookup: events are forwarded one after another so they keep their order.
      let forwarding = Promise.resolve();
      const forward = (e: RealtimeEvent) => {
        forwarding = forwarding
          .then(() => forwardNow(e))
          .catch((error) => logger.warn({ err: error }, 'widget stream event dropped'));
      };

      // Without a Last-Event-ID the client knows nothing yet: it gets the whole transcript.
      const missed = afterSeq === null ? view.messages : view.messages.filter((m) => m.seq > afterSeq);
      stream.send(
        'turn',
        {
          seq: turnSeq,
          state,
          owner: view.owner,
          messages: await authors.present(missed),
          buttons: view.buttons,
        },
        missed.at(-1)?.seq ?? view.messages.at(-1)?.seq,
      );
      for (const e of buffered.splice(0)) forward(e);
      onEvent = forward;
      trackQueue();
      logger.debug({ sessionId: id.data, afterSeq, replayed: missed.length }, 'widget stream open');
    },
  });

  const queuePlace = route({
    method: 'get',
    path: '/api/v1/sessions/{id}/queue',
    summary: "The visitor's place in the queue and the estimated wait (nulls when not waiting)",
    tags: ['widget'],
    auth: 'session',
    ...sessionPath,
    responses: { '200': { description: 'The place in the queue', schema: queuePlaceSchema } },
    handler: async ({ req, res, params }) => {
      const auth = await sessionAuthorized(params.id, sessionToken(req));
      if (auth.outcome !== 'ok') return sendOutcome(res, auth);
      const place = auth.session.state === QUEUED ? await queue.position(params.id) : null;
      res.json(place ?? { position: null, estimatedWaitSeconds: null });
    },
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
    handler: async ({ req, res, params, body }) => {
      const auth = await sessionAuthorized(params.id, sessionToken(req));
      if (auth.outcome !== 'ok') return sendOutcome(res, auth);
      // Operators only care while a human owns the chat; and one signal a second per session is plenty.
      const now = Date.now();
      const key = `${params.id}:${body.typing}`;
      if (auth.session.owner === 'human' && now - (lastTyping.get(key) ?? 0) > 1000) {
        lastTyping.set(key, now);
        if (lastTyping.size > 10_000) lastTyping.clear();
        await realtime.publish(OPERATORS_CHANNEL, {
          sessionId: params.id,
          seq: 0,
          kind: 'typing',
          payload: { role: 'visitor', typing: body.typing },
        });
      }
      res.status(204).end();
    },
  });

  const operatorEvents = route({
    method: 'get',
    path: '/api/v1/operator/events',
    summary:
      "Server-Sent Events for the console: `ready`, `turn` (each committed turn of a conversation this operator may read: agents the queue and their own, admins all), `typing` (visitor), `queue` (queue changes; `out_of_reach` when a conversation leaves an agent's reach), `note` (an internal note or a transfer), `team` (an operator changed), `resync` (after a reconnect: re-read the queue)",
    tags: ['operator'],
    auth: 'operator',
    responses: { '200': { description: 'An event stream', contentType: STREAM } },
    handler: async ({ req, res }) => {
      const stream = openEventStream(req, res, { heartbeatMs: options.heartbeatMs });
      const me = operatorOf(res);
      let counter = 0;
      const nextId = () => `${Date.now()}-${++counter}`;
      const scope = createOperatorStreamScope({ operatorId: me.id, role: me.role }, (id) =>
        engine.readFacts(id),
      );
      async function forwardNow(e: RealtimeEvent) {
        if (e.kind === 'operator') {
          const change = z.object({ operatorId: z.string(), change: z.string() }).safeParse(e.payload);
          if (!change.success) return;
          // Revoked tokens: this stream was opened with one of them, so it ends now, not at the next request.
          if (change.data.operatorId === me.id && ['deactivated', 'password'].includes(change.data.change))
            return stream.close();
          stream.send('team', change.data, nextId());
          return;
        }
        if (e.kind === 'turn') {
          const turn = operatorTurnPayloadSchema.safeParse(e.payload);
          if (!turn.success) return;
          const { assignedAgentId, ...payload } = turn.data;
          const verdict = scope.turn(e.sessionId, { state: payload.state, assignedAgentId });
          if (verdict === 'forward')
            stream.send('turn', { sessionId: e.sessionId, seq: e.seq, ...payload }, nextId());
          // Its place in the queue changed (a colleague took it): the console re-reads, and learns no more.
          else if (verdict === 'left')
            stream.send('queue', { sessionId: e.sessionId, payload: { reason: 'out_of_reach' } }, nextId());
          return;
        }
        if (e.kind === 'note') {
          if (await scope.mayRead(e.sessionId)) stream.send('note', e.payload, nextId());
          return;
        }
        if (e.kind === 'typing') {
          const typing = typingPayloadSchema.safeParse(e.payload);
          if (typing.success && typing.data.role === 'visitor' && (await scope.mayRead(e.sessionId)))
            stream.send('typing', { sessionId: e.sessionId, ...typing.data });
          return;
        }
        if (sharedWork(e.payload) || (await scope.mayRead(e.sessionId)))
          stream.send('queue', { sessionId: e.sessionId, payload: e.payload }, nextId());
      }
      // A lookup may be needed: events are forwarded one after another so they keep their order.
      let forwarding = Promise.resolve();
      const unsubscribe = await realtime.subscribe(OPERATORS_CHANNEL, (e) => {
        forwarding = forwarding
          .then(() => (stream.closed ? undefined : forwardNow(e)))
          .catch((error) => logger.warn({ err: error }, 'operator stream event dropped'));
      });
      // Counted at once (opened() counts before it awaits), so a close during the await is never missed.
      const present = stream.closed ? null : (options.presence?.opened(me.id) ?? null);
      stream.onClose(() => {
        void unsubscribe();
        if (present) options.presence?.closed(me.id);
      });
      if (stream.closed) await unsubscribe();
      await present?.catch((error: unknown) => logger.warn({ err: error }, 'presence not recorded'));
      // Subscribed first, so anything committed from here on arrives; what came before, the console re-reads.
      stream.send(lastEventId(req) ? 'resync' : 'ready', { at: new Date().toISOString() }, nextId());
    },
  });

  return [widgetEvents, queuePlace, visitorTyping, operatorEvents];
}
