// The conditions transitions are chosen by: pure reads of context and event.
import type { GuardArgs } from 'xstate';
import type { ConversationContext, MachineOptions } from './conversation.context.ts';
import { type ConversationEvent, textOf } from './conversation.events.ts';
import { parseCallbackWindow, parseDescription } from './visitor-info.parse.ts';

type Args = GuardArgs<ConversationContext, ConversationEvent>;

export function conversationGuards(options: MachineOptions) {
  const stepsFor = (ctx: ConversationContext) => options.stepCounts[ctx.category ?? 'other'];
  return {
    attemptsExhausted: ({ context }: Args) =>
      context.troubleshootingAttempts + 1 >= options.maxFailedAttempts,
    hasMoreSteps: ({ context }: Args) => context.stepIndex + 1 < stepsFor(context),
    hasCategory: ({ context }: Args) => context.category !== null,
    validCallbackWindow: ({ event }: Args) => parseCallbackWindow(textOf(event)).ok,
    validDescription: ({ event }: Args) => parseDescription(textOf(event)).ok,
    awaitingPhone: ({ context }: Args) => context.visitor.phone === undefined,
    awaitingEmail: ({ context }: Args) => context.visitor.email === undefined,
    choseAvailableInstantChat: ({ context, event }: Args) =>
      event.type === 'VISITOR.CHOOSE' && event.option === 'instant_chat' && !context.instantChatUnavailable,
    choseCallback: ({ event }: Args) => event.type === 'VISITOR.CHOOSE' && event.option === 'callback',
    choseTicket: ({ event }: Args) => event.type === 'VISITOR.CHOOSE' && event.option === 'ticket',
    ratingOffered: ({ context }: Args) => context.satisfaction === 'offered',
    ratingCommentWelcome: ({ context }: Args) => context.satisfaction === 'comment',
    ticketDone: ({ event }: Args) =>
      event.type === 'DESK.TICKET_STATUS' && (event.status === 'solved' || event.status === 'closed'),
  };
}
