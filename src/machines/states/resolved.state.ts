import type { ConversationSetup } from '../conversation.setup.ts';
import { newSegmentTransitions } from './after-resolution.transitions.ts';

export function resolvedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'resolved' } },
      { type: 'say', params: { key: 'resolved.goodbye' } },
    ],
    on: newSegmentTransitions(),
  });
}
