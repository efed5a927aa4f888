// The conversation as an explicit XState v5 machine: the product's contract. Pure: no I/O, no clock, no
// randomness. Side effects are named actions with JSON params (`say`, `createHandoff`, …) that the engine
// executes after the new snapshot is committed.
import { assign, enqueueActions, setup } from 'xstate';
import { PRIORITIES, type Priority } from '../detection/detection.types.ts';
import type { ConversationContext, ConversationInput, MachineOptions } from './conversation.context.ts';
import type { ConversationEvent, Signals } from './conversation.events.ts';
import { parseCallbackWindow, parseDescription, parseEmail, parsePhone } from './visitor-info.parse.ts';

export const DEFAULT_MACHINE_OPTIONS: MachineOptions = {
  maxFailedAttempts: 3,
  stepCounts: { login: 3, payment: 3, delivery: 3, refund: 2, technical: 3, other: 1 },
  historyLimit: 20,
};

/** States in which a human owns the conversation: the bot detects nothing and says nothing. */
export const HUMAN_TAG = 'human';
/** States that collect visitor details: free text is data, not intent. */
export const COLLECTING_TAG = 'collecting';

const higherPriority = (a: Priority, b: Priority): Priority =>
  PRIORITIES.indexOf(a) >= PRIORITIES.indexOf(b) ? a : b;

function signalsOf(event: ConversationEvent): Signals | undefined {
  return 'signals' in event ? event.signals : undefined;
}

function textOf(event: ConversationEvent): string {
  return event.type === 'VISITOR.TEXT' ? event.text : '';
}

export function createConversationMachine(options: MachineOptions = DEFAULT_MACHINE_OPTIONS) {
  const stepsFor = (ctx: ConversationContext) => options.stepCounts[ctx.category ?? 'other'];

  return setup({
    types: {
      context: {} as ConversationContext,
      events: {} as ConversationEvent,
      input: {} as ConversationInput,
    },
    actions: {
      // ── context bookkeeping (pure assigns) ─────────────────────────────────────────────
      noteVisitorMessage: assign(({ context, event }) => {
        const signals = signalsOf(event);
        if (!signals) return {};
        return {
          messageCount: context.messageCount + 1,
          totalMessageCount: context.totalMessageCount + 1,
          sentiment: signals.sentiment ?? context.sentiment,
          priority: signals.priority ? higherPriority(context.priority, signals.priority) : context.priority,
          category: context.category ?? signals.category ?? null,
          journeyStage:
            signals.journeyStage && signals.journeyStage !== 'none'
              ? signals.journeyStage
              : context.journeyStage,
          triggers: signals.triggers?.length
            ? [...new Set([...context.triggers, ...signals.triggers])]
            : context.triggers,
          ...(signals.language ? { language: signals.language } : {}),
        };
      }),
      recordState: assign(({ context, event }, params: { state: string }) => ({
        history: [...context.history, { state: params.state, at: event.at }].slice(-options.historyLimit),
      })),
      setCategoryFromIssue: assign(({ event, context }) => ({
        category: event.type === 'VISITOR.ISSUE' ? event.category : context.category,
        stepIndex: 0,
        troubleshootingAttempts: 0,
      })),
      failAttempt: assign(({ context }) => ({
        troubleshootingAttempts: context.troubleshootingAttempts + 1,
      })),
      nextStep: assign(({ context }) => ({ stepIndex: context.stepIndex + 1 })),
      addTrigger: assign(({ context }, params: { trigger: string }) => ({
        triggers: context.triggers.includes(params.trigger)
          ? context.triggers
          : [...context.triggers, params.trigger],
      })),
      countEscalationOffer: assign(({ context }) => ({ escalationAttempts: context.escalationAttempts + 1 })),
      setEscalationReason: assign(({ event, context }) => ({
        escalationReason:
          event.type === 'VISITOR.ESCALATION_REQUEST' || event.type === 'OPERATOR.ESCALATE'
            ? event.reason
            : event.type === 'VISITOR.CHOOSE'
              ? (context.escalationReason ?? `visitor chose ${event.option}`)
              : context.escalationReason,
      })),
      assignAgent: assign(({ event, context }) => ({
        assignedAgentId: 'agentId' in event && event.agentId ? event.agentId : context.assignedAgentId,
      })),
      markInstantChatUnavailable: assign({ instantChatUnavailable: true }),
      offerRating: assign({ satisfaction: 'offered' as const }),
      takeRating: assign({ satisfaction: 'comment' as const }),
      takeRatingComment: assign({ satisfaction: null }),
      startNewSegment: assign(({ context }) => ({
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
      })),
      setClosedReason: assign((_, params: { reason: string }) => ({ closedReason: params.reason })),
      collectPhone: assign(({ context, event }) => {
        const parsed = parsePhone(textOf(event));
        return parsed.ok
          ? { visitor: { ...context.visitor, phone: parsed.value }, inputProblem: null }
          : { inputProblem: parsed.problem };
      }),
      collectCallbackWindow: assign(({ context, event }) => {
        const parsed = parseCallbackWindow(textOf(event));
        return parsed.ok
          ? { visitor: { ...context.visitor, callbackWindow: parsed.value }, inputProblem: null }
          : { inputProblem: parsed.problem };
      }),
      collectEmail: assign(({ context, event }) => {
        const parsed = parseEmail(textOf(event));
        return parsed.ok
          ? { visitor: { ...context.visitor, email: parsed.value }, inputProblem: null }
          : { inputProblem: parsed.problem };
      }),
      collectDescription: assign(({ context, event }) => {
        const parsed = parseDescription(textOf(event));
        return parsed.ok
          ? { visitor: { ...context.visitor, description: parsed.value }, inputProblem: null }
          : { inputProblem: parsed.problem };
      }),
      clearCollected: assign(({ context }) => ({
        inputProblem: null,
        visitor: { ...context.visitor, phone: undefined, callbackWindow: undefined, description: undefined },
      })),

      // ── effects: executed by the engine after commit (no implementation here on purpose) ──
      say: (_, _params: { key: string }) => {},
      createHandoff: (_, _params: { channel: 'instant_chat' | 'callback' | 'ticket' }) => {},
      notifyOperators: (_, _params: { reason: string }) => {},
      forwardToOperator: () => {},
      /** The visitor's message onto the helpdesk ticket / Slack thread of the case (handoff/desk/desk-forward.ts). */
      forwardToDesk: () => {},
      deliverOperatorMessage: () => {},
      updateEscalation: (_, _params: { status: 'assigned' | 'resolved' | 'handed_back' | 'failed' }) => {},
      remindOperators: () => {},
      updateTicketStatus: () => {},
      recordSatisfaction: (
        _,
        _params: { rating: number; segment: number; agentId: string | null; category: string | null },
      ) => {},
      recordSatisfactionComment: (_, _params: { comment: string; segment: number }) => {},
      /** The requester's answer onto our ticket's thread (src/handoff/ticket-thread.handler.ts). */
      addToTicketThread: (_, _params: { text: string }) => {},
    },
    guards: {
      attemptsExhausted: ({ context }) => context.troubleshootingAttempts + 1 >= options.maxFailedAttempts,
      hasMoreSteps: ({ context }) => context.stepIndex + 1 < stepsFor(context),
      hasCategory: ({ context }) => context.category !== null,
      validCallbackWindow: ({ event }) => parseCallbackWindow(textOf(event)).ok,
      validDescription: ({ event }) => parseDescription(textOf(event)).ok,
      awaitingPhone: ({ context }) => context.visitor.phone === undefined,
      awaitingEmail: ({ context }) => context.visitor.email === undefined,
      choseAvailableInstantChat: ({ context, event }) =>
        event.type === 'VISITOR.CHOOSE' && event.option === 'instant_chat' && !context.instantChatUnavailable,
      choseCallback: ({ event }) => event.type === 'VISITOR.CHOOSE' && event.option === 'callback',
      choseTicket: ({ event }) => event.type === 'VISITOR.CHOOSE' && event.option === 'ticket',
      ratingOffered: ({ context }) => context.satisfaction === 'offered',
      ratingCommentWelcome: ({ context }) => context.satisfaction === 'comment',
      ticketDone: ({ event }) =>
        event.type === 'DESK.TICKET_STATUS' && (event.status === 'solved' || event.status === 'closed'),
    },
  }).createMachine({
    id: 'conversation',
    // `transition()` builds a throwaway actor without input on every call, hence `input?.`: a throw here
    // would be caught by xstate but costs a stack trace per turn.
    context: ({ input }) => ({
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
    }),
    initial: 'greeting',
    states: {
      greeting: {
        entry: [{ type: 'say', params: { key: 'greeting.welcome' } }],
        on: {
          'VISITOR.GREETING': { target: 'issue_gathering', actions: 'noteVisitorMessage' },
          'VISITOR.ISSUE': {
            target: 'troubleshooting',
            actions: ['noteVisitorMessage', 'setCategoryFromIssue'],
          },
          'VISITOR.TEXT': { target: 'issue_gathering', actions: 'noteVisitorMessage' },
          'VISITOR.ESCALATION_REQUEST': escalationRequest(),
          'VISITOR.FRUSTRATED': frustration(),
          'OPERATOR.ESCALATE': manualEscalation(),
          'TIMER.INACTIVITY': inactivity(),
        },
      },
      issue_gathering: {
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
      },
      troubleshooting: {
        entry: [
          { type: 'recordState', params: { state: 'troubleshooting' } },
          { type: 'say', params: { key: 'troubleshooting.step' } },
        ],
        on: {
          'VISITOR.SOLUTION_WORKED': { target: 'awaiting_confirmation', actions: 'noteVisitorMessage' },
          'VISITOR.SOLUTION_FAILED': [
            {
              guard: 'attemptsExhausted',
              target: 'escalation_options',
              actions: [
                'noteVisitorMessage',
                'failAttempt',
                { type: 'addTrigger', params: { trigger: 'attempts_exhausted' } },
              ],
            },
            {
              guard: 'hasMoreSteps',
              target: 'troubleshooting',
              reenter: true,
              actions: ['noteVisitorMessage', 'failAttempt', 'nextStep'],
            },
            {
              target: 'escalation_options',
              actions: [
                'noteVisitorMessage',
                'failAttempt',
                { type: 'addTrigger', params: { trigger: 'no_steps_left' } },
              ],
            },
          ],
          'VISITOR.ACKNOWLEDGED': {
            actions: ['noteVisitorMessage', { type: 'say', params: { key: 'troubleshooting.did_it_work' } }],
          },
          'VISITOR.TEXT': {
            actions: ['noteVisitorMessage', { type: 'say', params: { key: 'troubleshooting.did_it_work' } }],
          },
          'VISITOR.ESCALATION_REQUEST': escalationRequest(),
          'VISITOR.FRUSTRATED': frustration(),
          'OPERATOR.ESCALATE': manualEscalation(),
          'TIMER.INACTIVITY': inactivity(),
        },
      },
      awaiting_confirmation: {
        entry: [
          { type: 'recordState', params: { state: 'awaiting_confirmation' } },
          { type: 'say', params: { key: 'awaiting_confirmation.ask' } },
        ],
        on: {
          'VISITOR.AFFIRM': { target: 'resolved', actions: 'noteVisitorMessage' },
          'VISITOR.SOLUTION_WORKED': { target: 'resolved', actions: 'noteVisitorMessage' },
          'VISITOR.DENY': denyOrFail(),
          'VISITOR.SOLUTION_FAILED': denyOrFail(),
          'VISITOR.TEXT': {
            actions: ['noteVisitorMessage', { type: 'say', params: { key: 'awaiting_confirmation.ask' } }],
          },
          'VISITOR.ESCALATION_REQUEST': escalationRequest(),
          'VISITOR.FRUSTRATED': frustration(),
          'OPERATOR.ESCALATE': manualEscalation(),
          'TIMER.INACTIVITY': inactivity(),
        },
      },
      resolved: {
        entry: [
          { type: 'recordState', params: { state: 'resolved' } },
          { type: 'say', params: { key: 'resolved.goodbye' } },
        ],
        on: newSegmentTransitions(),
      },
      escalation_options: {
        entry: [
          { type: 'recordState', params: { state: 'escalation_options' } },
          'countEscalationOffer',
          { type: 'say', params: { key: 'escalation_options.offer' } },
        ],
        on: {
          'VISITOR.CHOOSE': [
            {
              guard: 'choseAvailableInstantChat',
              target: 'escalated',
              actions: ['noteVisitorMessage', 'setEscalationReason'],
            },
            {
              guard: 'choseCallback',
              target: 'callback_collection',
              actions: ['noteVisitorMessage', 'setEscalationReason'],
            },
            {
              guard: 'choseTicket',
              target: 'ticket_collection',
              actions: ['noteVisitorMessage', 'setEscalationReason'],
            },
          ],
          'VISITOR.TEXT': {
            actions: ['noteVisitorMessage', { type: 'say', params: { key: 'escalation_options.choose' } }],
          },
          'VISITOR.ESCALATION_REQUEST': {
            actions: ['noteVisitorMessage', { type: 'say', params: { key: 'escalation_options.choose' } }],
          },
          'OPERATOR.ESCALATE': manualEscalation(),
          'TIMER.INACTIVITY': inactivity(),
        },
      },
      escalated: {
        initial: 'queued',
        entry: [
          { type: 'recordState', params: { state: 'escalated' } },
          { type: 'createHandoff', params: { channel: 'instant_chat' } },
        ],
        states: {
          queued: {
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
          },
          assigned: {
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
          },
          closed: {
            entry: [
              { type: 'recordState', params: { state: 'escalated.closed' } },
              { type: 'setClosedReason', params: { reason: 'operator_resolved' } },
              { type: 'updateEscalation', params: { status: 'resolved' } },
              { type: 'say', params: { key: 'escalated.closed' } },
              'offerRating',
              { type: 'say', params: { key: 'satisfaction.ask' } },
            ],
            on: { ...newSegmentTransitions(), ...satisfactionTransitions() },
          },
        },
        on: {
          'VISITOR.TEXT': { actions: ['noteVisitorMessage', 'forwardToOperator'] },
        },
      },
      callback_collection: {
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
      },
      callback_scheduled: {
        entry: [
          { type: 'recordState', params: { state: 'callback_scheduled' } },
          { type: 'createHandoff', params: { channel: 'callback' } },
          { type: 'say', params: { key: 'callback.scheduled' } },
        ],
        on: newSegmentTransitions(),
      },
      ticket_collection: {
        tags: [COLLECTING_TAG],
        entry: [
          { type: 'recordState', params: { state: 'ticket_collection' } },
          'clearCollected',
          // An e-mail given when the chat started is used as is: the first answer is then the description.
          enqueueActions(({ context, enqueue }) =>
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
      },
      ticket_created: {
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
      },
      // A person answered on the ticket and waits for the requester: what they write goes onto that ticket
      // (its thread, and the helpdesk's), read by a human, so the bot neither detects nor answers.
      ticket_answered: {
        tags: [HUMAN_TAG],
        entry: [{ type: 'recordState', params: { state: 'ticket_answered' } }],
        on: {
          'VISITOR.TEXT': {
            actions: [
              'noteVisitorMessage',
              'forwardToDesk',
              {
                type: 'addToTicketThread',
                params: ({ event }: { event: ConversationEvent }) => ({
                  text: event.type === 'VISITOR.TEXT' ? event.text : '',
                }),
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
      },
      ticket_solved: {
        entry: [
          { type: 'recordState', params: { state: 'ticket_solved' } },
          { type: 'say', params: { key: 'ticket.solved' } },
          'offerRating',
          { type: 'say', params: { key: 'satisfaction.ask' } },
        ],
        on: { ...newSegmentTransitions(), ...satisfactionTransitions() },
      },
    },
  });

  // Transition builders shared by several states. Plain objects: they are data, not behaviour.
  function escalationRequest() {
    return {
      target: '#conversation.escalation_options',
      actions: [
        'noteVisitorMessage',
        'setEscalationReason',
        { type: 'addTrigger', params: { trigger: 'explicit_request' } },
      ],
    } as const;
  }
  function frustration() {
    return {
      target: '#conversation.escalation_options',
      actions: ['noteVisitorMessage', { type: 'addTrigger', params: { trigger: 'frustration' } }],
    } as const;
  }
  function manualEscalation() {
    return {
      target: '#conversation.escalated',
      actions: ['setEscalationReason', { type: 'addTrigger', params: { trigger: 'operator_escalation' } }],
    } as const;
  }
  function inactivity() {
    return {
      target: '#conversation.resolved',
      actions: [{ type: 'setClosedReason', params: { reason: 'inactivity' } }],
    } as const;
  }
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
  function denyOrFail() {
    return [
      {
        guard: 'attemptsExhausted',
        target: '#conversation.escalation_options',
        actions: [
          'noteVisitorMessage',
          'failAttempt',
          { type: 'addTrigger', params: { trigger: 'attempts_exhausted' } },
        ],
      },
      {
        guard: 'hasMoreSteps',
        target: '#conversation.troubleshooting',
        actions: ['noteVisitorMessage', 'failAttempt', 'nextStep'],
      },
      {
        target: '#conversation.escalation_options',
        actions: [
          'noteVisitorMessage',
          'failAttempt',
          { type: 'addTrigger', params: { trigger: 'no_steps_left' } },
        ],
      },
    ] as const;
  }
  /** After a resolution the next visitor message starts a new bot segment. */
  /** The survey after a human resolved: a rating (button or typed 1–5), then one optional comment. */
  /** `followUp`: what other plain text does there (a new bot segment, or onto the helpdesk ticket too). */
  function satisfactionTransitions(followUp: 'new_segment' | 'forward_to_desk' = 'new_segment') {
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

  function newSegmentTransitions() {
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
}

export type ConversationMachine = ReturnType<typeof createConversationMachine>;
