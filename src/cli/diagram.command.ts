// `switchboard diagram [--trace file] --out file.svg`: the current machine as an SVG state diagram (or
// Mermaid text), with a trace's path highlighted when one is given.
import { parseArgs } from 'node:util';
import { readTraceFile } from '../engine/trace.files.ts';
import { formatProblem } from '../engine/trace.format.ts';
import { machineEdges } from '../machines/conversation.graph.ts';
import { type PathStep, renderDiagramSvg, renderMermaid, stateTree, tracePath } from '../qa/diagram.svg.ts';
import { outputFormat, writeOutput } from './cli.io.ts';
import { currentMachine } from './qa.context.ts';

export const DIAGRAM_USAGE = `usage: switchboard diagram [--trace trace.jsonl] [--format svg|mermaid] [--out file.svg]

Draws the current machine: every state and transition (from xstate/graph), compound states as clusters,
self-transitions inside their state. With --trace, the path the conversation took is drawn in blue with
each transition's turn numbers, and the state it ended in is marked. Writes to stdout without --out.`;

export async function diagramCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trace: { type: 'string' },
      format: { type: 'string', default: 'svg' },
      out: { type: 'string' },
    },
  });
  const format = outputFormat(values.format, ['svg', 'mermaid']);
  const tracePathArg = values.trace ?? positionals[0];
  const { machine } = currentMachine();
  let path: PathStep[] = [];
  let subtitle = `${machineEdges(machine).length} transitions`;
  if (tracePathArg) {
    const parsed = readTraceFile(tracePathArg);
    if (!parsed.ok) {
      for (const p of parsed.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 2;
    }
    path = tracePath(parsed.trace.entries);
    const last = parsed.trace.entries[parsed.trace.entries.length - 1];
    subtitle = `trace ${parsed.trace.name}: session ${parsed.trace.sessionId}, ${parsed.trace.entries.length} turns, ended in ${last?.to}`;
  }
  const options = { tree: stateTree(machine), edges: machineEdges(machine), path };
  const text =
    format === 'mermaid'
      ? renderMermaid(options)
      : renderDiagramSvg({ ...options, title: 'Switchboard conversation machine', subtitle });
  writeOutput(text, values.out);
  return 0;
}
