// What the visitor can do once a conversation ended: start over (a new bot segment), or rate the human
// who helped. Plain objects: they are data, not behaviour.
import type { ConversationContext } from '../conversation.context.ts';
import type { ConversationEvent } from '../conversation.events.ts';

/** After a resolution the next visitor message starts a new bot segment. */
export function newSegmentTransitions() {
  return {
    'VISITOR.ISSUE': {
      target: '#conversation.troubleshooting',
      actions: ['startNewSegment', 'noteVisitorMessage', 'setCategoryFromIssue'],
    },
    'VISITOR.ESCALATION_REQUEST': {
      target: '#conversation.escalation_options',
      actions: [
        'startNewSegment',
        'noteVisitorMessage',
        'setEscalationReason',
        { type: 'addTrigger', params: { trigger: 'explicit_request' } },
      ],
    },
    'VISITOR.GREETING': {
      target: '#conversation.issue_gathering',
      actions: ['startNewSegment', 'noteVisitorMessage'],
    },
    'VISITOR.TEXT': {
      target: '#conversation.issue_gathering',
      actions: ['startNewSegment', 'noteVisitorMessage'],
    },
    'OPERATOR.ESCALATE': {
      target: '#conversation.escalated',
      actions: [
        'startNewSegment',
        'setEscalationReason',
        { type: 'addTrigger', params: { trigger: 'operator_escalation' } },
      ],
    },
  } as const;
}

/**
 * The survey after a human resolved: a rating (button or typed 1–5), then one optional comment.
 * `followUp`: what other plain text does there (a new bot segment, or onto the helpdesk ticket too).
 */
export function satisfactionTransitions(followUp: 'new_segment' | 'forward_to_desk' = 'new_segment') {
  const otherText =
    followUp === 'forward_to_desk'
      ? ({
          target: '#conversation.issue_gathering',
          actions: ['startNewSegment', 'noteVisitorMessage', 'forwardToDesk'],
        } as const)
      : newSegmentTransitions()['VISITOR.TEXT'];
  return {
    'VISITOR.RATE': {
      guard: 'ratingOffered',
      actions: [
        'noteVisitorMessage',
        'takeRating',
        {
          type: 'recordSatisfaction',
          params: ({ context, event }: { context: ConversationContext; event: ConversationEvent }) => ({
            rating: event.type === 'VISITOR.RATE' ? event.rating : 0,
            segment: context.segment,
            agentId: context.assignedAgentId,
            category: context.category,
          }),
        },
        { type: 'say', params: { key: 'satisfaction.thanks' } },
      ],
    },
    'VISITOR.TEXT': [
      {
        guard: 'ratingCommentWelcome',
        actions: [
          'noteVisitorMessage',
          'takeRatingComment',
          {
            type: 'recordSatisfactionComment',
            params: ({ context, event }: { context: ConversationContext; event: ConversationEvent }) => ({
              comment: event.type === 'VISITOR.TEXT' ? event.text.slice(0, 2000) : '',
              segment: context.segment,
            }),
          },
          { type: 'say', params: { key: 'satisfaction.comment_thanks' } },
        ],
      },
      otherText,
    ],
  } as const;
}
