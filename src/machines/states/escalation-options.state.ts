import type { ConversationSetup } from '../conversation.setup.ts';
import { inactivity, manualEscalation } from './bot-exits.transitions.ts';

export function escalationOptionsState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'escalation_options' } },
      'countEscalationOffer',
      { type: 'say', params: { key: 'escalation_options.offer' } },
    ],
    on: {
      'VISITOR.CHOOSE': [
        {
          guard: 'choseAvailableInstantChat',
          target: 'escalated',
          actions: ['noteVisitorMessage', 'setEscalationReason'],
        },
        {
          guard: 'choseCallback',
          target: 'callback_collection',
          actions: ['noteVisitorMessage', 'setEscalationReason'],
        },
        {
          guard: 'choseTicket',
          target: 'ticket_collection',
          actions: ['noteVisitorMessage', 'setEscalationReason'],
        },
      ],
      'VISITOR.TEXT': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'escalation_options.choose' } }],
      },
      'VISITOR.ESCALATION_REQUEST': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'escalation_options.choose' } }],
      },
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}
