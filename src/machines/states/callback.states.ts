// A scheduled callback: the visitor's phone number, then when to call.
import type { ConversationSetup } from '../conversation.setup.ts';
import { COLLECTING_TAG } from '../conversation.tags.ts';
import { newSegmentTransitions } from './after-resolution.transitions.ts';
import { inactivity, manualEscalation } from './bot-exits.transitions.ts';

export function callbackCollectionState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    tags: [COLLECTING_TAG],
    entry: [
      { type: 'recordState', params: { state: 'callback_collection' } },
      'clearCollected',
      { type: 'say', params: { key: 'callback.ask_phone' } },
    ],
    on: {
      'VISITOR.TEXT': [
        {
          guard: 'awaitingPhone',
          actions: [
            'noteVisitorMessage',
            'collectPhone',
            { type: 'say', params: { key: 'callback.after_phone' } },
          ],
        },
        {
          guard: 'validCallbackWindow',
          target: 'callback_scheduled',
          actions: ['noteVisitorMessage', 'collectCallbackWindow'],
        },
        {
          actions: [
            'noteVisitorMessage',
            'collectCallbackWindow',
            { type: 'say', params: { key: 'callback.invalid_window' } },
          ],
        },
      ],
      'VISITOR.CANCEL': { target: 'escalation_options', actions: 'noteVisitorMessage' },
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}

export function callbackScheduledState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'callback_scheduled' } },
      { type: 'createHandoff', params: { channel: 'callback' } },
      { type: 'say', params: { key: 'callback.scheduled' } },
    ],
    on: newSegmentTransitions(),
  });
}
