import type { ConversationSetup } from '../conversation.setup.ts';
import { escalationRequest, frustration, inactivity, manualEscalation } from './bot-exits.transitions.ts';

/** "It still does not work": the next step if there is one, else a human is offered. */
function denyOrFail() {
  return [
    {
      guard: 'attemptsExhausted',
      target: '#conversation.escalation_options',
      actions: [
        'noteVisitorMessage',
        'failAttempt',
        { type: 'addTrigger', params: { trigger: 'attempts_exhausted' } },
      ],
    },
    {
      guard: 'hasMoreSteps',
      target: '#conversation.troubleshooting',
      actions: ['noteVisitorMessage', 'failAttempt', 'nextStep'],
    },
    {
      target: '#conversation.escalation_options',
      actions: [
        'noteVisitorMessage',
        'failAttempt',
        { type: 'addTrigger', params: { trigger: 'no_steps_left' } },
      ],
    },
  ] as const;
}

export function awaitingConfirmationState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'awaiting_confirmation' } },
      { type: 'say', params: { key: 'awaiting_confirmation.ask' } },
    ],
    on: {
      'VISITOR.AFFIRM': { target: 'resolved', actions: 'noteVisitorMessage' },
      'VISITOR.SOLUTION_WORKED': { target: 'resolved', actions: 'noteVisitorMessage' },
      'VISITOR.DENY': denyOrFail(),
      'VISITOR.SOLUTION_FAILED': denyOrFail(),
      'VISITOR.TEXT': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'awaiting_confirmation.ask' } }],
      },
      'VISITOR.ESCALATION_REQUEST': escalationRequest(),
      'VISITOR.FRUSTRATED': frustration(),
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}
