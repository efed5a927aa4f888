// The widget's event stream for one session (GET /api/v1/sessions/{id}/events; the why of its shape is at
// the top of sse.routes.ts): a slot per session and address, the transcript the client missed, then every
// committed turn, the operator's typing and, while waiting, the place in the queue.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.ts';
import { type Realtime, type RealtimeEvent, sessionChannel } from '../engine/realtime.port.ts';
import { sendError, sendOutcome } from './http.errors.ts';
import type { MessageAuthors } from './message.authors.ts';
import type { EscalationQueue } from './operator.queue.ts';
import { turnPayloadSchema, typingPayloadSchema } from './sse.payloads.ts';
import { type EventStream, lastEventId, openEventStream } from './sse.stream.ts';
import type { StreamSlots } from './stream.slots.ts';
import { sessionToken } from './widget.routes.ts';
import { watchQueuePlace } from './widget-stream.queue.ts';

const WIDGET_STREAM_LIFETIME_MS = 60 * 60 * 1000;

export interface WidgetStreamDeps {
  engine: Engine;
  realtime: Realtime;
  authors: MessageAuthors;
  queue: EscalationQueue;
  logger: Logger;
  streamSlots: StreamSlots;
  heartbeatMs?: number;
  queuePollMs?: number;
}

/** The message seq the client last saw (Last-Event-ID), or null when it knows nothing yet. */
function resumeAfter(req: Request): number | null {
  const since = Number(lastEventId(req) ?? Number.NaN);
  return Number.isInteger(since) && since >= 0 ? since : null;
}

/** A stream lives an hour at most: the widget reconnects with Last-Event-ID and misses nothing. */
function endAfterLifetime(stream: EventStream) {
  const lifetime = setTimeout(() => stream.close(), WIDGET_STREAM_LIFETIME_MS);
  lifetime.unref();
  stream.onClose(() => clearTimeout(lifetime));
}

export async function openWidgetStream(
  deps: WidgetStreamDeps,
  req: Request,
  res: Response,
  sessionId: string,
) {
  const { engine, realtime, authors, logger } = deps;
  const afterSeq = resumeAfter(req);
  const slot = await deps.streamSlots.take(sessionId, req.ip ?? 'unknown');
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
  const unsubscribe = await realtime.subscribe(sessionChannel(sessionId), (e) => onEvent(e));
  const view = await engine.view(sessionId, sessionToken(req));
  if (view.outcome !== 'ok') {
    await unsubscribe();
    return sendOutcome(res, view);
  }

  const stream = openEventStream(req, res, { heartbeatMs: deps.heartbeatMs });
  endAfterLifetime(stream);
  let state = view.state;
  let turnSeq = view.session.version;
  const queuePlace = watchQueuePlace({
    sessionId,
    stream,
    queue: deps.queue,
    realtime,
    logger,
    state: () => state,
    pollMs: deps.queuePollMs,
  });
  stream.onClose(() => {
    queuePlace.stop();
    void unsubscribe();
  });

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
    queuePlace.track();
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
  queuePlace.track();
  logger.debug({ sessionId, afterSeq, replayed: missed.length }, 'widget stream open');
}
