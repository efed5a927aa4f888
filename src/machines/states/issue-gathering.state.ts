import type { ConversationSetup } from '../conversation.setup.ts';
import { escalationRequest, frustration, inactivity, manualEscalation } from './bot-exits.transitions.ts';

export function issueGatheringState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'issue_gathering' } },
      { type: 'say', params: { key: 'issue_gathering.ask' } },
    ],
    on: {
      'VISITOR.ISSUE': {
        target: 'troubleshooting',
        actions: ['noteVisitorMessage', 'setCategoryFromIssue'],
      },
      'VISITOR.TEXT': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'issue_gathering.clarify' } }],
      },
      'VISITOR.GREETING': {
        actions: ['noteVisitorMessage', { type: 'say', params: { key: 'issue_gathering.ask' } }],
      },
      'VISITOR.ESCALATION_REQUEST': escalationRequest(),
      'VISITOR.FRUSTRATED': frustration(),
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}
