// Risks covered: coverage numbers that do not match what the corpus did (counted twice, start entries
// counted, guarded branches merged), transitions the corpus took that the machine no longer has being
// hidden, and the coverage text misreporting what is never taken.
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { readTraceFile } from '../../src/engine/trace.files.ts';
import { machineEdges } from '../../src/machines/conversation.graph.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import { coverageText, edgesFromAdjacency, measureCoverage } from '../../src/qa/coverage.ts';

// A door, counted by hand: closed -OPEN-> open, closed -LOCK-> locked, open -CLOSE-> closed,
// open -KNOCK-> open (self), locked -UNLOCK-> closed. Five transitions.
const door = createMachine({
  id: 'door',
  initial: 'closed',
  states: {
    closed: { on: { OPEN: 'open', LOCK: 'locked' } },
    open: { on: { CLOSE: 'closed', KNOCK: 'open' } },
    locked: { on: { UNLOCK: 'closed' } },
  },
});
const events = ['OPEN', 'CLOSE', 'LOCK', 'UNLOCK', 'KNOCK'].map((type) => ({ type }));

const start = { inbound: { kind: 'start' }, event: null, from: null, to: 'closed' };
const turn = (from: string, type: string, to: string) => ({
  inbound: { kind: 'visitor' },
  event: { type },
  from,
  to,
});

describe('transition coverage', () => {
  const edges = edgesFromAdjacency(
    getAdjacencyMap(door, { events, filterEvents: (snapshot, event) => snapshot.can(event) }),
  );

  it('lists the transitions of a small machine from xstate/graph, as counted by hand', () => {
    expect(edges.map((e) => `${e.from} ${e.event} ${e.to}`)).toEqual([
      'closed LOCK locked',
      'closed OPEN open',
      'locked UNLOCK closed',
      'open CLOSE closed',
      'open KNOCK open',
    ]);
  });

  it('counts how often a corpus took each one, and names the ones never taken', () => {
    const corpus = [
      [
        start,
        turn('closed', 'OPEN', 'open'),
        turn('open', 'KNOCK', 'open'),
        turn('open', 'KNOCK', 'open'),
        turn('open', 'CLOSE', 'closed'),
      ],
      [
        start,
        turn('closed', 'OPEN', 'open'),
        turn('open', 'CLOSE', 'closed'),
        turn('closed', 'OPEN', 'open'),
      ],
      [start, turn('open', 'SLAM', 'closed')],
    ];
    const report = measureCoverage(edges, corpus);
    expect(report.rows.map((r) => [r.from, r.event, r.to, r.count])).toEqual([
      ['closed', 'LOCK', 'locked', 0],
      ['closed', 'OPEN', 'open', 3],
      ['locked', 'UNLOCK', 'closed', 0],
      ['open', 'CLOSE', 'closed', 2],
      ['open', 'KNOCK', 'open', 2],
    ]);
    expect(report.total).toBe(5);
    expect(report.covered).toBe(3);
    expect(report.turns).toBe(8);
    expect(report.traces).toBe(3);
    expect(report.never).toEqual([
      { from: 'closed', event: 'LOCK', to: 'locked' },
      { from: 'locked', event: 'UNLOCK', to: 'closed' },
    ]);
    expect(report.unknown).toEqual([{ from: 'open', event: 'SLAM', to: 'closed', count: 1 }]);

    const text = coverageText(report, '3 traces');
    expect(text).toContain('Transition coverage: 3 of 5 transitions taken (60.0%)');
    expect(text).toContain('corpus: 3 traces, 8 turns');
    expect(text).toMatch(/\n +3 {2}closed +OPEN +open\n/);
    expect(text).toMatch(/\n +0 {2}closed +LOCK +locked {3}← never taken\n/);
    expect(text).toContain('Never taken (2):\n  closed --LOCK--> locked\n  locked --UNLOCK--> closed');
    expect(text).toContain('Taken but not transitions of the current machine (1):');
  });

  it('counts a seed conversation on the real machine: eight different transitions, once each', () => {
    const parsed = readTraceFile(
      new URL('../fixtures/traces/seed-password-agent-instant-chat.jsonl', import.meta.url).pathname,
    );
    if (!parsed.ok) throw new Error('golden trace unreadable');
    const machineTransitions = machineEdges(createConversationMachine());
    const report = measureCoverage(machineTransitions, [parsed.trace.entries]);
    expect(report.total).toBe(machineTransitions.length);
    expect(report.covered).toBe(8);
    expect(report.turns).toBe(8);
    expect(
      report.rows.filter((r) => r.count > 0).map((r) => `${r.from} ${r.event} ${r.to} ${r.count}`),
    ).toEqual([
      'escalated.assigned OPERATOR.MESSAGE escalated.assigned 1',
      'escalated.assigned OPERATOR.RESOLVE escalated.closed 1',
      'escalated.assigned VISITOR.TEXT escalated.assigned 1',
      'escalated.queued OPERATOR.ASSIGN escalated.assigned 1',
      'escalated.queued VISITOR.TEXT escalated.queued 1',
      'escalation_options VISITOR.CHOOSE escalated.queued 1',
      'greeting VISITOR.ISSUE troubleshooting 1',
      'troubleshooting VISITOR.ESCALATION_REQUEST escalation_options 1',
    ]);
    expect(report.unknown).toEqual([]);
  });
});
