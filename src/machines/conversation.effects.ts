// Side effects as named actions with JSON params. The engine executes them after the new snapshot is
// committed; they have no implementation here on purpose, so the machine stays pure.
export const EFFECT_ACTIONS = {
  say: (_: unknown, _params: { key: string }) => {},
  createHandoff: (_: unknown, _params: { channel: 'instant_chat' | 'callback' | 'ticket' }) => {},
  notifyOperators: (_: unknown, _params: { reason: string }) => {},
  forwardToOperator: () => {},
  /** The visitor's message onto the helpdesk ticket / Slack thread of the case (handoff/desk/desk-forward.ts). */
  forwardToDesk: () => {},
  deliverOperatorMessage: () => {},
  updateEscalation: (
    _: unknown,
    _params: { status: 'assigned' | 'resolved' | 'handed_back' | 'failed' },
  ) => {},
  remindOperators: () => {},
  updateTicketStatus: () => {},
  recordSatisfaction: (
    _: unknown,
    _params: { rating: number; segment: number; agentId: string | null; category: string | null },
  ) => {},
  recordSatisfactionComment: (_: unknown, _params: { comment: string; segment: number }) => {},
  /** The requester's answer onto our ticket's thread (src/handoff/ticket-thread.handler.ts). */
  addToTicketThread: (_: unknown, _params: { text: string }) => {},
};
