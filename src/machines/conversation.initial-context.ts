import type { ConversationContext, ConversationInput } from './conversation.context.ts';

/**
 * The context of a new session. `transition()` builds a throwaway actor without input on every call, hence
 * `input?.`: a throw here would be caught by xstate but costs a stack trace per turn.
 */
export function initialContext(input: ConversationInput | undefined): ConversationContext {
  return {
    segment: 1,
    totalMessageCount: 0,
    messageCount: 0,
    troubleshootingAttempts: 0,
    stepIndex: 0,
    escalationAttempts: 0,
    category: null,
    visitor: input?.visitor ?? {},
    sentiment: { label: 'neutral', score: 0 },
    priority: 'low',
    journeyStage: 'none',
    triggers: [],
    escalationReason: null,
    instantChatUnavailable: false,
    assignedAgentId: null,
    inputProblem: null,
    closedReason: null,
    history: [{ state: 'greeting', at: input?.at ?? '' }],
    // Both optional, so sessions started without them keep the snapshot shape they always had.
    ...(input?.language ? { language: input.language } : {}),
    ...(input?.browser && Object.keys(input.browser).length > 0 ? { browser: input.browser } : {}),
  };
}
