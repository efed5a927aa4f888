// The turn pipeline: load → access check → idempotency → plan (visitor detection, operator policy, desk
// mapping) → pure transition → atomic compare-and-set commit (snapshot, messages, trace, effects) → after
// commit: publish and kick the effect worker. On a version conflict the turn is redone from the reloaded
// session, reusing the detection when the state is unchanged (so the LLM is never called twice for one message).
// The stages live in their own files (session.start, turn.handle, turn.attempt, commit.followups, session.view),
// as functions over the context built here once.
import { type EngineDeps, engineContext } from './engine.context.ts';
import type { HandleOptions, Inbound } from './inbound.ts';
import { type StartOptions, startSession } from './session.start.ts';
import { readSessionFacts, viewSession } from './session.view.ts';
import { handleTurn } from './turn.handle.ts';

export type { CommittedTurn, EngineDeps } from './engine.context.ts';
export type { StartOptions, StartResult } from './session.start.ts';
export { hashToken, tokenMatches } from './session.token.ts';

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(deps: EngineDeps) {
  const ctx = engineContext(deps);
  return {
    start: (options?: StartOptions) => startSession(ctx, options),
    handle: (sessionId: string, received: Inbound, options?: HandleOptions) =>
      handleTurn(ctx, sessionId, received, options),
    view: (sessionId: string, token: string | null) => viewSession(ctx, sessionId, token),
    /** What the read policy needs (conversation.policy.ts `operatorMayRead`), without loading the transcript. */
    readFacts: (sessionId: string) => readSessionFacts(ctx, sessionId),
  };
}
