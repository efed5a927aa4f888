// Operator-side effects carry no escalation id (the machine is pure): the live-chat handoff they belong to
// is found from the session's trace, and waited for when its createHandoff effect has not written it yet.
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { TraceEntry } from '../../engine/turn.types.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import type { HandoffEffectContext } from './handoff-effect.context.ts';

/** Effects, as the engine derives them from a turn's actions (`say` is rendered, xstate.* is internal). */
function effectActions(trace: TraceEntry) {
  return trace.actions.filter((a) => a.type !== 'say' && !a.type.startsWith('xstate.'));
}

/**
 * The idempotency key of the live-chat handoff an operator event at `seq` belongs to: the latest turn at or
 * before it that created an instant-chat handoff. (Operator effects carry no escalation id: the machine is pure.)
 */
export function escalationKeyAt(traces: TraceEntry[], sessionId: string, seq: number): string | null {
  const ordered = traces.filter((t) => t.seq <= seq).sort((a, b) => b.seq - a.seq);
  for (const trace of ordered) {
    const effects = effectActions(trace);
    const index = effects.findIndex(
      (a) =>
        a.type === 'createHandoff' &&
        (a.params as { channel?: unknown } | undefined)?.channel === 'instant_chat',
    );
    if (index >= 0) return `${sessionId}:${trace.seq}:${index}`;
  }
  return null;
}

/** Finds the escalation an operator-side effect belongs to, or the outcome to return when it cannot (yet). */
export async function escalationOf(
  ctx: Pick<HandoffEffectContext, 'store' | 'records' | 'logger' | 'notYetMs'>,
  effect: ClaimedEffect,
): Promise<{ key: string; trace: TraceEntry | undefined } | EffectOutcome> {
  const traces = await ctx.store.trace(effect.sessionId);
  const key = escalationKeyAt(traces, effect.sessionId, effect.seq);
  if (!key) {
    ctx.logger.warn({ effect: effect.idempotencyKey, type: effect.type }, 'no live-chat handoff to update');
    return { outcome: 'done' };
  }
  if (!(await ctx.records.findEscalation(key))) {
    // The createHandoff effect has not written its row yet (effects of different turns run in parallel).
    return { outcome: 'retry', error: `escalation ${key} not recorded yet`, retryAfterMs: ctx.notYetMs };
  }
  return { key, trace: traces.find((t) => t.seq === effect.seq) };
}
