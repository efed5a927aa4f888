// An operator command as the machine event it becomes (the policy asks the machine whether it accepts it).
import type { ConversationEvent } from '../machines/conversation.events.ts';
import type { OperatorCommand } from './inbound.ts';

export function operatorEvent(command: OperatorCommand, operatorId: string, at: string): ConversationEvent {
  switch (command.action) {
    case 'assign':
    case 'transfer':
      return { type: 'OPERATOR.ASSIGN', at, agentId: command.agentId };
    case 'message':
      return { type: 'OPERATOR.MESSAGE', at, agentId: operatorId, text: command.text };
    case 'resolve':
      return {
        type: 'OPERATOR.RESOLVE',
        at,
        agentId: operatorId,
        notes: command.notes,
        resolutionCategory: command.resolutionCategory,
      };
    case 'handback':
      return { type: 'OPERATOR.HANDBACK', at, agentId: operatorId };
    case 'escalate':
      return { type: 'OPERATOR.ESCALATE', at, agentId: operatorId, reason: command.reason };
  }
}
