// The machine is the product's contract. Risks covered: a transition added or changed without anyone
// deciding it (the edge table below must change with it); a snapshot that does not survive JSON
// persistence; counters and guards that let a visitor loop forever or escalate too early.
import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { ConversationEvent, Signals } from '../../src/machines/conversation.events.ts';
import {
  dottedState,
  edgeKey,
  machineEdges,
  representativeEvents,
} from '../../src/machines/conversation.graph.ts';
import { createConversationMachine, HUMAN_TAG } from '../../src/machines/conversation.machine.ts';

const machine = createConversationMachine();
const at = '2026-01-01T00:00:00.000Z';
const signals: Signals = {};

// The full transition table, by hand. A new transition in the machine without a line here fails the suite.
const EXPECTED: Array<[string, ConversationEvent['type'], string]> = [
  ['awaiting_confirmation', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['awaiting_confirmation', 'TIMER.INACTIVITY', 'resolved'],
  ['awaiting_confirmation', 'VISITOR.AFFIRM', 'resolved'],
  ['awaiting_confirmation', 'VISITOR.DENY', 'escalation_options'],
  ['awaiting_confirmation', 'VISITOR.DENY', 'troubleshooting'],
  ['awaiting_confirmation', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['awaiting_confirmation', 'VISITOR.FRUSTRATED', 'escalation_options'],
  ['awaiting_confirmation', 'VISITOR.SOLUTION_FAILED', 'escalation_options'],
  ['awaiting_confirmation', 'VISITOR.SOLUTION_FAILED', 'troubleshooting'],
  ['awaiting_confirmation', 'VISITOR.SOLUTION_WORKED', 'resolved'],
  ['awaiting_confirmation', 'VISITOR.TEXT', 'awaiting_confirmation'],
  ['callback_collection', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['callback_collection', 'TIMER.INACTIVITY', 'resolved'],
  ['callback_collection', 'VISITOR.CANCEL', 'escalation_options'],
  ['callback_collection', 'VISITOR.TEXT', 'callback_collection'],
  ['callback_collection', 'VISITOR.TEXT', 'callback_scheduled'],
  ['callback_scheduled', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['callback_scheduled', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['callback_scheduled', 'VISITOR.GREETING', 'issue_gathering'],
  ['callback_scheduled', 'VISITOR.ISSUE', 'troubleshooting'],
  ['callback_scheduled', 'VISITOR.TEXT', 'issue_gathering'],
  ['escalated.assigned', 'OPERATOR.ASSIGN', 'escalated.assigned'],
  ['escalated.assigned', 'OPERATOR.HANDBACK', 'issue_gathering'],
  ['escalated.assigned', 'OPERATOR.HANDBACK', 'troubleshooting'],
  ['escalated.assigned', 'OPERATOR.MESSAGE', 'escalated.assigned'],
  ['escalated.assigned', 'OPERATOR.RESOLVE', 'escalated.closed'],
  ['escalated.assigned', 'VISITOR.TEXT', 'escalated.assigned'],
  ['escalated.closed', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['escalated.closed', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['escalated.closed', 'VISITOR.GREETING', 'issue_gathering'],
  ['escalated.closed', 'VISITOR.ISSUE', 'troubleshooting'],
  ['escalated.closed', 'VISITOR.TEXT', 'issue_gathering'],
  ['escalated.queued', 'HANDOFF.FAILED', 'escalation_options'],
  ['escalated.queued', 'DESK.AGENT_JOINED', 'escalated.assigned'],
  ['escalated.queued', 'DESK.AGENT_REPLIED', 'escalated.assigned'],
  ['escalated.queued', 'DESK.CLOSED', 'escalated.closed'],
  ['escalated.queued', 'DESK.MISSED', 'escalation_options'],
  ['escalated.assigned', 'DESK.AGENT_JOINED', 'escalated.assigned'],
  ['escalated.assigned', 'DESK.AGENT_REPLIED', 'escalated.assigned'],
  ['escalated.assigned', 'DESK.CLOSED', 'escalated.closed'],
  ['ticket_created', 'DESK.TICKET_STATUS', 'ticket_created'],
  ['ticket_created', 'DESK.AGENT_REPLIED', 'ticket_answered'],
  // A person answered on the ticket: the requester's words go to it; the bot stays out until it is solved.
  ['ticket_answered', 'VISITOR.TEXT', 'ticket_answered'],
  ['ticket_answered', 'DESK.AGENT_REPLIED', 'ticket_answered'],
  ['ticket_answered', 'DESK.TICKET_STATUS', 'ticket_answered'],
  ['ticket_answered', 'DESK.TICKET_STATUS', 'ticket_solved'],
  ['ticket_answered', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['ticket_solved', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['ticket_solved', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['ticket_solved', 'VISITOR.GREETING', 'issue_gathering'],
  ['ticket_solved', 'VISITOR.ISSUE', 'troubleshooting'],
  ['ticket_solved', 'VISITOR.TEXT', 'issue_gathering'],
  ['escalated.queued', 'OPERATOR.ASSIGN', 'escalated.assigned'],
  ['escalated.queued', 'OPERATOR.HANDBACK', 'issue_gathering'],
  ['escalated.queued', 'OPERATOR.HANDBACK', 'troubleshooting'],
  ['escalated.queued', 'OPERATOR.MESSAGE', 'escalated.assigned'],
  ['escalated.queued', 'OPERATOR.RESOLVE', 'escalated.closed'],
  ['escalated.queued', 'TIMER.SLA_REMINDER', 'escalated.queued'],
  ['escalated.queued', 'VISITOR.TEXT', 'escalated.queued'],
  ['escalation_options', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['escalation_options', 'TIMER.INACTIVITY', 'resolved'],
  ['escalation_options', 'VISITOR.CHOOSE', 'callback_collection'],
  ['escalation_options', 'VISITOR.CHOOSE', 'escalated.queued'],
  ['escalation_options', 'VISITOR.CHOOSE', 'ticket_collection'],
  ['escalation_options', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['escalation_options', 'VISITOR.TEXT', 'escalation_options'],
  ['greeting', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['greeting', 'TIMER.INACTIVITY', 'resolved'],
  ['greeting', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['greeting', 'VISITOR.FRUSTRATED', 'escalation_options'],
  ['greeting', 'VISITOR.GREETING', 'issue_gathering'],
  ['greeting', 'VISITOR.ISSUE', 'troubleshooting'],
  ['greeting', 'VISITOR.TEXT', 'issue_gathering'],
  ['issue_gathering', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['issue_gathering', 'TIMER.INACTIVITY', 'resolved'],
  ['issue_gathering', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['issue_gathering', 'VISITOR.FRUSTRATED', 'escalation_options'],
  ['issue_gathering', 'VISITOR.GREETING', 'issue_gathering'],
  ['issue_gathering', 'VISITOR.ISSUE', 'troubleshooting'],
  ['issue_gathering', 'VISITOR.TEXT', 'issue_gathering'],
  ['resolved', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['resolved', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['resolved', 'VISITOR.GREETING', 'issue_gathering'],
  ['resolved', 'VISITOR.ISSUE', 'troubleshooting'],
  ['resolved', 'VISITOR.TEXT', 'issue_gathering'],
  ['ticket_collection', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['ticket_collection', 'TIMER.INACTIVITY', 'resolved'],
  ['ticket_collection', 'VISITOR.CANCEL', 'escalation_options'],
  ['ticket_collection', 'VISITOR.TEXT', 'ticket_collection'],
  ['ticket_collection', 'VISITOR.TEXT', 'ticket_created'],
  ['ticket_created', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['ticket_created', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['ticket_created', 'VISITOR.GREETING', 'issue_gathering'],
  ['ticket_created', 'VISITOR.ISSUE', 'troubleshooting'],
  ['ticket_created', 'VISITOR.TEXT', 'issue_gathering'],
  ['troubleshooting', 'OPERATOR.ESCALATE', 'escalated.queued'],
  ['troubleshooting', 'TIMER.INACTIVITY', 'resolved'],
  ['troubleshooting', 'VISITOR.ACKNOWLEDGED', 'troubleshooting'],
  ['troubleshooting', 'VISITOR.ESCALATION_REQUEST', 'escalation_options'],
  ['troubleshooting', 'VISITOR.FRUSTRATED', 'escalation_options'],
  ['troubleshooting', 'VISITOR.SOLUTION_FAILED', 'escalation_options'],
  ['troubleshooting', 'VISITOR.SOLUTION_FAILED', 'troubleshooting'],
  ['troubleshooting', 'VISITOR.SOLUTION_WORKED', 'awaiting_confirmation'],
  ['troubleshooting', 'VISITOR.TEXT', 'troubleshooting'],
];

type Snap = ReturnType<typeof initialTransition<typeof machine>>[0];

/** Persist → JSON → rehydrate, the way the store does between turns. */
function roundTrip(snapshot: Snap): Snap {
  const json = JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot)));
  return createActor(machine, { snapshot: json, input: { at } }).getSnapshot();
}

function run(events: ConversationEvent[]) {
  let [snapshot] = initialTransition(machine, { at });
  const actions: string[][] = [];
  for (const event of events) {
    const [next, acts] = transition(machine, roundTrip(snapshot), event);
    snapshot = next;
    actions.push(acts.map((a) => a.type));
  }
  return { snapshot, state: dottedState(snapshot.value), actions };
}

const v = {
  issue: (category: 'login' | 'refund' | 'payment' = 'login'): ConversationEvent => ({
    type: 'VISITOR.ISSUE',
    at,
    signals,
    category,
  }),
  failed: (): ConversationEvent => ({ type: 'VISITOR.SOLUTION_FAILED', at, signals }),
  worked: (): ConversationEvent => ({ type: 'VISITOR.SOLUTION_WORKED', at, signals }),
  text: (text: string): ConversationEvent => ({ type: 'VISITOR.TEXT', at, signals, text }),
  human: (): ConversationEvent => ({ type: 'VISITOR.ESCALATION_REQUEST', at, signals, reason: 'asked' }),
  choose: (option: 'instant_chat' | 'callback' | 'ticket'): ConversationEvent => ({
    type: 'VISITOR.CHOOSE',
    at,
    signals,
    option,
  }),
};

describe('conversation machine: transition table', () => {
  it('the adjacency map from xstate/graph has exactly the expected transitions', () => {
    const actual = machineEdges(machine).map(edgeKey).sort();
    const expected = EXPECTED.map(([from, event, to]) => edgeKey({ from, event, to })).sort();
    expect(actual).toEqual(expected);
  });

  it('every transition is taken, through JSON-persisted snapshots, on a shortest path from the start', () => {
    const events = representativeEvents(at);
    const paths = getShortestPaths(machine, {
      input: { at },
      events,
      filterEvents: (s, e) => s.can(e),
      serializeState: (s) =>
        JSON.stringify([
          s.value,
          s.context.stepIndex,
          Math.min(s.context.troubleshootingAttempts, 3),
          s.context.category !== null,
          s.context.instantChatUnavailable,
          s.context.visitor.phone !== undefined,
          s.context.visitor.email !== undefined,
        ]),
    });
    const taken = new Set<string>();
    for (const path of paths) {
      let [snapshot] = initialTransition(machine, { at });
      for (const step of path.steps.slice(1)) {
        const from = dottedState(snapshot.value);
        const [next] = transition(machine, roundTrip(snapshot), step.event);
        taken.add(edgeKey({ from, event: step.event.type, to: dottedState(next.value) }));
        snapshot = next;
      }
      // The last step of each path, replayed from a rehydrated snapshot, ends where the graph said.
      expect(dottedState(snapshot.value)).toBe(dottedState(path.state.value));
    }
    // Shortest paths reach every state; edges into already-reached states are checked from the adjacency map.
    for (const [from, event, to] of EXPECTED) {
      const key = edgeKey({ from, event, to });
      if (taken.has(key)) continue;
      const origin = paths.find(
        (p) =>
          dottedState(p.state.value) === from &&
          events.some(
            (e) =>
              e.type === event &&
              p.state.can(e) &&
              dottedState(transition(machine, roundTrip(p.state), e)[0].value) === to,
          ),
      );
      expect(origin, `no reachable state ${from} takes ${event} to ${to}`).toBeDefined();
    }
  });
});

describe('conversation machine: behaviour', () => {
  it('walks the troubleshooting steps and offers a human after the configured number of failures', () => {
    const r = run([v.issue('login'), v.failed(), v.failed()]);
    expect(r.state).toBe('troubleshooting');
    expect(r.snapshot.context.stepIndex).toBe(2);
    const after = run([v.issue('login'), v.failed(), v.failed(), v.failed()]);
    expect(after.state).toBe('escalation_options');
    expect(after.snapshot.context.triggers).toContain('attempts_exhausted');
  });

  it('goes to the options when the category runs out of steps before the attempt limit', () => {
    const r = run([v.issue('refund'), v.failed(), v.failed()]);
    expect(r.state).toBe('escalation_options');
    expect(r.snapshot.context.triggers).toContain('no_steps_left');
  });

  it('an escalated conversation is silent: visitor text produces no say action and is forwarded', () => {
    const r = run([v.issue(), v.human(), v.choose('instant_chat'), v.text('hello? anyone?')]);
    expect(r.state).toBe('escalated.queued');
    expect(r.snapshot.hasTag(HUMAN_TAG)).toBe(true);
    expect(r.actions.at(-1)).toEqual(['forwardToOperator']);
    expect(r.actions.at(-2)).toEqual(expect.arrayContaining(['createHandoff', 'notifyOperators']));
  });

  it('after an operator resolves, the next visitor message starts a new bot segment', () => {
    const r = run([
      v.issue('payment'),
      v.human(),
      v.choose('instant_chat'),
      { type: 'OPERATOR.ASSIGN', at, agentId: 'a1' },
      { type: 'OPERATOR.RESOLVE', at, agentId: 'a1', notes: 'refunded', resolutionCategory: 'solved' },
      v.issue('login'),
    ]);
    expect(r.state).toBe('troubleshooting');
    expect(r.snapshot.context.segment).toBe(2);
    expect(r.snapshot.context.category).toBe('login');
    expect(r.snapshot.context.assignedAgentId).toBeNull();
  });

  it('a second resolve or an escalation of an escalated conversation is not accepted', () => {
    const r = run([
      v.human(),
      v.choose('instant_chat'),
      { type: 'OPERATOR.RESOLVE', at, agentId: 'a1', notes: '', resolutionCategory: 'x' },
    ]);
    expect(
      r.snapshot.can({ type: 'OPERATOR.RESOLVE', at, agentId: 'a1', notes: '', resolutionCategory: 'x' }),
    ).toBe(false);
    const q = run([v.human(), v.choose('instant_chat')]);
    expect(q.snapshot.can({ type: 'OPERATOR.ESCALATE', at, agentId: 'a1', reason: 'again' })).toBe(false);
  });

  it('the callback flow re-prompts on a bad phone number and keeps the valid one', () => {
    const r = run([
      v.human(),
      v.choose('callback'),
      v.text('call me maybe'),
      v.text('+44 20 7946 0958'),
      v.text('x'),
    ]);
    expect(r.state).toBe('callback_collection');
    expect(r.snapshot.context.visitor.phone).toBe('+442079460958');
    expect(r.snapshot.context.inputProblem).toEqual({ key: 'window.missing' });
    const done = run([
      v.human(),
      v.choose('callback'),
      v.text('+44 20 7946 0958'),
      v.text('tomorrow 9-11am'),
    ]);
    expect(done.state).toBe('callback_scheduled');
    expect(done.actions.at(-1)).toContain('createHandoff');
  });

  it('the ticket flow needs a valid e-mail and a description, and can be cancelled', () => {
    const r = run([
      v.human(),
      v.choose('ticket'),
      v.text('not-an-email'),
      v.text('me@example.com'),
      v.text('short'),
    ]);
    expect(r.state).toBe('ticket_collection');
    expect(r.snapshot.context.visitor.email).toBe('me@example.com');
    const created = run([
      v.human(),
      v.choose('ticket'),
      v.text('me@example.com'),
      v.text('The app crashes when I open my orders page.'),
    ]);
    expect(created.state).toBe('ticket_created');
    const cancelled = run([v.human(), v.choose('ticket'), { type: 'VISITOR.CANCEL', at, signals }]);
    expect(cancelled.state).toBe('escalation_options');
  });

  // Risk: an e-mail known from the start of the chat was asked for again, and the answer (the description)
  // was then taken as the description without the visitor ever being asked for one.
  it('with an e-mail known from the start, the ticket flow asks for the description and uses that e-mail', () => {
    let [snapshot] = initialTransition(machine, { at, visitor: { email: 'known@example.com' } });
    const says: string[] = [];
    for (const event of [
      v.human(),
      v.choose('ticket'),
      v.text('The app crashes when I open my orders page.'),
    ]) {
      const [next, actions] = transition(machine, roundTrip(snapshot), event);
      for (const a of actions) if (a.type === 'say') says.push((a.params as { key: string }).key);
      snapshot = next;
    }
    expect(says).toContain('ticket.ask_description');
    expect(says).not.toContain('ticket.ask_email');
    expect(dottedState(snapshot.value)).toBe('ticket_created');
    expect(snapshot.context.visitor).toMatchObject({
      email: 'known@example.com',
      description: 'The app crashes when I open my orders page.',
    });
  });

  it('a failed live-chat handoff returns to the options without instant chat', () => {
    const r = run([
      v.human(),
      v.choose('instant_chat'),
      { type: 'HANDOFF.FAILED', at, target: 'salesiq', reason: 'down' },
    ]);
    expect(r.state).toBe('escalation_options');
    expect(r.snapshot.context.instantChatUnavailable).toBe(true);
    expect(r.snapshot.can(v.choose('instant_chat'))).toBe(false);
  });

  it('keeps a bounded state history with the event times', () => {
    let events: ConversationEvent[] = [];
    for (let i = 0; i < 30; i++)
      events = [
        ...events,
        v.text(`unclear ${i}`),
        { type: 'VISITOR.ISSUE', at, signals, category: 'login' },
        v.worked(),
        { type: 'VISITOR.AFFIRM', at, signals },
      ];
    const r = run(events);
    expect(r.snapshot.context.history.length).toBe(20);
    expect(r.snapshot.context.totalMessageCount).toBe(120);
  });

  it('absorbs detection signals: priority only rises within a segment, sentiment follows the latest message', () => {
    const r = run([
      {
        type: 'VISITOR.ISSUE',
        at,
        category: 'payment',
        signals: { priority: 'urgent', sentiment: { label: 'angry', score: -0.8 } },
      },
      {
        type: 'VISITOR.TEXT',
        at,
        text: 'ok',
        signals: { priority: 'low', sentiment: { label: 'neutral', score: 0 } },
      },
    ]);
    expect(r.snapshot.context.priority).toBe('urgent');
    expect(r.snapshot.context.sentiment.label).toBe('neutral');
  });
});
