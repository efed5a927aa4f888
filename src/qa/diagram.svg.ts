// The machine as an SVG state diagram: states as boxes (compound states as clusters), transitions between
// different states as arrows labelled with their events, self-transitions listed inside the state's box.
// With a trace, the path it took is highlighted and numbered by step. Layout by dagre; the SVG is written
// here, every text escaped (state names and events are ours, but trace data must never become markup).
import dagre from '@dagrejs/dagre';
import type { Transition } from './coverage.ts';

export interface DiagramStateTree {
  /** Top-level states in machine order; `children` for compound states (their leaves are `parent.child`). */
  states: Array<{ key: string; children: string[] }>;
  initial: string;
}

/** One step of a trace: the transition it took, and its seq (for the numbers on the path). */
export interface PathStep extends Transition {
  seq: number;
}

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

const FONT = 11;
const CHAR_W = FONT * 0.62; // monospace: every character is as wide as the next
const LINE_H = FONT + 4;
const PAD_X = 10;
const PAD_Y = 7;
const EDGE_LABEL_MAX = 26;
const NOW_MARK = ' ◀ now';
/** An (event, target) pair leaving at least this many states is drawn once, from a "from any of" box. */
const SHARED_MIN_SOURCES = 4;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `VISITOR.SOLUTION_FAILED` → `SOLUTION_FAILED`; other sources keep a short prefix. */
export function shortEvent(type: string): string {
  const [source, name] = type.split('.', 2);
  if (!name) return type;
  if (source === 'VISITOR') return name;
  if (source === 'OPERATOR') return `op:${name}`;
  if (source === 'TIMER') return `timer:${name}`;
  if (source === 'HANDOFF') return `handoff:${name}`;
  return type;
}

function wrap(items: readonly string[], max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length > max) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const textWidth = (lines: readonly string[]) => Math.max(0, ...lines.map((l) => l.length)) * CHAR_W;

interface NodeBox {
  id: string;
  title: string;
  loops: Array<{ text: string; hot: boolean }>;
  visited: boolean;
  current: boolean;
}

interface EdgeGroup {
  from: string;
  to: string;
  events: Array<{ type: string; steps: number[] }>;
}

/** Catmull-Rom through dagre's points, as cubic Béziers: smooth curves that still pass every point. */
function curve(points: ReadonlyArray<{ x: number; y: number }>): string {
  const p = points;
  const first = p[0];
  if (!first) return '';
  let d = `M${first.x.toFixed(1)},${first.y.toFixed(1)}`;
  for (let i = 0; i < p.length - 1; i++) {
    const p0 = p[i - 1] ?? p[i];
    const p1 = p[i];
    const p2 = p[i + 1];
    const p3 = p[i + 2] ?? p2;
    if (!p0 || !p1 || !p2 || !p3) continue;
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += ` C${c1.x.toFixed(1)},${c1.y.toFixed(1)} ${c2.x.toFixed(1)},${c2.y.toFixed(1)} ${p2.x.toFixed(1)},${p2.y.toFixed(1)}`;
  }
  return d;
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
  const { tree, edges } = options;
  const path = options.path ?? [];
  const hasPath = path.length > 0;
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
  const stepsOf = (t: Transition) =>
    path.filter((p) => p.from === t.from && p.event === t.event && p.to === t.to).map((p) => p.seq);
  const visited = new Set<string>(hasPath ? [tree.initial, ...path.flatMap((p) => [p.from, p.to])] : []);
  const current = hasPath ? path[path.length - 1]?.to : undefined;

  // Self-transitions go inside the node; the rest are grouped per (from, to) into one labelled arrow.
  const nodes = new Map<string, NodeBox>();
  for (const id of leaves) {
    const name = parentOf.has(id) ? id.slice(id.indexOf('.') + 1) : id;
    nodes.set(id, { id, title: name, loops: [], visited: visited.has(id), current: id === current });
  }
  // An event that leaves many states for the same target ("ask for a human from any bot state") is drawn
  // once, from a box naming those states, instead of as a fan of arrows; a trace's own use of it is still
  // drawn as its own arrow.
  const sourcesOf = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    const key = `${e.event}\u0000${e.to}`;
    sourcesOf.set(key, (sourcesOf.get(key) ?? new Set()).add(e.from));
  }
  const shared = new Map<string, string>(); // (event, to) → source-set key
  const sharedSets = new Map<string, { id: string; sources: string[]; targets: Map<string, EdgeGroup> }>();
  for (const [key, sources] of sourcesOf) {
    if (sources.size < SHARED_MIN_SOURCES) continue;
    const list = leaves.filter((l) => sources.has(l));
    const setKey = list.join(' ');
    shared.set(key, setKey);
    if (!sharedSets.has(setKey))
      sharedSets.set(setKey, { id: `__any${sharedSets.size}`, sources: list, targets: new Map() });
  }
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

  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 58, edgesep: 14, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of tree.states) if (s.children.length > 0) g.setNode(`cluster:${s.key}`, { label: s.key });
  for (const node of nodes.values()) {
    const lines = [`${node.title}${node.current ? NOW_MARK : ''}`, ...node.loops.map((l) => l.text)];
    g.setNode(node.id, {
      width: Math.max(90, textWidth(lines) + 2 * PAD_X),
      height: lines.length * LINE_H + 2 * PAD_Y,
    });
    const parent = parentOf.get(node.id);
    if (parent) g.setParent(node.id, `cluster:${parent}`);
  }
  const sharedLines = new Map<string, string[]>();
  for (const set of sharedSets.values()) {
    const others = leaves.filter((l) => !set.sources.includes(l));
    const lines =
      others.length < set.sources.length
        ? ['from every state except', ...wrap(others, 34)]
        : ['from any of', ...wrap(set.sources, 34)];
    sharedLines.set(set.id, lines);
    g.setNode(set.id, { width: textWidth(lines) + 2 * PAD_X, height: lines.length * LINE_H + 2 * PAD_Y });
    for (const group of set.targets.values()) groups.set(`${set.id}\u0000${group.to}`, group);
  }
  g.setNode('__initial', { width: 12, height: 12 });
  g.setEdge('__initial', tree.initial, { minlen: 1 }, 'initial');
  const labelLines = new Map<string, string[]>();
  for (const [key, group] of groups) {
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
  dagre.layout(g);

  const graph = g.graph();
  const headerH = options.title ? 48 : 0;
  const width = Math.ceil(Math.max(graph.width ?? 0, 520));
  const height = Math.ceil((graph.height ?? 0) + headerH + 24);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${FONT}" role="img">`,
    `<title>${escapeXml(options.title ?? 'conversation machine')}</title>`,
    `<style>${STYLE}</style>`,
    '<defs>',
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa5b1"/></marker>',
    '<marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1d4ed8"/></marker>',
    '</defs>',
    `<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`,
  );
  if (options.title) {
    out.push(`<text class="title" x="16" y="22">${escapeXml(options.title)}</text>`);
    if (options.subtitle)
      out.push(`<text class="subtitle" x="16" y="39">${escapeXml(options.subtitle)}</text>`);
  }
  out.push(`<g transform="translate(0,${headerH})">`);

  for (const s of tree.states) {
    if (s.children.length === 0) continue;
    const c = g.node(`cluster:${s.key}`);
    if (!c || c.x === undefined || c.y === undefined) continue;
    const x = c.x - c.width / 2;
    const y = c.y - c.height / 2;
    out.push(
      `<rect class="cluster" x="${x.toFixed(1)}" y="${(y - 14).toFixed(1)}" width="${c.width.toFixed(1)}" height="${(c.height + 14).toFixed(1)}" rx="8"/>`,
      `<text class="cluster-label" x="${(x + 8).toFixed(1)}" y="${(y - 1).toFixed(1)}">${escapeXml(s.key)}</text>`,
    );
  }

  const drawEdge = (points: ReadonlyArray<{ x: number; y: number }>, hot: boolean, extra = '') =>
    `<path d="${curve(points)}" marker-end="url(#${hot ? 'arrow-hot' : 'arrow'})"${extra}/>`;
  const edgeOrder = [...groups.entries()].sort(([, a], [, b]) => {
    const hotA = a.events.some((e) => e.steps.length) ? 1 : 0;
    const hotB = b.events.some((e) => e.steps.length) ? 1 : 0;
    return hotA - hotB; // taken edges last, so they are drawn on top
  });
  for (const [key, group] of edgeOrder) {
    const label = g.edge({ v: group.from, w: group.to, name: key });
    if (!label?.points) continue;
    const hot = group.events.some((e) => e.steps.length > 0);
    const lines = labelLines.get(key) ?? [];
    out.push(`<g class="edge${hot ? ' hot' : ''}">`, drawEdge(label.points, hot));
    if (label.x !== undefined && label.y !== undefined) {
      const w = textWidth(lines) + 8;
      const h = lines.length * LINE_H + 2;
      const x0 = label.x - w / 2;
      const y0 = label.y - h / 2;
      out.push(
        `<rect class="label-bg" x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="3"/>`,
      );
      lines.forEach((line, i) => {
        out.push(
          `<text x="${(x0 + 4).toFixed(1)}" y="${(y0 + LINE_H * (i + 1) - 3).toFixed(1)}">${escapeXml(line)}</text>`,
        );
      });
    }
    out.push('</g>');
  }
  const initialEdge = g.edge({ v: '__initial', w: tree.initial, name: 'initial' });
  const initialNode = g.node('__initial');
  if (initialEdge?.points && initialNode?.x !== undefined && initialNode.y !== undefined) {
    out.push(
      `<g class="edge${hasPath ? ' hot' : ''}">${drawEdge(initialEdge.points, hasPath)}</g>`,
      `<circle class="initial" cx="${initialNode.x.toFixed(1)}" cy="${initialNode.y.toFixed(1)}" r="6"/>`,
    );
  }

  for (const [id, lines] of sharedLines) {
    const n = g.node(id);
    if (!n || n.x === undefined || n.y === undefined) continue;
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    out.push(
      '<g class="shared">',
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height.toFixed(1)}" rx="10"/>`,
      ...lines.map(
        (line, i) =>
          `<text class="${i === 0 ? 'shared-head' : ''}" x="${(x + PAD_X).toFixed(1)}" y="${(y + PAD_Y + LINE_H * (i + 1) - 4).toFixed(1)}">${escapeXml(line)}</text>`,
      ),
      '</g>',
    );
  }
  for (const node of nodes.values()) {
    const n = g.node(node.id);
    if (!n || n.x === undefined || n.y === undefined) continue;
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    const cls = ['node', node.visited ? 'visited' : '', node.current ? 'current' : '']
      .filter(Boolean)
      .join(' ');
    out.push(
      `<g class="${cls}">`,
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height.toFixed(1)}" rx="6"/>`,
      `<text class="name" x="${(x + PAD_X).toFixed(1)}" y="${(y + PAD_Y + LINE_H - 4).toFixed(1)}">${escapeXml(node.title)}${node.current ? NOW_MARK : ''}</text>`,
    );
    node.loops.forEach((loop, i) => {
      out.push(
        `<text class="loop${loop.hot ? ' hot' : ''}" x="${(x + PAD_X).toFixed(1)}" y="${(y + PAD_Y + LINE_H * (i + 2) - 4).toFixed(1)}">${escapeXml(loop.text)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</g>');
  if (hasPath)
    out.push(
      `<text class="legend" x="16" y="${height - 8}">blue: the trace's path (#n = its turn seq); red: where it ended. ⟲ = stays in the state.</text>`,
    );
  out.push('</svg>', '');
  return out.join('\n');
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
