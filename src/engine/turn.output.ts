// What a committed turn writes: the transcript messages (rendered replies, buttons on the last bot reply),
// the effects (machine actions other than `say`, the intent-log record, deliveries to the visitor's
// channel), the caller's response and the trace entry.
import { type ContactTurn, contactEffectParams, RECORD_CONTACT } from '../contacts/contact.effect.ts';
import { localButtons } from '../content/button.labels.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { Detection } from '../detection/detection.types.ts';
import { intentLogParams, RECORD_DETECTION } from '../detection/intent-log.record.ts';
import { offeredButtons } from '../machines/conversation.buttons.ts';
import type { ConversationEvent } from '../machines/conversation.events.ts';
import { HUMAN_TAG } from '../machines/conversation.machine.ts';
import type { EffectRecord } from '../storage/session.store.ts';
import { type RenderExtras, renderReply, replyRole } from './reply.render.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';
import {
  type ChatMessage,
  type InboundTrace,
  TRACE_FORMAT_VERSION,
  type TraceEntry,
  type TurnResponse,
} from './turn.types.ts';

export const DELIVER_TO_VISITOR = 'deliverToVisitor';

/** Actions that are bookkeeping inside the machine or rendered as replies, not effects to execute. */
const NOT_EFFECTS = new Set(['say']);

export type MachineAction = { type: string; params?: unknown };

export interface TurnOutputInput {
  sessionId: string;
  seq: number;
  firstMessageSeq: number;
  at: string;
  inboundMessage: ChatMessage | null;
  operatorMessage: ChatMessage | null;
  next: ConversationSnapshot;
  actions: ReadonlyArray<MachineAction>;
  extras?: RenderExtras;
  /** True when the visitor's channel cannot show these messages by itself: a deliverToVisitor effect. */
  deliverToVisitor?: boolean;
}

function renderMessages(input: TurnOutputInput, knowledge: Knowledge, buttons: TurnResponse['buttons']) {
  const messages: ChatMessage[] = [];
  let messageSeq = input.firstMessageSeq;
  if (input.inboundMessage) messages.push({ ...input.inboundMessage, seq: messageSeq++ });
  if (input.operatorMessage) messages.push({ ...input.operatorMessage, seq: messageSeq++ });
  const replies: ChatMessage[] = [];
  for (const action of input.actions) {
    if (action.type !== 'say') continue;
    const key = (action.params as { key: string }).key;
    replies.push({
      seq: messageSeq++,
      role: replyRole(key),
      text: renderReply(key, input.next.context, knowledge, input.extras),
      at: input.at,
    });
  }
  const lastBot = [...replies].reverse().find((r) => r.role === 'bot');
  if (lastBot && buttons.length > 0) lastBot.buttons = buttons;
  messages.push(...replies);
  return { messages, replies };
}

export function buildTurnOutput(input: TurnOutputInput, knowledge: Knowledge) {
  const { sessionId, seq, at, next, actions } = input;
  const state = statePath(next);
  const buttons = localButtons(offeredButtons(state, next.context).buttons, knowledge, next.context.language);
  const { messages, replies } = renderMessages(input, knowledge, buttons);
  const effects: EffectRecord[] = actions
    .filter((a) => !NOT_EFFECTS.has(a.type) && !a.type.startsWith('xstate.'))
    .map((a, index) => ({
      idempotencyKey: `${sessionId}:${seq}:${index}`,
      sessionId,
      seq,
      type: a.type,
      params: {
        ...(a.params && typeof a.params === 'object' ? a.params : {}),
        ...(a.type === 'createHandoff' && input.extras?.ticketNumber
          ? { ticketNumber: input.extras.ticketNumber }
          : {}),
        state,
        at,
      },
    }));
  const outbound = messages.filter((m) => m.role !== 'visitor');
  if (input.deliverToVisitor && outbound.length > 0) {
    effects.push({
      idempotencyKey: `${sessionId}:${seq}:${effects.length}`,
      sessionId,
      seq,
      type: DELIVER_TO_VISITOR,
      params: {
        messages: outbound.map((m) => ({
          seq: m.seq,
          role: m.role,
          text: m.text,
          ...(m.buttons ? { buttons: m.buttons } : {}),
          ...(m.agentId ? { agentId: m.agentId } : {}),
        })),
        state,
        at,
      },
    });
  }
  const owner: 'bot' | 'human' = next.hasTag(HUMAN_TAG) ? 'human' : 'bot';
  const response: TurnResponse = { sessionId, seq, state, owner, replies: outbound, messages, buttons };
  return { state, messages, effects, response, owner, replies };
}

export type TurnOutput = ReturnType<typeof buildTurnOutput>;

/** The intent-log effect of a turn that asked the LLM (one row per turn, written after the commit). */
export function addIntentLogEffect(
  out: TurnOutput,
  planned: { detection: Detection | null; inboundMessage: ChatMessage | null; event: ConversationEvent },
  sessionId: string,
  seq: number,
  at: string,
): void {
  const intentLog = intentLogParams(
    planned.detection,
    planned.inboundMessage?.text ?? '',
    planned.event.type,
    out.state,
  );
  if (!intentLog) return;
  out.effects.push({
    idempotencyKey: `${sessionId}:${seq}:${out.effects.length}`,
    sessionId,
    seq,
    type: RECORD_DETECTION,
    params: { ...intentLog, state: out.state, at },
  });
}

/** The customer-memory effect of a turn (contact.effect.ts), when the turn taught it something. */
export function addContactEffect(
  out: TurnOutput,
  turn: ContactTurn,
  sessionId: string,
  seq: number,
  at: string,
) {
  const params = contactEffectParams(turn);
  if (!params) return;
  out.effects.push({
    idempotencyKey: `${sessionId}:${seq}:${out.effects.length}`,
    sessionId,
    seq,
    type: RECORD_CONTACT,
    params: { ...params, state: out.state, at },
  });
}

export function traceOf(input: {
  sessionId: string;
  seq: number;
  at: string;
  inbound: InboundTrace;
  detection: Detection | null;
  event: ConversationEvent | null;
  from: string | null;
  out: TurnOutput;
  actions: ReadonlyArray<MachineAction>;
  extras?: RenderExtras;
}): TraceEntry {
  const extras = input.extras ?? {};
  return {
    v: TRACE_FORMAT_VERSION,
    sessionId: input.sessionId,
    seq: input.seq,
    at: input.at,
    inbound: input.inbound,
    detection: input.detection,
    event: input.event ? { ...input.event } : null,
    from: input.from,
    to: input.out.state,
    actions: input.actions.map((a) => ({ type: a.type, params: a.params })),
    replies: input.out.replies.map((r) => ({ role: r.role, text: r.text })),
    buttons: input.out.response.buttons.map((b) => b.id),
    ...(Object.keys(extras).length > 0 ? { extras } : {}),
  };
}
