// The machine's typed vocabulary: its context, events and input, and every action and guard a state names.
// State configs are written against it (`createStateConfig`), so a misspelt action or guard fails to compile.
import { setup } from 'xstate';
import { contextActions } from './conversation.actions.ts';
import type { ConversationContext, ConversationInput, MachineOptions } from './conversation.context.ts';
import { EFFECT_ACTIONS } from './conversation.effects.ts';
import type { ConversationEvent } from './conversation.events.ts';
import { conversationGuards } from './conversation.guards.ts';

export function conversationSetup(options: MachineOptions) {
  return setup({
    types: {
      context: {} as ConversationContext,
      events: {} as ConversationEvent,
      input: {} as ConversationInput,
    },
    actions: { ...contextActions(options), ...EFFECT_ACTIONS },
    guards: conversationGuards(options),
  });
}

export type ConversationSetup = ReturnType<typeof conversationSetup>;
