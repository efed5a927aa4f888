// How the conversation's context changes: pure assigns, named so that states can list them.
import { type Assigner, assign, type ParameterizedObject, type PropertyAssigner } from 'xstate';
import { PRIORITIES, type Priority } from '../detection/detection.types.ts';
import type { ConversationContext, MachineOptions, VisitorInfo } from './conversation.context.ts';
import { type ConversationEvent, type Signals, textOf } from './conversation.events.ts';
import {
  type Parsed,
  parseCallbackWindow,
  parseDescription,
  parseEmail,
  parsePhone,
} from './visitor-info.parse.ts';

/** `assign` bound to the conversation's context and events: outside `setup()` xstate cannot infer them. */
function update<TParams extends ParameterizedObject['params'] | undefined = undefined>(
  assignment:
    | Assigner<ConversationContext, ConversationEvent, TParams, ConversationEvent, never>
    | PropertyAssigner<ConversationContext, ConversationEvent, TParams, ConversationEvent, never>,
) {
  return assign<ConversationContext, ConversationEvent, TParams, ConversationEvent, never>(assignment);
}

const higherPriority = (a: Priority, b: Priority): Priority =>
  PRIORITIES.indexOf(a) >= PRIORITIES.indexOf(b) ? a : b;

function signalsOf(event: ConversationEvent): Signals | undefined {
  return 'signals' in event ? event.signals : undefined;
}

const noteVisitorMessage = update(({ context, event }) => {
  const signals = signalsOf(event);
  if (!signals) return {};
  return {
    messageCount: context.messageCount + 1,
    totalMessageCount: context.totalMessageCount + 1,
    sentiment: signals.sentiment ?? context.sentiment,
    priority: signals.priority ? higherPriority(context.priority, signals.priority) : context.priority,
    category: context.category ?? signals.category ?? null,
    journeyStage:
      signals.journeyStage && signals.journeyStage !== 'none' ? signals.journeyStage : context.journeyStage,
    triggers: signals.triggers?.length
      ? [...new Set([...context.triggers, ...signals.triggers])]
      : context.triggers,
    ...(signals.language ? { language: signals.language } : {}),
  };
});

const recordState = (historyLimit: number) =>
  update(({ context, event }, params: { state: string }) => ({
    history: [...context.history, { state: params.state, at: event.at }].slice(-historyLimit),
  }));

const setCategoryFromIssue = update(({ event, context }) => ({
  category: event.type === 'VISITOR.ISSUE' ? event.category : context.category,
  stepIndex: 0,
  troubleshootingAttempts: 0,
}));

const addTrigger = update(({ context }, params: { trigger: string }) => ({
  triggers: context.triggers.includes(params.trigger)
    ? context.triggers
    : [...context.triggers, params.trigger],
}));

const setEscalationReason = update(({ event, context }) => ({
  escalationReason:
    event.type === 'VISITOR.ESCALATION_REQUEST' || event.type === 'OPERATOR.ESCALATE'
      ? event.reason
      : event.type === 'VISITOR.CHOOSE'
        ? (context.escalationReason ?? `visitor chose ${event.option}`)
        : context.escalationReason,
}));

const startNewSegment = update(({ context }) => ({
  segment: context.segment + 1,
  messageCount: 0,
  troubleshootingAttempts: 0,
  stepIndex: 0,
  escalationAttempts: 0,
  category: null,
  triggers: [],
  escalationReason: null,
  instantChatUnavailable: false,
  assignedAgentId: null,
  closedReason: null,
  inputProblem: null,
  satisfaction: null,
  priority: 'low' as Priority,
}));

/** Keeps a valid answer in `visitor[field]`, or says what was wrong with it in `inputProblem`. */
const collect = (field: keyof VisitorInfo, parse: (text: string) => Parsed) =>
  update(({ context, event }) => {
    const parsed = parse(textOf(event));
    return parsed.ok
      ? { visitor: { ...context.visitor, [field]: parsed.value }, inputProblem: null }
      : { inputProblem: parsed.problem };
  });

export function contextActions(options: MachineOptions) {
  return {
    noteVisitorMessage,
    recordState: recordState(options.historyLimit),
    setCategoryFromIssue,
    failAttempt: update(({ context }) => ({ troubleshootingAttempts: context.troubleshootingAttempts + 1 })),
    nextStep: update(({ context }) => ({ stepIndex: context.stepIndex + 1 })),
    addTrigger,
    countEscalationOffer: update(({ context }) => ({ escalationAttempts: context.escalationAttempts + 1 })),
    setEscalationReason,
    assignAgent: update(({ event, context }) => ({
      assignedAgentId: 'agentId' in event && event.agentId ? event.agentId : context.assignedAgentId,
    })),
    markInstantChatUnavailable: update({ instantChatUnavailable: true }),
    offerRating: update({ satisfaction: 'offered' as const }),
    takeRating: update({ satisfaction: 'comment' as const }),
    takeRatingComment: update({ satisfaction: null }),
    startNewSegment,
    setClosedReason: update((_, params: { reason: string }) => ({ closedReason: params.reason })),
    collectPhone: collect('phone', parsePhone),
    collectCallbackWindow: collect('callbackWindow', parseCallbackWindow),
    collectEmail: collect('email', parseEmail),
    collectDescription: collect('description', parseDescription),
    clearCollected: update(({ context }) => ({
      inputProblem: null,
      visitor: { ...context.visitor, phone: undefined, callbackWindow: undefined, description: undefined },
    })),
  };
}
