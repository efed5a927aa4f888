import type { ConversationSetup } from '../conversation.setup.ts';
import { escalationRequest, frustration, inactivity, manualEscalation } from './bot-exits.transitions.ts';

export function troubleshootingState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'troubleshooting' } },
      { type: 'say', params: { key: 'troubleshooting.step' } },
    ],
    on: {
      'VISITOR.SOLUTION_WORKED': { target: 'awaiting_confirmation', actions: 'noteVisitorMessage' },
      'VISITOR.SOLUTION_FAILED': [
        {
          guard: 'attemptsExhausted',
          target: 'escalation_options',
          actions: [
            'noteVisitorMessage',
            'failAttempt',
            { type: 'addTrigger', params: { trigger: 'attempts_exhausted' } },
          ],
        },
        {
          guard: 'hasMoreSteps',
          target: 'troubleshooting',
          reenter: true,
          actions: ['noteVisitorMessage', 'failAttempt', 'nextStep'],
        },
        {
          target: 'escalation_options',
          actions: [
            'noteVisitorMessage',
            'failAttempt',
            { type: 'addTrigger', params: { trigger: 'no_steps_left' } },
          ],
        },
      ],
      'VISITOR.ACKNOWLEDGED': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'troubleshooting.did_it_work' } }],
      },
      'VISITOR.TEXT': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'troubleshooting.did_it_work' } }],
      },
      'VISITOR.ESCALATION_REQUEST': escalationRequest(),
      'VISITOR.FRUSTRATED': frustration(),
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}
