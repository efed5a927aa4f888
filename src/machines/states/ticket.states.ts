// A ticket: the visitor's e-mail and a description, then the ticket's life on the desk (answered by a
// person, solved), each step of which the visitor hears about.
import type { ConversationSetup } from '../conversation.setup.ts';
import { COLLECTING_TAG, HUMAN_TAG } from '../conversation.tags.ts';
import { newSegmentTransitions, satisfactionTransitions } from './after-resolution.transitions.ts';
import { inactivity, manualEscalation } from './bot-exits.transitions.ts';

export function ticketCollectionState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    tags: [COLLECTING_TAG],
    entry: [
      { type: 'recordState', params: { state: 'ticket_collection' } },
      'clearCollected',
      // An e-mail given when the chat started is used as is: the first answer is then the description.
      conversation.enqueueActions(({ context, enqueue }) =>
        enqueue({
          type: 'say',
          params: {
            key: context.visitor.email === undefined ? 'ticket.ask_email' : 'ticket.ask_description',
          },
        }),
      ),
    ],
    on: {
      'VISITOR.TEXT': [
        {
          guard: 'awaitingEmail',
          actions: [
            'noteVisitorMessage',
            'collectEmail',
            { type: 'say', params: { key: 'ticket.after_email' } },
          ],
        },
        {
          guard: 'validDescription',
          target: 'ticket_created',
          actions: ['noteVisitorMessage', 'collectDescription'],
        },
        {
          actions: [
            'noteVisitorMessage',
            'collectDescription',
            { type: 'say', params: { key: 'ticket.invalid_description' } },
          ],
        },
      ],
      'VISITOR.CANCEL': { target: 'escalation_options', actions: 'noteVisitorMessage' },
      'OPERATOR.ESCALATE': manualEscalation(),
      'TIMER.INACTIVITY': inactivity(),
    },
  });
}

export function ticketCreatedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'ticket_created' } },
      { type: 'createHandoff', params: { channel: 'ticket' } },
      { type: 'say', params: { key: 'ticket.created' } },
    ],
    on: {
      ...newSegmentTransitions(),
      // Plain text right after the ticket is a follow-up to it: it also goes onto the helpdesk ticket
      // (unless it is the comment of a rating the visitor just gave).
      ...satisfactionTransitions('forward_to_desk'),
      // The ticket's agent (console or helpdesk) answered: the visitor's answer now belongs to the ticket.
      'DESK.AGENT_REPLIED': { target: 'ticket_answered', actions: 'deliverOperatorMessage' },
      // The desk's humans work the ticket: our record follows, and the visitor hears when it is done.
      'DESK.TICKET_STATUS': [
        {
          guard: 'ticketDone',
          actions: [
            'updateTicketStatus',
            { type: 'say', params: { key: 'ticket.solved' } },
            'offerRating',
            { type: 'say', params: { key: 'satisfaction.ask' } },
          ],
        },
        { actions: 'updateTicketStatus' },
      ],
    },
  });
}

/**
 * A person answered on the ticket and waits for the requester: what they write goes onto that ticket
 * (its thread, and the helpdesk's), read by a human, so the bot neither detects nor answers.
 */
export function ticketAnsweredState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    tags: [HUMAN_TAG],
    entry: [{ type: 'recordState', params: { state: 'ticket_answered' } }],
    on: {
      'VISITOR.TEXT': {
        actions: [
          'noteVisitorMessage',
          'forwardToDesk',
          {
            type: 'addToTicketThread',
            params: ({ event }) => ({ text: event.type === 'VISITOR.TEXT' ? event.text : '' }),
          },
        ],
      },
      'DESK.AGENT_REPLIED': { actions: 'deliverOperatorMessage' },
      'DESK.TICKET_STATUS': [
        { guard: 'ticketDone', target: 'ticket_solved', actions: 'updateTicketStatus' },
        { actions: 'updateTicketStatus' },
      ],
      'OPERATOR.ESCALATE': newSegmentTransitions()['OPERATOR.ESCALATE'],
    },
  });
}

export function ticketSolvedState(conversation: ConversationSetup) {
  return conversation.createStateConfig({
    entry: [
      { type: 'recordState', params: { state: 'ticket_solved' } },
      { type: 'say', params: { key: 'ticket.solved' } },
      'offerRating',
      { type: 'say', params: { key: 'satisfaction.ask' } },
    ],
    on: { ...newSegmentTransitions(), ...satisfactionTransitions() },
  });
}
