// The conversation as an explicit XState v5 machine: the product's contract. Pure: no I/O, no clock, no
// randomness. Side effects are named actions with JSON params (`say`, `createHandoff`, …) that the engine
// executes after the new snapshot is committed. Each state's config lives in states/, written against the
// typed vocabulary of conversation.setup.ts.
import type { MachineOptions } from './conversation.context.ts';
import { initialContext } from './conversation.initial-context.ts';
import { conversationSetup } from './conversation.setup.ts';
import { awaitingConfirmationState } from './states/awaiting-confirmation.state.ts';
import { callbackCollectionState, callbackScheduledState } from './states/callback.states.ts';
import { escalatedState } from './states/escalated.state.ts';
import { escalationOptionsState } from './states/escalation-options.state.ts';
import { greetingState } from './states/greeting.state.ts';
import { issueGatheringState } from './states/issue-gathering.state.ts';
import { resolvedState } from './states/resolved.state.ts';
import {
  ticketAnsweredState,
  ticketCollectionState,
  ticketCreatedState,
  ticketSolvedState,
} from './states/ticket.states.ts';
import { troubleshootingState } from './states/troubleshooting.state.ts';

export { COLLECTING_TAG, HUMAN_TAG } from './conversation.tags.ts';

export const DEFAULT_MACHINE_OPTIONS: MachineOptions = {
  maxFailedAttempts: 3,
  stepCounts: { login: 3, payment: 3, delivery: 3, refund: 2, technical: 3, other: 1 },
  historyLimit: 20,
};

export function createConversationMachine(options: MachineOptions = DEFAULT_MACHINE_OPTIONS) {
  const conversation = conversationSetup(options);
  return conversation.createMachine({
    id: 'conversation',
    context: ({ input }) => initialContext(input),
    initial: 'greeting',
    states: {
      greeting: greetingState(conversation),
      issue_gathering: issueGatheringState(conversation),
      troubleshooting: troubleshootingState(conversation),
      awaiting_confirmation: awaitingConfirmationState(conversation),
      resolved: resolvedState(conversation),
      escalation_options: escalationOptionsState(conversation),
      escalated: escalatedState(conversation),
      callback_collection: callbackCollectionState(conversation),
      callback_scheduled: callbackScheduledState(conversation),
      ticket_collection: ticketCollectionState(conversation),
      ticket_created: ticketCreatedState(conversation),
      ticket_answered: ticketAnsweredState(conversation),
      ticket_solved: ticketSolvedState(conversation),
    },
  });
}

export type ConversationMachine = ReturnType<typeof createConversationMachine>;
