// What the state diagram shows, before any geometry: a box per leaf state listing its self-transitions,
// one labelled arrow per (from, to) pair, and "from any of" boxes for events that leave many states for
// the same target. With a trace, which of them it took and at which steps.
import type { Transition } from './coverage.ts';
import { shortEvent } from './diagram.text.ts';

export interface DiagramStateTree {
  /** Top-level states in machine order; `children` for compound states (their leaves are `parent.child`). */
  states: Array<{ key: string; children: string[] }>;
  initial: string;
}

/** One step of a trace: the transition it took, and its seq (for the numbers on the path). */
export interface PathStep extends Transition {
  seq: number;
}

export interface NodeBox {
  id: string;
  title: string;
  loops: Array<{ text: string; hot: boolean }>;
  visited: boolean;
  current: boolean;
}

export interface EdgeGroup {
  from: string;
  to: string;
  events: Array<{ type: string; steps: number[] }>;
}

/** A "from any of" box: the states an (event, target) pair leaves from, and its arrows by target. */
export interface SharedSources {
  id: string;
  sources: string[];
  targets: Map<string, EdgeGroup>;
}

export interface DiagramModel {
  /** Leaf states in machine order (`parent.child` for the children of compound states). */
  leaves: string[];
  parentOf: Map<string, string>;
  nodes: Map<string, NodeBox>;
  /** Arrows keyed by `from\0to`, the ones leaving "from any of" boxes last. */
  groups: Map<string, EdgeGroup>;
  sharedSets: Map<string, SharedSources>;
}

/** An (event, target) pair leaving at least this many states is drawn once, from a "from any of" box. */
const SHARED_MIN_SOURCES = 4;

export function diagramModel(
  tree: DiagramStateTree,
  edges: readonly Transition[],
  path: readonly PathStep[],
): DiagramModel {
  const { leaves, parentOf } = leavesOf(tree);
  const visited = new Set<string>(
    path.length > 0 ? [tree.initial, ...path.flatMap((p) => [p.from, p.to])] : [],
  );
  const current = path.length > 0 ? path[path.length - 1]?.to : undefined;
  const nodes = new Map<string, NodeBox>();
  for (const id of leaves) {
    const name = parentOf.has(id) ? id.slice(id.indexOf('.') + 1) : id;
    nodes.set(id, { id, title: name, loops: [], visited: visited.has(id), current: id === current });
  }
  const { shared, sharedSets } = sharedSources(edges, leaves);
  const groups = groupEdges(edges, path, nodes, shared, sharedSets);
  for (const set of sharedSets.values())
    for (const group of set.targets.values()) groups.set(`${set.id}\u0000${group.to}`, group);
  return { leaves, parentOf, nodes, groups, sharedSets };
}

function leavesOf(tree: DiagramStateTree) {
  const parentOf = new Map<string, string>();
  const leaves: string[] = [];
  for (const s of tree.states) {
    if (s.children.length === 0) leaves.push(s.key);
    for (const c of s.children) {
      const id = `${s.key}.${c}`;
      leaves.push(id);
      parentOf.set(id, s.key);
    }
  }
  return { leaves, parentOf };
}

/**
 * An event that leaves many states for the same target ("ask for a human from any bot state") is drawn
 * once, from a box naming those states, instead of as a fan of arrows. `shared`: (event, to) → the key of
 * its source set.
 */
function sharedSources(edges: readonly Transition[], leaves: readonly string[]) {
  const sourcesOf = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    const key = `${e.event}\u0000${e.to}`;
    sourcesOf.set(key, (sourcesOf.get(key) ?? new Set()).add(e.from));
  }
  const shared = new Map<string, string>();
  const sharedSets = new Map<string, SharedSources>();
  for (const [key, sources] of sourcesOf) {
    if (sources.size < SHARED_MIN_SOURCES) continue;
    const list = leaves.filter((l) => sources.has(l));
    const setKey = list.join(' ');
    shared.set(key, setKey);
    if (!sharedSets.has(setKey))
      sharedSets.set(setKey, { id: `__any${sharedSets.size}`, sources: list, targets: new Map() });
  }
  return { shared, sharedSets };
}

/**
 * Self-transitions go inside their node; the rest are grouped per (from, to) into one labelled arrow, or
 * onto a shared box's arrow. A trace's own use of a shared transition is still drawn as its own arrow.
 */
function groupEdges(
  edges: readonly Transition[],
  path: readonly PathStep[],
  nodes: Map<string, NodeBox>,
  shared: Map<string, string>,
  sharedSets: Map<string, SharedSources>,
) {
  const stepsOf = (t: Transition) =>
    path.filter((p) => p.from === t.from && p.event === t.event && p.to === t.to).map((p) => p.seq);
  const groups = new Map<string, EdgeGroup>();
  for (const e of edges) {
    const steps = stepsOf(e);
    const setKey = e.from === e.to ? undefined : shared.get(`${e.event}\u0000${e.to}`);
    if (setKey !== undefined) {
      const set = sharedSets.get(setKey);
      if (set) {
        const group = set.targets.get(e.to) ?? { from: set.id, to: e.to, events: [] };
        if (!group.events.some((x) => x.type === e.event)) group.events.push({ type: e.event, steps: [] });
        set.targets.set(e.to, group);
      }
      if (steps.length === 0) continue;
    }
    if (e.from === e.to) {
      const node = nodes.get(e.from);
      if (node)
        node.loops.push({
          text: `⟲ ${shortEvent(e.event)}${steps.length ? ` #${steps.join(',')}` : ''}`,
          hot: steps.length > 0,
        });
      continue;
    }
    const key = `${e.from}\u0000${e.to}`;
    const group = groups.get(key) ?? { from: e.from, to: e.to, events: [] };
    const known = group.events.find((x) => x.type === e.event);
    if (known) known.steps.push(...steps);
    else group.events.push({ type: e.event, steps });
    groups.set(key, group);
  }
  return groups;
}
