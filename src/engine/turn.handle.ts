// The commit loop: a turn is attempted until its compare-and-set wins, backing off a little after each
// version conflict; the detection of a lost attempt is reused while the state is unchanged.
import type { EngineContext } from './engine.context.ts';
import { type HandleOptions, type HandleResult, type Inbound, withCardNumbersMasked } from './inbound.ts';
import { attemptTurn } from './turn.attempt.ts';
import { stageClock } from './turn.stages.ts';
import type { Reuse } from './visitor.plan.ts';

/** The key under which a redelivered inbound finds its stored answer; null when it has none. */
function idempotencyKey(inbound: Inbound): string | null {
  switch (inbound.kind) {
    case 'visitor':
      return inbound.clientMessageId;
    case 'operator':
      return inbound.clientMessageId ? `op:${inbound.operatorId}:${inbound.clientMessageId}` : null;
    case 'timer':
      return `timer:${inbound.timerId}`;
    case 'handoff':
      return `handoff:${inbound.handoffKey}`;
    case 'desk':
      return `desk:${inbound.event.desk}:${inbound.event.eventId}`;
  }
}

export async function handleTurn(
  ctx: EngineContext,
  sessionId: string,
  received: Inbound,
  options: HandleOptions = {},
): Promise<HandleResult> {
  // Before anything stores, traces, shows or classifies the text (transcripts, traces, LLM prompts).
  const inbound = withCardNumbersMasked(received);
  const startedAt = performance.now();
  const clock = ctx.deps.timeStages ? stageClock() : null;
  const clientKey = idempotencyKey(inbound);
  const reuse: { current: Reuse } = { current: null };
  for (let n = 1; n <= ctx.maxAttempts; n++) {
    const result = await attemptTurn(ctx, sessionId, inbound, options, clientKey, reuse, startedAt, clock);
    if (result !== 'retry') return result;
    // Version conflict: another turn on this session committed first. Back off a little and redo.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** n)));
  }
  ctx.logger.warn({ sessionId }, 'turn gave up after repeated version conflicts');
  return { outcome: 'busy' };
}
