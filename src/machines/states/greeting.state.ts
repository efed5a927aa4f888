import type { ConversationSetup } from '../conversation.setup.ts';
import { escalationRequest, frustration, inactivity, manualEscalation } from './bot-exits.transitions.ts';

export function greetingState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [{ type: 'say', params: { key: 'greeting.welcome' } }],
    on: {
      'VISITOR.GREETING': { target: 'issue_gathering', actions: 'noteVisitorMessage' },
      'VISITOR.ISSUE': {
        target: 'troubleshooting',
        actions: ['noteVisitorMessage', 'setCategoryFromIssue'],
      },
      'VISITOR.TEXT': { target: 'issue_gathering', actions: 'noteVisitorMessage' },
      'VISITOR.ESCALATION_REQUEST': escalationRequest(),
      'VISITOR.FRUSTRATED': frustration(),
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}
