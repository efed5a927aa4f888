// Instant chat with a human: queued until an operator (console or desk) takes it, assigned until they
// resolve it (closed: the survey, or a new bot segment) or hand it back to the bot.
import type { ConversationSetup } from '../conversation.setup.ts';
import { HUMAN_TAG } from '../conversation.tags.ts';
import { newSegmentTransitions, satisfactionTransitions } from './after-resolution.transitions.ts';

/** The operator gives the chat back: to troubleshooting if the issue is known, else to ask for it. */
function handback() {
  return [
    {
      guard: 'hasCategory',
      target: '#conversation.troubleshooting',
      actions: [
        { type: 'updateEscalation', params: { status: 'handed_back' } },
        { type: 'say', params: { key: 'handback' } },
      ],
    },
    {
      target: '#conversation.issue_gathering',
      actions: [
        { type: 'updateEscalation', params: { status: 'handed_back' } },
        { type: 'say', params: { key: 'handback' } },
      ],
    },
  ] as const;
}

function queuedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    tags: [HUMAN_TAG],
    entry: [
      { type: 'say', params: { key: 'escalated.queued' } },
      { type: 'notifyOperators', params: { reason: 'new_escalation' } },
    ],
    on: {
      'OPERATOR.ASSIGN': { target: 'assigned', actions: 'assignAgent' },
      'OPERATOR.MESSAGE': { target: 'assigned', actions: ['assignAgent', 'deliverOperatorMessage'] },
      'OPERATOR.RESOLVE': { target: 'closed', actions: 'assignAgent' },
      'OPERATOR.HANDBACK': handback(),
      'TIMER.SLA_REMINDER': {
        actions: ['remindOperators', { type: 'say', params: { key: 'escalated.still_waiting' } }],
      },
      'HANDOFF.FAILED': {
        target: '#conversation.escalation_options',
        actions: [
          'markInstantChatUnavailable',
          { type: 'updateEscalation', params: { status: 'failed' } },
          { type: 'addTrigger', params: { trigger: 'handoff_failed' } },
          { type: 'say', params: { key: 'handoff.failed' } },
        ],
      },
      'DESK.AGENT_JOINED': { target: 'assigned', actions: 'assignAgent' },
      'DESK.AGENT_REPLIED': {
        target: 'assigned',
        actions: ['assignAgent', 'deliverOperatorMessage'],
      },
      'DESK.CLOSED': { target: 'closed', actions: 'assignAgent' },
      // Nobody took it on the desk: the same honest fallback as a failed handoff, in its own words.
      'DESK.MISSED': {
        target: '#conversation.escalation_options',
        actions: [
          'markInstantChatUnavailable',
          { type: 'updateEscalation', params: { status: 'failed' } },
          { type: 'addTrigger', params: { trigger: 'desk_missed' } },
          { type: 'say', params: { key: 'handoff.missed' } },
        ],
      },
    },
  });
}

function assignedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    tags: [HUMAN_TAG],
    entry: [
      { type: 'say', params: { key: 'escalated.assigned' } },
      { type: 'updateEscalation', params: { status: 'assigned' } },
    ],
    on: {
      'OPERATOR.ASSIGN': { target: 'assigned', reenter: true, actions: 'assignAgent' },
      'OPERATOR.MESSAGE': { actions: 'deliverOperatorMessage' },
      'OPERATOR.RESOLVE': { target: 'closed' },
      'OPERATOR.HANDBACK': handback(),
      'DESK.AGENT_JOINED': { target: 'assigned', reenter: true, actions: 'assignAgent' },
      'DESK.AGENT_REPLIED': { actions: 'deliverOperatorMessage' },
      'DESK.CLOSED': { target: 'closed' },
    },
  });
}

function closedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'escalated.closed' } },
      { type: 'setClosedReason', params: { reason: 'operator_resolved' } },
      { type: 'updateEscalation', params: { status: 'resolved' } },
      { type: 'say', params: { key: 'escalated.closed' } },
      'offerRating',
      { type: 'say', params: { key: 'satisfaction.ask' } },
    ],
    on: { ...newSegmentTransitions(), ...satisfactionTransitions() },
  });
}

export function escalatedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    initial: 'queued',
    entry: [
      { type: 'recordState', params: { state: 'escalated' } },
      { type: 'createHandoff', params: { channel: 'instant_chat' } },
    ],
    states: {
      queued: queuedState(conversation),
      assigned: assignedState(conversation),
      closed: closedState(conversation),
    },
    on: {
      'VISITOR.TEXT': { actions: ['noteVisitorMessage', 'forwardToOperator'] },
    },
  });
}
