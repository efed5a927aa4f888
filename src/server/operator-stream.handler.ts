// The console's event stream (GET /api/v1/operator/events): every event of the operators' channel that
// this operator may see (operator-stream.scope.ts), in order. It opens with `ready`, or `resync` after a
// reconnect (the console then re-reads: the store is the truth, the stream only says when to look), and
// ends at once when the operator's tokens are revoked.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.ts';
import { OPERATORS_CHANNEL, type Realtime, type RealtimeEvent } from '../engine/realtime.port.ts';
import type { Operator } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { createOperatorStreamScope } from './operator-stream.scope.ts';
import {
  operatorChangePayloadSchema,
  operatorTurnPayloadSchema,
  sharedWork,
  typingPayloadSchema,
} from './sse.payloads.ts';
import { type EventStream, lastEventId, openEventStream } from './sse.stream.ts';

export interface OperatorStreamDeps {
  engine: Engine;
  realtime: Realtime;
  logger: Logger;
  /** Told when an operator's console stream opens and closes (availability, operator.presence.ts). */
  presence?: { opened(operatorId: string): Promise<void>; closed(operatorId: string): void };
  heartbeatMs?: number;
}

/** One open console stream: whose it is, what they may see, and the ids of its events. */
interface ConsoleStream {
  stream: EventStream;
  me: Operator;
  scope: ReturnType<typeof createOperatorStreamScope>;
  nextId: () => string;
}

async function forwardToConsole({ stream, me, scope, nextId }: ConsoleStream, e: RealtimeEvent) {
  if (e.kind === 'operator') {
    const change = operatorChangePayloadSchema.safeParse(e.payload);
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

export async function openOperatorStream(deps: OperatorStreamDeps, req: Request, res: Response) {
  const { engine, realtime, logger, presence } = deps;
  const stream = openEventStream(req, res, { heartbeatMs: deps.heartbeatMs });
  const me = operatorOf(res);
  let counter = 0;
  const nextId = () => `${Date.now()}-${++counter}`;
  const scope = createOperatorStreamScope({ operatorId: me.id, role: me.role }, (id) => engine.readFacts(id));
  const open: ConsoleStream = { stream, me, scope, nextId };
  // A lookup may be needed: events are forwarded one after another so they keep their order.
  let forwarding = Promise.resolve();
  const unsubscribe = await realtime.subscribe(OPERATORS_CHANNEL, (e) => {
    forwarding = forwarding
      .then(() => (stream.closed ? undefined : forwardToConsole(open, e)))
      .catch((error) => logger.warn({ err: error }, 'operator stream event dropped'));
  });
  // Counted at once (opened() counts before it awaits), so a close during the await is never missed.
  const present = stream.closed ? null : (presence?.opened(me.id) ?? null);
  stream.onClose(() => {
    void unsubscribe();
    if (present) presence?.closed(me.id);
  });
  if (stream.closed) await unsubscribe();
  await present?.catch((error: unknown) => logger.warn({ err: error }, 'presence not recorded'));
  // Subscribed first, so anything committed from here on arrives; what came before, the console re-reads.
  stream.send(lastEventId(req) ? 'resync' : 'ready', { at: new Date().toISOString() }, nextId());
}
