// The boxes of the state diagram as SVG: compound-state clusters, "from any of" boxes, and one box per
// state with its ⟲ lines (visited and current ones marked).
import type { DiagramLayout } from './diagram.layout.ts';
import { NOW_MARK } from './diagram.layout.ts';
import type { DiagramModel, DiagramStateTree } from './diagram.model.ts';
import { escapeXml, LINE_H, PAD_X, PAD_Y } from './diagram.text.ts';

/** The top-left corner and size of a laid-out node, or undefined if dagre did not place it. */
function boxOf(layout: DiagramLayout, id: string) {
  const n = layout.graph.node(id);
  if (!n || n.x === undefined || n.y === undefined) return undefined;
  return { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
}

export function renderClusters(tree: DiagramStateTree, layout: DiagramLayout): string[] {
  const out: string[] = [];
  for (const s of tree.states) {
    if (s.children.length === 0) continue;
    const c = boxOf(layout, `cluster:${s.key}`);
    if (!c) continue;
    out.push(
      `<rect class="cluster" x="${c.x.toFixed(1)}" y="${(c.y - 14).toFixed(1)}" width="${c.width.toFixed(1)}" height="${(c.height + 14).toFixed(1)}" rx="8"/>`,
      `<text class="cluster-label" x="${(c.x + 8).toFixed(1)}" y="${(c.y - 1).toFixed(1)}">${escapeXml(s.key)}</text>`,
    );
  }
  return out;
}

export function renderSharedBoxes(layout: DiagramLayout): string[] {
  const out: string[] = [];
  for (const [id, lines] of layout.sharedLines) {
    const b = boxOf(layout, id);
    if (!b) continue;
    out.push(
      '<g class="shared">',
      `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" height="${b.height.toFixed(1)}" rx="10"/>`,
      ...lines.map(
        (line, i) =>
          `<text class="${i === 0 ? 'shared-head' : ''}" x="${(b.x + PAD_X).toFixed(1)}" y="${(b.y + PAD_Y + LINE_H * (i + 1) - 4).toFixed(1)}">${escapeXml(line)}</text>`,
      ),
      '</g>',
    );
  }
  return out;
}

export function renderStateBoxes(model: DiagramModel, layout: DiagramLayout): string[] {
  const out: string[] = [];
  for (const node of model.nodes.values()) {
    const b = boxOf(layout, node.id);
    if (!b) continue;
    const cls = ['node', node.visited ? 'visited' : '', node.current ? 'current' : '']
      .filter(Boolean)
      .join(' ');
    out.push(
      `<g class="${cls}">`,
      `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" height="${b.height.toFixed(1)}" rx="6"/>`,
      `<text class="name" x="${(b.x + PAD_X).toFixed(1)}" y="${(b.y + PAD_Y + LINE_H - 4).toFixed(1)}">${escapeXml(node.title)}${node.current ? NOW_MARK : ''}</text>`,
      ...node.loops.map(
        (loop, i) =>
          `<text class="loop${loop.hot ? ' hot' : ''}" x="${(b.x + PAD_X).toFixed(1)}" y="${(b.y + PAD_Y + LINE_H * (i + 2) - 4).toFixed(1)}">${escapeXml(loop.text)}</text>`,
      ),
      '</g>',
    );
  }
  return out;
}
