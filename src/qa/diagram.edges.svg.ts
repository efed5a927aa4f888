// The arrows of the state diagram as SVG: smooth paths through dagre's points, labelled with their events;
// the ones a trace took drawn last, on top.
import type { DiagramLayout } from './diagram.layout.ts';
import type { DiagramModel, DiagramStateTree } from './diagram.model.ts';
import { escapeXml, LINE_H, textWidth } from './diagram.text.ts';

type Point = { x: number; y: number };

/** Catmull-Rom through dagre's points, as cubic Béziers: smooth curves that still pass every point. */
function curve(points: ReadonlyArray<Point>): string {
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

const drawEdge = (points: ReadonlyArray<Point>, hot: boolean) =>
  `<path d="${curve(points)}" marker-end="url(#${hot ? 'arrow-hot' : 'arrow'})"/>`;

export function renderArrows(model: DiagramModel, layout: DiagramLayout): string[] {
  const out: string[] = [];
  const edgeOrder = [...model.groups.entries()].sort(([, a], [, b]) => {
    const hotA = a.events.some((e) => e.steps.length) ? 1 : 0;
    const hotB = b.events.some((e) => e.steps.length) ? 1 : 0;
    return hotA - hotB; // taken edges last, so they are drawn on top
  });
  for (const [key, group] of edgeOrder) {
    const label = layout.graph.edge({ v: group.from, w: group.to, name: key });
    if (!label?.points) continue;
    const hot = group.events.some((e) => e.steps.length > 0);
    out.push(`<g class="edge${hot ? ' hot' : ''}">`, drawEdge(label.points, hot));
    if (label.x !== undefined && label.y !== undefined)
      out.push(...renderLabel(label.x, label.y, layout.labelLines.get(key) ?? []));
    out.push('</g>');
  }
  return out;
}

function renderLabel(x: number, y: number, lines: readonly string[]): string[] {
  const w = textWidth(lines) + 8;
  const h = lines.length * LINE_H + 2;
  const x0 = x - w / 2;
  const y0 = y - h / 2;
  return [
    `<rect class="label-bg" x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="3"/>`,
    ...lines.map(
      (line, i) =>
        `<text x="${(x0 + 4).toFixed(1)}" y="${(y0 + LINE_H * (i + 1) - 3).toFixed(1)}">${escapeXml(line)}</text>`,
    ),
  ];
}

/** The dot the machine starts from, and its arrow (part of the path when there is one). */
export function renderInitialArrow(
  tree: DiagramStateTree,
  layout: DiagramLayout,
  hasPath: boolean,
): string[] {
  const initialEdge = layout.graph.edge({ v: '__initial', w: tree.initial, name: 'initial' });
  const initialNode = layout.graph.node('__initial');
  if (!initialEdge?.points || initialNode?.x === undefined || initialNode.y === undefined) return [];
  return [
    `<g class="edge${hasPath ? ' hot' : ''}">${drawEdge(initialEdge.points, hasPath)}</g>`,
    `<circle class="initial" cx="${initialNode.x.toFixed(1)}" cy="${initialNode.y.toFixed(1)}" r="6"/>`,
  ];
}
