// Risks covered: a diagram that silently drops states or transitions, a path highlighted on the wrong
// arrows, and text that breaks out of the SVG markup (it is served on our origin).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/engine/trace.format.ts';
import { machineEdges } from '../../src/machines/conversation.graph.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import {
  renderDiagramSvg,
  renderMermaid,
  shortEvent,
  stateTree,
  tracePath,
} from '../../src/qa/diagram.svg.ts';

const machine = createConversationMachine();
const edges = machineEdges(machine);
const tree = stateTree(machine);

/** Tags nest and close, attribute values and text carry no raw `<` or bare `&`: well-formed enough to parse. */
function assertWellFormed(svg: string) {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<\?xml[^>]*\?>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    expect(text).not.toMatch(/<|&(?!(amp|lt|gt|quot|#39);)/);
    last = tag.lastIndex;
    if (!m[2]) continue;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('state diagram', () => {
  it('draws every state, and every transition as an arrow, a shared box entry or a ⟲ line', () => {
    const svg = renderDiagramSvg({ tree, edges });
    assertWellFormed(svg);
    for (const s of tree.states) {
      if (s.children.length === 0) expect(svg).toContain(`>${s.key}</text>`);
      for (const c of s.children) expect(svg).toContain(`>${c}</text>`);
    }
    for (const e of edges.filter((x) => x.from === x.to)) expect(svg).toContain(`⟲ ${shortEvent(e.event)}`);
    for (const e of edges.filter((x) => x.from !== x.to)) expect(svg).toContain(shortEvent(e.event));
    // The fans ("from any bot state") collapse into boxes instead of a dozen arrows each.
    expect(svg).toContain('from every state except');
    expect(svg).not.toContain('class="edge hot"');
  });

  it('highlights exactly the path of a seed conversation, with turn numbers', () => {
    const text = readFileSync(
      new URL('../fixtures/traces/seed-password-agent-instant-chat.jsonl', import.meta.url),
      'utf8',
    );
    const parsed = parseTrace(text, 'seed.jsonl');
    if (!parsed.ok) throw new Error('golden unreadable');
    const path = tracePath(parsed.trace.entries);
    expect(path.map((p) => p.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const svg = renderDiagramSvg({ tree, edges, path, title: 'seed', subtitle: 'path' });
    assertWellFormed(svg);
    // Arrows between different states that the trace took: ISSUE, ESCALATION_REQUEST, CHOOSE, ASSIGN, RESOLVE.
    expect(svg.match(/<g class="edge hot">/g)?.length).toBe(5 + 1); // + the arrow from the initial dot
    for (const label of ['ISSUE #2', 'ESCALATION_REQUEST #3', 'CHOOSE #4', 'op:ASSIGN #6', 'op:RESOLVE #9'])
      expect(svg).toContain(label);
    expect(svg).toContain('<text class="loop hot" ');
    expect(svg).toContain('⟲ TEXT #5');
    expect(svg).toContain('⟲ op:MESSAGE #8');
    expect(svg).toMatch(/<g class="node visited current">[\s\S]*?closed ◀ now/);
    expect(svg.match(/class="node visited/g)?.length).toBe(6);
  });

  it('escapes every text it writes', () => {
    const svg = renderDiagramSvg({
      tree,
      edges,
      title: '<script>alert(1)</script>',
      subtitle: 'a & b "quoted" \'single\'',
    });
    assertWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('a &amp; b &quot;quoted&quot; &#39;single&#39;');
  });

  it('also writes Mermaid text, marking the taken transitions', () => {
    const mermaid = renderMermaid({
      tree,
      edges,
      path: [{ from: 'greeting', event: 'VISITOR.ISSUE', to: 'troubleshooting', seq: 2 }],
    });
    expect(mermaid.split('\n')[0]).toBe('stateDiagram-v2');
    expect(mermaid).toContain('  [*] --> greeting');
    expect(mermaid).toContain('  greeting --> troubleshooting: ISSUE ✔');
    expect(mermaid).toContain('  escalated_queued --> escalated_assigned: op ASSIGN');
    expect(mermaid).toContain('  class troubleshooting visited');
  });
});
