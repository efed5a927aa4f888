// States where the visitor's conversation is over: nobody is waiting and there is no live chat to reopen.
// Plain data (no xstate, no zod), so the console bundle reads the same list the policy refuses with.
export const ENDED_STATES: ReadonlySet<string> = new Set([
  'resolved',
  'escalated.closed',
  'ticket_created',
  'ticket_solved',
  'callback_scheduled',
]);

export const hasEnded = (state: string) => ENDED_STATES.has(state);
