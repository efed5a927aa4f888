// What happens after a commit, as a port the engine is given before anything that listens to it exists:
// the effect worker (new effects to run) and the trace sink (entries to copy) subscribe once they are
// built. This is what lets the composition root build the engine first and hand it to the handoff
// handlers, the operator tools and the timers, instead of wiring closures to an engine built later.
import type { EffectRecord } from '../storage/session.store.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';
import type { TraceEntry } from './turn.types.ts';

export interface CommittedState {
  trace: TraceEntry;
  snapshot: ConversationSnapshot;
}

export function createCommitSignals() {
  const committedListeners: Array<(turn: CommittedState) => Promise<void> | void> = [];
  const effectListeners: Array<(effects: EffectRecord[]) => void> = [];
  return {
    /** The engine, after each commit: every listener has run (timers armed) before the turn is answered. */
    async committed(turn: CommittedState): Promise<void> {
      await Promise.all(committedListeners.map((listener) => listener(turn)));
    },
    /** The engine, after a commit that wrote effects. */
    effectsCommitted(effects: EffectRecord[]): void {
      for (const listener of effectListeners) listener(effects);
    },
    onCommitted(listener: (turn: CommittedState) => Promise<void> | void): void {
      committedListeners.push(listener);
    },
    onEffectsCommitted(listener: (effects: EffectRecord[]) => void): void {
      effectListeners.push(listener);
    },
  };
}

export type CommitSignals = ReturnType<typeof createCommitSignals>;
