// The machine as an SVG state diagram: states as boxes (compound states as clusters), transitions between
// different states as arrows labelled with their events, self-transitions listed inside the state's box.
// With a trace, the path it took is highlighted and numbered by step. What is drawn: diagram.model.ts;
// where: diagram.layout.ts (dagre); the SVG is written by hand in diagram.*.svg.ts and here, every text
// escaped (state names and events are ours, but trace data must never become markup).
import type { Transition } from './coverage.ts';
import { renderArrows, renderInitialArrow } from './diagram.edges.svg.ts';
import { layOutDiagram } from './diagram.layout.ts';
import { type DiagramStateTree, diagramModel, type PathStep } from './diagram.model.ts';
import { renderClusters, renderSharedBoxes, renderStateBoxes } from './diagram.nodes.svg.ts';
import { escapeXml, FONT, shortEvent } from './diagram.text.ts';

export type { DiagramStateTree, PathStep } from './diagram.model.ts';
export { escapeXml, shortEvent } from './diagram.text.ts';

export interface DiagramOptions {
  tree: DiagramStateTree;
  edges: readonly Transition[];
  /** Steps taken by a trace, in order; highlighted on the diagram. */
  path?: readonly PathStep[];
  /** Where the trace started and ended (for the "start" and "now" marks). */
  title?: string;
  subtitle?: string;
}

/** The state tree of an xstate machine, in definition order. */
export function stateTree(machine: {
  root: { initial?: unknown; states: Record<string, { key: string; states: Record<string, unknown> }> };
  config: { initial?: unknown };
}): DiagramStateTree {
  const states = Object.values(machine.root.states).map((s) => ({
    key: s.key,
    children: Object.keys(s.states),
  }));
  const initial =
    typeof machine.config.initial === 'string' ? machine.config.initial : (states[0]?.key ?? '');
  return { states, initial };
}

const STYLE = `
  .bg { fill: #ffffff; }
  .title { font-size: 14px; font-weight: 600; fill: #1f2933; }
  .subtitle { fill: #52606d; }
  .cluster { fill: #f5f7fa; stroke: #9aa5b1; stroke-dasharray: 4 3; }
  .cluster-label { fill: #52606d; font-weight: 600; }
  .node rect { fill: #ffffff; stroke: #616e7c; stroke-width: 1.2; }
  .node .name { fill: #1f2933; font-weight: 600; }
  .node .loop { fill: #7b8794; }
  .node.visited rect { fill: #e3f0ff; stroke: #1d4ed8; stroke-width: 2; }
  .node.current rect { stroke: #b91c1c; stroke-width: 3; }
  .node .loop.hot { fill: #1d4ed8; font-weight: 600; }
  .edge path { fill: none; stroke: #9aa5b1; stroke-width: 1.1; }
  .edge text { fill: #52606d; }
  .edge .label-bg { fill: #ffffff; opacity: 0.85; }
  .edge.hot path { stroke: #1d4ed8; stroke-width: 2.6; }
  .edge.hot text { fill: #1d4ed8; font-weight: 600; }
  .initial { fill: #1f2933; }
  .shared rect { fill: #fffbea; stroke: #b7791f; stroke-dasharray: 5 3; }
  .shared text { fill: #7c5e10; }
  .shared .shared-head { font-style: italic; }
  .legend { fill: #52606d; }
`;

export function renderDiagramSvg(options: DiagramOptions): string {
  const { tree } = options;
  const path = options.path ?? [];
  const hasPath = path.length > 0;
  const model = diagramModel(tree, options.edges, path);
  const layout = layOutDiagram(tree, model);
  const graph = layout.graph.graph();
  const headerH = options.title ? 48 : 0;
  const width = Math.ceil(Math.max(graph.width ?? 0, 520));
  const height = Math.ceil((graph.height ?? 0) + headerH + 24);
  const legend = `<text class="legend" x="16" y="${height - 8}">blue: the trace's path (#n = its turn seq); red: where it ended. ⟲ = stays in the state.</text>`;
  return [
    ...svgHead(width, height, options),
    `<g transform="translate(0,${headerH})">`,
    ...renderClusters(tree, layout),
    ...renderArrows(model, layout),
    ...renderInitialArrow(tree, layout, hasPath),
    ...renderSharedBoxes(layout),
    ...renderStateBoxes(model, layout),
    '</g>',
    ...(hasPath ? [legend] : []),
    '</svg>',
    '',
  ].join('\n');
}

/** The root element, styles, arrow heads, background, and the title lines when there is a title. */
function svgHead(width: number, height: number, options: DiagramOptions): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${FONT}" role="img">`,
    `<title>${escapeXml(options.title ?? 'conversation machine')}</title>`,
    `<style>${STYLE}</style>`,
    '<defs>',
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa5b1"/></marker>',
    '<marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1d4ed8"/></marker>',
    '</defs>',
    `<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`,
  ];
  if (options.title) {
    out.push(`<text class="title" x="16" y="22">${escapeXml(options.title)}</text>`);
    if (options.subtitle)
      out.push(`<text class="subtitle" x="16" y="39">${escapeXml(options.subtitle)}</text>`);
  }
  return out;
}

/** The path a trace took, for highlighting: every turn after the start. */
export function tracePath(
  entries: ReadonlyArray<{
    seq: number;
    inbound: { kind: string };
    event: { type?: unknown } | null;
    from: string | null;
    to: string;
  }>,
): PathStep[] {
  return entries
    .filter((e) => e.inbound.kind !== 'start' && e.from !== null && e.event)
    .map((e) => ({ from: e.from as string, event: String(e.event?.type), to: e.to, seq: e.seq }));
}

/** The same diagram as Mermaid `stateDiagram-v2` text (renders in GitHub Markdown and many wikis). */
export function renderMermaid(options: Pick<DiagramOptions, 'tree' | 'edges' | 'path'>): string {
  const id = (state: string) => state.replace(/\./g, '_');
  const taken = new Set((options.path ?? []).map((p) => `${p.from} ${p.event} ${p.to}`));
  const lines = ['stateDiagram-v2', `  [*] --> ${id(options.tree.initial)}`];
  for (const s of options.tree.states) {
    if (s.children.length === 0) continue;
    lines.push(`  state ${s.key} {`);
    for (const c of s.children) lines.push(`    ${id(`${s.key}.${c}`)}: ${c}`);
    lines.push('  }');
  }
  for (const e of options.edges) {
    const mark = taken.has(`${e.from} ${e.event} ${e.to}`) ? ' ✔' : '';
    lines.push(`  ${id(e.from)} --> ${id(e.to)}: ${shortEvent(e.event).replace(/:/g, ' ')}${mark}`);
  }
  const visited = new Set((options.path ?? []).flatMap((p) => [p.from, p.to]));
  if (visited.size > 0) {
    lines.push('  classDef visited fill:#e3f0ff,stroke:#1d4ed8,stroke-width:2px');
    for (const v of visited) lines.push(`  class ${id(v)} visited`);
  }
  return `${lines.join('\n')}\n`;
}
