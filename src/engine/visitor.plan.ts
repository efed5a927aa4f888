// Plans a visitor message (any channel): a pressed button is only a button in the state that showed it;
// while a human owns the conversation nothing is detected; otherwise detection (reused on a CAS redo when
// the state is unchanged, so the LLM is never asked twice for one message) picks the machine event.
import type { CustomerFacts } from '../contacts/contact.types.ts';
import { buttonLabel } from '../content/button.labels.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { Detection } from '../detection/detection.types.ts';
import type { Detector } from '../detection/detector.ts';
import { offeredButtons } from '../machines/conversation.buttons.ts';
import { HUMAN_TAG } from '../machines/conversation.machine.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { acceptedIntents, visitorEvent } from './event.mapping.ts';
import type { HandleResult, VisitorInbound } from './inbound.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';
import type { Planned } from './turn.plan.ts';
import type { ChatMessage, InboundTrace } from './turn.types.ts';

export interface VisitorPlanDeps {
  detector: Detector;
  knowledge: Knowledge;
  store: Pick<SessionStore, 'messages'>;
  /** Messages of history given to the LLM layer. */
  classifierHistory: number;
  /**
   * What we know about the person in this session (customer priority rules); the answer is recorded in the
   * detection, so replay never asks again. Absent: nobody is known.
   */
  customerFacts?: (
    sessionId: string,
    context: ConversationSnapshot['context'],
  ) => Promise<CustomerFacts | null>;
}

export type Reuse = { state: string; detection: Detection | null } | null;

export async function planVisitor(
  deps: VisitorPlanDeps,
  inbound: VisitorInbound,
  sessionId: string,
  snapshot: ConversationSnapshot,
  at: string,
  reuse: Reuse,
): Promise<Planned | HandleResult> {
  const state = statePath(snapshot);
  const offered = offeredButtons(state, snapshot.context);
  const visitorMessage = (text: string): ChatMessage => ({ seq: 0, role: 'visitor', text, at });
  const inboundTrace: InboundTrace = {
    kind: 'visitor',
    // The web widget is the implicit channel of every version-1 trace: only other channels are named.
    ...(inbound.channel !== 'web' ? { channel: inbound.channel } : {}),
    clientMessageId: inbound.clientMessageId,
    ...('button' in inbound ? { button: inbound.button } : { text: inbound.text }),
  };
  if ('button' in inbound) {
    const button = offered.buttons.find((b) => b.id === inbound.button);
    if (!button)
      return {
        outcome: 'button_not_offered',
        buttonId: inbound.button,
        offered: offered.buttons.map((b) => b.id),
      };
    const detection = deps.detector.pressed(
      button.id,
      snapshot.context,
      await deps.customerFacts?.(sessionId, snapshot.context),
    );
    return {
      event: visitorEvent(snapshot, detection, button.label, offered, at),
      // The visitor's message reads as the button they saw (in their language); the machine gets its own label.
      inboundMessage: visitorMessage(
        `${button.emoji ? `${button.emoji} ` : ''}${buttonLabel(button, deps.knowledge, snapshot.context.language)}`,
      ),
      inboundTrace,
      detection,
    };
  }
  if (snapshot.hasTag(HUMAN_TAG)) {
    // A human owns the conversation: no detection, no LLM, no bot reply. The text goes to the operator.
    return {
      event: { type: 'VISITOR.TEXT', at, signals: {}, text: inbound.text },
      inboundMessage: visitorMessage(inbound.text),
      inboundTrace,
      detection: null,
    };
  }
  const detection =
    reuse && reuse.state === state && reuse.detection
      ? reuse.detection
      : await deps.detector.detect({
          text: inbound.text,
          state,
          offered,
          acceptedIntents: acceptedIntents(snapshot, at),
          context: snapshot.context,
          recent: deps.detector.usesHistory
            ? await deps.store.messages(sessionId, { limit: deps.classifierHistory })
            : [],
          troubleshootingStep:
            state === 'troubleshooting'
              ? (deps.knowledge.categories[snapshot.context.category ?? 'other'].steps[
                  snapshot.context.stepIndex
                ] ?? null)
              : null,
          customer: (await deps.customerFacts?.(sessionId, snapshot.context)) ?? null,
        });
  return {
    event: visitorEvent(snapshot, detection, inbound.text, offered, at),
    inboundMessage: visitorMessage(inbound.text),
    inboundTrace,
    detection,
  };
}
