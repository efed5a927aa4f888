// What planning a turn produces: the machine event for an inbound, the transcript message and trace
// record it adds, and the detection behind it; or a refusal (a HandleResult) when the inbound does not apply.
import type { Detection } from '../detection/detection.types.ts';
import type { ConversationEvent } from '../machines/conversation.events.ts';
import type { RenderExtras } from './reply.render.ts';
import type { ChatMessage, InboundTrace } from './turn.types.ts';

export interface Planned {
  event: ConversationEvent;
  /** The inbound's own transcript line (the visitor's message); null for operator, desk and timer events. */
  inboundMessage: ChatMessage | null;
  inboundTrace: InboundTrace;
  detection: Detection | null;
  /** Values from outside the machine the replies need, known at planning time (a desk agent's name). */
  extras?: RenderExtras;
}

export type Refusal = { outcome: 'not_accepted'; state: string; message: string };

export const notAccepted = (state: string, message: string): Refusal => ({
  outcome: 'not_accepted',
  state,
  message,
});
