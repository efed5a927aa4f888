// What one operator's live stream may carry: the events of conversations the read policy lets them read
// (conversation.policy.ts `operatorMayRead`). Every operator's stream hears every event of the operators'
// channel; this decides per event. A committed turn carries its own facts (state, holder), so the scope
// is kept current for every conversation that moves while the stream is open; for a conversation not seen
// yet (a typing signal, a queue notice) the stored snapshot is asked once.
import { type OperatorActor, operatorMayRead, type ReadFacts } from '../engine/conversation.policy.ts';

/** Conversations remembered per stream; past this the memory starts over (the store answers again). */
const REMEMBERED = 5_000;

export type TurnVerdict =
  /** The operator may read it: forward the turn. */
  | 'forward'
  /** It just left the operator's reach (a colleague took it, the bot has it back): say so, without content. */
  | 'left'
  /** Never theirs: nothing. */
  | 'skip';

export function createOperatorStreamScope(
  actor: OperatorActor,
  readFacts: (sessionId: string) => Promise<ReadFacts | null>,
) {
  const everything = actor.role === 'admin';
  const known = new Map<string, boolean>();
  const remember = (sessionId: string, readable: boolean) => {
    if (known.size >= REMEMBERED) known.clear();
    known.set(sessionId, readable);
  };
  return {
    turn(sessionId: string, facts: ReadFacts): TurnVerdict {
      if (everything) return 'forward';
      const before = known.get(sessionId);
      const readable = operatorMayRead(actor, facts).allowed;
      remember(sessionId, readable);
      if (readable) return 'forward';
      return before ? 'left' : 'skip';
    },
    /** Whether an event about this conversation (not a turn) may reach the operator. */
    async mayRead(sessionId: string): Promise<boolean> {
      if (everything) return true;
      const seen = known.get(sessionId);
      if (seen !== undefined) return seen;
      const facts = await readFacts(sessionId);
      const readable = facts !== null && operatorMayRead(actor, facts).allowed;
      remember(sessionId, readable);
      return readable;
    },
  };
}
