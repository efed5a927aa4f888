// What runs once a turn is stored: the awaited follow-ups (waking the trace sink), then the real-time
// fan-out to the widget and the operators, the effect worker's wake-up and the turn observer.
import type { EffectRecord } from '../storage/session.store.ts';
import type { EngineContext } from './engine.context.ts';
import { OPERATORS_CHANNEL, sessionChannel } from './realtime.port.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';
import type { TurnOutput } from './turn.output.ts';
import type { StageClock } from './turn.stages.ts';
import type { ChatMessage, TraceEntry, TurnResponse } from './turn.types.ts';

/** Everything after a stored turn (a session's first one or any later), in order. */
export async function followCommit(
  ctx: EngineContext,
  trace: TraceEntry,
  snapshot: ConversationSnapshot,
  out: Pick<TurnOutput, 'response' | 'messages' | 'effects'>,
  startedAt: number,
  clock: StageClock | null = null,
) {
  await notifyCommitted(ctx, trace, snapshot);
  clock?.lap('followups');
  await afterCommit(
    ctx,
    out.response,
    out.messages,
    out.effects,
    trace,
    snapshot.context.assignedAgentId,
    startedAt,
    clock,
  );
}

async function notifyCommitted(ctx: EngineContext, trace: TraceEntry, snapshot: ConversationSnapshot) {
  const { deps } = ctx;
  if (!deps.onCommitted) return;
  await deps
    .onCommitted({ trace, snapshot })
    .catch((error: unknown) =>
      ctx.logger.error({ err: error, sessionId: trace.sessionId, seq: trace.seq }, 'onCommitted failed'),
    );
}

async function afterCommit(
  ctx: EngineContext,
  response: TurnResponse,
  messages: ChatMessage[],
  effects: EffectRecord[],
  trace: TraceEntry,
  assignedAgentId: string | null,
  startedAt: number,
  clock: StageClock | null = null,
) {
  const { deps, logger } = ctx;
  if (effects.length > 0) deps.onEffectsCommitted?.(effects);
  const payload = { state: response.state, owner: response.owner, messages, buttons: response.buttons };
  // The widget's channel and the operators' channel at once (one round trip on Redis): the two are
  // independent, and subscribers order a session's turns by their seq. The operators' copy says who
  // holds the conversation: each operator's stream forwards only what its operator may read.
  const event = { sessionId: response.sessionId, seq: response.seq, kind: 'turn' as const, payload };
  const operatorsEvent = { ...event, payload: { ...payload, assignedAgentId } };
  await Promise.all(
    (
      [
        [sessionChannel(response.sessionId), event],
        [OPERATORS_CHANNEL, operatorsEvent],
      ] as const
    ).map(([channel, e]) =>
      deps.realtime
        .publish(channel, e)
        .catch((error: unknown) =>
          logger.warn({ err: error, sessionId: response.sessionId }, 'realtime publish failed'),
        ),
    ),
  );
  clock?.lap('publish');
  deps.onTurn?.({
    trace,
    response,
    durationMs: performance.now() - startedAt,
    ...(clock ? { stages: clock.stages } : {}),
  });
}
