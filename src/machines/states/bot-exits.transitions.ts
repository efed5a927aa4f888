// The ways out of any state the bot owns: the visitor asks for a human or loses patience, an operator
// takes the chat over, or the visitor goes quiet. Plain objects: they are data, not behaviour.

export function escalationRequest() {
  return {
    target: '#conversation.escalation_options',
    actions: [
      'noteVisitorMessage',
      'setEscalationReason',
      { type: 'addTrigger', params: { trigger: 'explicit_request' } },
    ],
  } as const;
}

export function frustration() {
  return {
    target: '#conversation.escalation_options',
    actions: ['noteVisitorMessage', { type: 'addTrigger', params: { trigger: 'frustration' } }],
  } as const;
}

export function manualEscalation() {
  return {
    target: '#conversation.escalated',
    actions: ['setEscalationReason', { type: 'addTrigger', params: { trigger: 'operator_escalation' } }],
  } as const;
}

export function inactivity() {
  return {
    target: '#conversation.resolved',
    actions: [{ type: 'setClosedReason', params: { reason: 'inactivity' } }],
  } as const;
}
