// The machine's transition list, derived with xstate/graph's adjacency map (never hand-maintained):
// every (from-state, event, to-state) edge reachable with a representative set of events. Used by the
// transition-coverage test and by `switchboard coverage`.

import type { SnapshotFrom } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { ConversationEvent, Signals } from './conversation.events.ts';
import type { ConversationMachine } from './conversation.machine.ts';

type Snapshot = SnapshotFrom<ConversationMachine>;

export interface Edge {
  from: string;
  event: ConversationEvent['type'];
  to: string;
}

export const edgeKey = (e: Edge) => `${e.from} --${e.event}--> ${e.to}`;

export function dottedState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    return key ? `${key}.${dottedState(child)}` : '';
  }
  return '';
}

/** One or more events of every type, with payloads that take each guarded branch somewhere. */
export function representativeEvents(at = '2026-01-01T00:00:00.000Z'): ConversationEvent[] {
  const signals: Signals = {};
  return [
    { type: 'VISITOR.GREETING', at, signals },
    { type: 'VISITOR.ISSUE', at, signals, category: 'login' },
    { type: 'VISITOR.ISSUE', at, signals, category: 'refund' },
    { type: 'VISITOR.TEXT', at, signals, text: 'hmm' },
    { type: 'VISITOR.TEXT', at, signals, text: '+44 20 7946 0958' },
    { type: 'VISITOR.TEXT', at, signals, text: 'visitor@example.com' },
    { type: 'VISITOR.TEXT', at, signals, text: 'tomorrow morning, the app crashes on start' },
    { type: 'VISITOR.ESCALATION_REQUEST', at, signals, reason: 'asked for a human' },
    { type: 'VISITOR.SOLUTION_WORKED', at, signals },
    { type: 'VISITOR.SOLUTION_FAILED', at, signals },
    { type: 'VISITOR.ACKNOWLEDGED', at, signals },
    { type: 'VISITOR.AFFIRM', at, signals },
    { type: 'VISITOR.DENY', at, signals },
    { type: 'VISITOR.FRUSTRATED', at, signals },
    { type: 'VISITOR.CHOOSE', at, signals, option: 'instant_chat' },
    { type: 'VISITOR.CHOOSE', at, signals, option: 'callback' },
    { type: 'VISITOR.CHOOSE', at, signals, option: 'ticket' },
    { type: 'VISITOR.CANCEL', at, signals },
    { type: 'OPERATOR.ASSIGN', at, agentId: 'agent-1' },
    { type: 'OPERATOR.MESSAGE', at, agentId: 'agent-1', text: 'Hi, I can help' },
    { type: 'OPERATOR.RESOLVE', at, agentId: 'agent-1', notes: 'done', resolutionCategory: 'solved' },
    { type: 'OPERATOR.HANDBACK', at, agentId: 'agent-1' },
    { type: 'OPERATOR.ESCALATE', at, agentId: 'agent-1', reason: 'manual' },
    { type: 'TIMER.INACTIVITY', at },
    { type: 'TIMER.SLA_REMINDER', at },
    { type: 'HANDOFF.FAILED', at, target: 'salesiq', reason: 'down' },
    { type: 'DESK.AGENT_JOINED', at, desk: 'salesiq', agentId: 'salesiq:1', agentName: 'Dana' },
    { type: 'DESK.AGENT_REPLIED', at, desk: 'salesiq', agentId: 'salesiq:1', agentName: 'Dana', text: 'Hi' },
    { type: 'DESK.CLOSED', at, desk: 'salesiq' },
    { type: 'DESK.MISSED', at, desk: 'salesiq' },
    { type: 'DESK.TICKET_STATUS', at, desk: 'zendesk', status: 'pending' },
    { type: 'DESK.TICKET_STATUS', at, desk: 'zendesk', status: 'solved' },
  ];
}

/** What distinguishes states for traversal: the path plus the context that guards read. */
function abstractKey(s: Snapshot): string {
  const c = s.context;
  return JSON.stringify([
    dottedState(s.value),
    c.stepIndex,
    Math.min(c.troubleshootingAttempts, 3),
    c.category !== null,
    c.instantChatUnavailable,
    c.visitor.phone !== undefined,
    c.visitor.email !== undefined,
  ]);
}

export function machineEdges(machine: ConversationMachine): Edge[] {
  const events = representativeEvents();
  const map = getAdjacencyMap(machine, {
    input: { at: '2026-01-01T00:00:00.000Z' },
    events,
    filterEvents: (snapshot, event) => snapshot.can(event),
    serializeState: (snapshot) => abstractKey(snapshot),
    serializeEvent: (event) => JSON.stringify(event),
  });
  const edges = new Map<string, Edge>();
  for (const node of Object.values(map)) {
    const from = dottedState(node.state.value);
    const transitions: Array<{ event: ConversationEvent; state: Snapshot }> = Object.values(node.transitions);
    for (const { event, state } of transitions) {
      const edge: Edge = { from, event: event.type, to: dottedState(state.value) };
      edges.set(edgeKey(edge), edge);
    }
  }
  return [...edges.values()].sort((a, b) => edgeKey(a).localeCompare(edgeKey(b)));
}
