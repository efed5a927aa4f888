// Transition coverage: which (from-state, event, to-state) transitions of the machine a corpus of traces
// took, how often, and which it never took. The transition list comes from xstate/graph's adjacency map
// (`machineEdges` for the conversation machine), never from a hand-kept list.
import type { AdjacencyMap, AdjacencyValue } from 'xstate/graph';

export interface Transition {
  from: string;
  event: string;
  to: string;
}

export interface CoverageRow extends Transition {
  count: number;
}

export interface CoverageReport {
  /** Every transition of the machine, in the machine's order, with how often the corpus took it. */
  rows: CoverageRow[];
  total: number;
  covered: number;
  never: Transition[];
  /** Taken by the corpus but not a transition of this machine (recorded by an older or other machine). */
  unknown: CoverageRow[];
  traces: number;
  turns: number;
}

export const transitionKey = (t: Transition) => `${t.from} --${t.event}--> ${t.to}`;

interface TraceLike {
  inbound: { kind: string };
  event: { type?: unknown } | null;
  from: string | null;
  to: string;
}

/** The transitions one trace took: every turn after the start, with the recorded event type. */
export function takenTransitions(entries: readonly TraceLike[]): Transition[] {
  const taken: Transition[] = [];
  for (const e of entries) {
    if (e.inbound.kind === 'start' || e.from === null || !e.event) continue;
    taken.push({ from: e.from, event: String(e.event.type), to: e.to });
  }
  return taken;
}

export function measureCoverage(
  edges: readonly Transition[],
  corpus: ReadonlyArray<readonly TraceLike[]>,
): CoverageReport {
  const counts = new Map<string, number>();
  const seen = new Map<string, Transition>();
  let turns = 0;
  for (const trace of corpus) {
    for (const t of takenTransitions(trace)) {
      turns++;
      const key = transitionKey(t);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      seen.set(key, t);
    }
  }
  const known = new Set(edges.map(transitionKey));
  const rows = edges.map((e) => ({ ...e, count: counts.get(transitionKey(e)) ?? 0 }));
  const unknown = [...seen.entries()]
    .filter(([key]) => !known.has(key))
    .map(([key, t]) => ({ ...t, count: counts.get(key) ?? 0 }))
    .sort((a, b) => transitionKey(a).localeCompare(transitionKey(b)));
  return {
    rows,
    total: rows.length,
    covered: rows.filter((r) => r.count > 0).length,
    never: rows.filter((r) => r.count === 0).map(({ count: _, ...t }) => t),
    unknown,
    traces: corpus.length,
    turns,
  };
}

/**
 * Transitions from an xstate/graph adjacency map of any machine (`getAdjacencyMap(machine, { events })`):
 * dotted state paths and event types, deduplicated, sorted.
 */
export function edgesFromAdjacency<S extends { value: unknown }, E extends { type: string }>(
  map: AdjacencyMap<S, E>,
): Transition[] {
  const edges = new Map<string, Transition>();
  const nodes: Array<AdjacencyValue<S, E>> = Object.values(map);
  for (const node of nodes) {
    const from = dotted(node.state.value);
    const transitions: Array<{ event: E; state: S }> = Object.values(node.transitions);
    for (const { event, state } of transitions) {
      const edge = { from, event: event.type, to: dotted(state.value) };
      edges.set(transitionKey(edge), edge);
    }
  }
  return [...edges.values()].sort((a, b) => transitionKey(a).localeCompare(transitionKey(b)));
}

function dotted(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    return key ? `${key}.${dotted(child)}` : '';
  }
  return '';
}

export function coverageText(report: CoverageReport, corpusLabel: string): string {
  const pct = report.total ? ((100 * report.covered) / report.total).toFixed(1) : '100.0';
  const width = (pick: (r: Transition) => string) =>
    Math.max(...report.rows.map((r) => pick(r).length), ...report.unknown.map((r) => pick(r).length), 4);
  const wFrom = width((r) => r.from);
  const wEvent = width((r) => r.event);
  const row = (r: CoverageRow, mark = '') =>
    `  ${String(r.count).padStart(5)}  ${r.from.padEnd(wFrom)}  ${r.event.padEnd(wEvent)}  ${r.to}${mark}`;
  const lines = [
    `Transition coverage: ${report.covered} of ${report.total} transitions taken (${pct}%)`,
    `corpus: ${corpusLabel}, ${report.turns} turns`,
    '',
    `  ${'taken'.padStart(5)}  ${'from'.padEnd(wFrom)}  ${'event'.padEnd(wEvent)}  to`,
    ...report.rows.map((r) => row(r, r.count === 0 ? '   ← never taken' : '')),
    '',
    `Never taken (${report.never.length})${report.never.length ? ':' : ''}`,
    ...report.never.map((t) => `  ${transitionKey(t)}`),
  ];
  if (report.unknown.length > 0)
    lines.push(
      '',
      `Taken but not transitions of the current machine (${report.unknown.length}):`,
      ...report.unknown.map((r) => row(r)),
    );
  return `${lines.join('\n')}\n`;
}

export function coverageJson(report: CoverageReport): string {
  return `${JSON.stringify(
    {
      total: report.total,
      covered: report.covered,
      percent: report.total ? Math.round((1000 * report.covered) / report.total) / 10 : 100,
      traces: report.traces,
      turns: report.turns,
      transitions: report.rows,
      never: report.never,
      unknown: report.unknown,
    },
    null,
    2,
  )}\n`;
}
