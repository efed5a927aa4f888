// Where everything on the state diagram goes: boxes sized from their text, laid out top to bottom by
// dagre (compound states as clusters, arrows routed around boxes, labels placed on them).
import dagre from '@dagrejs/dagre';
import type { DiagramModel, DiagramStateTree } from './diagram.model.ts';
import { LINE_H, PAD_X, PAD_Y, shortEvent, textWidth, wrap } from './diagram.text.ts';

const EDGE_LABEL_MAX = 26;
export const NOW_MARK = ' ◀ now';

export type DiagramGraph = InstanceType<typeof dagre.graphlib.Graph>;

export interface DiagramLayout {
  graph: DiagramGraph;
  /** The text of each "from any of" box, by its node id. */
  sharedLines: Map<string, string[]>;
  /** The label lines of each arrow, by its group key. */
  labelLines: Map<string, string[]>;
}

export function layOutDiagram(tree: DiagramStateTree, model: DiagramModel): DiagramLayout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 58, edgesep: 14, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  addStateNodes(g, tree, model);
  const sharedLines = addSharedNodes(g, model);
  g.setNode('__initial', { width: 12, height: 12 });
  g.setEdge('__initial', tree.initial, { minlen: 1 }, 'initial');
  const labelLines = addArrows(g, model);
  dagre.layout(g);
  return { graph: g, sharedLines, labelLines };
}

function addStateNodes(g: DiagramGraph, tree: DiagramStateTree, model: DiagramModel) {
  for (const s of tree.states) if (s.children.length > 0) g.setNode(`cluster:${s.key}`, { label: s.key });
  for (const node of model.nodes.values()) {
    const lines = [`${node.title}${node.current ? NOW_MARK : ''}`, ...node.loops.map((l) => l.text)];
    g.setNode(node.id, {
      width: Math.max(90, textWidth(lines) + 2 * PAD_X),
      height: lines.length * LINE_H + 2 * PAD_Y,
    });
    const parent = model.parentOf.get(node.id);
    if (parent) g.setParent(node.id, `cluster:${parent}`);
  }
}

/** Each box names its sources, or the states it does not leave from when those are fewer. */
function addSharedNodes(g: DiagramGraph, model: DiagramModel) {
  const sharedLines = new Map<string, string[]>();
  for (const set of model.sharedSets.values()) {
    const others = model.leaves.filter((l) => !set.sources.includes(l));
    const lines =
      others.length < set.sources.length
        ? ['from every state except', ...wrap(others, 34)]
        : ['from any of', ...wrap(set.sources, 34)];
    sharedLines.set(set.id, lines);
    g.setNode(set.id, { width: textWidth(lines) + 2 * PAD_X, height: lines.length * LINE_H + 2 * PAD_Y });
  }
  return sharedLines;
}

function addArrows(g: DiagramGraph, model: DiagramModel) {
  const labelLines = new Map<string, string[]>();
  for (const [key, group] of model.groups) {
    const lines = wrap(
      group.events.map((e) => `${shortEvent(e.type)}${e.steps.length ? ` #${e.steps.join(',')}` : ''}`),
      EDGE_LABEL_MAX,
    );
    labelLines.set(key, lines);
    g.setEdge(
      group.from,
      group.to,
      { width: textWidth(lines) + 8, height: lines.length * LINE_H + 2, labelpos: 'c' },
      key,
    );
  }
  return labelLines;
}
