// Reads of a session outside a turn: what a widget or an operator is shown, and the facts the read policy
// needs (conversation.policy.ts `operatorMayRead`) without loading the transcript.
import { localButtons } from '../content/button.labels.ts';
import { offeredButtons } from '../machines/conversation.buttons.ts';
import { HUMAN_TAG } from '../machines/conversation.machine.ts';
import type { ReadFacts } from './conversation.policy.ts';
import type { EngineContext } from './engine.context.ts';
import { tokenMatches } from './session.token.ts';
import { rehydrateSnapshot, statePath } from './snapshot.codec.ts';

/** `token` null: the caller is already authorised (an operator, a channel edge). */
export async function viewSession(ctx: EngineContext, sessionId: string, token: string | null) {
  const { machine, store, knowledge } = ctx;
  const session = await store.load(sessionId);
  if (!session) return { outcome: 'not_found' as const };
  if (token !== null && !tokenMatches(token, session.tokenHash)) return { outcome: 'unauthorized' as const };
  const snapshot = rehydrateSnapshot(machine, session.schemaVersion, session.snapshot);
  const state = statePath(snapshot);
  return {
    outcome: 'ok' as const,
    session,
    snapshot,
    state,
    owner: snapshot.hasTag(HUMAN_TAG) ? ('human' as const) : ('bot' as const),
    buttons: localButtons(
      offeredButtons(state, snapshot.context).buttons,
      knowledge,
      snapshot.context.language,
    ),
    messages: await store.messages(sessionId),
  };
}

export async function readSessionFacts(ctx: EngineContext, sessionId: string): Promise<ReadFacts | null> {
  const session = await ctx.store.load(sessionId);
  if (!session) return null;
  const snapshot = rehydrateSnapshot(ctx.machine, session.schemaVersion, session.snapshot);
  return { state: statePath(snapshot), assignedAgentId: snapshot.context.assignedAgentId };
}
