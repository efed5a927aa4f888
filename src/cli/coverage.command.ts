// `switchboard coverage <traces|specs…>`: every transition of the current machine with how often the
// corpus took it. Trace files (.jsonl) are read; spec files (.yaml) are run first and their traces used.
import { parseArgs } from 'node:util';
import { findFiles, readTraceFile } from '../engine/trace.files.ts';
import { formatProblem } from '../engine/trace.format.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import { machineEdges } from '../machines/conversation.graph.ts';
import { behaviourEnv } from '../qa/behaviour.env.ts';
import { coverageJson, coverageText, measureCoverage } from '../qa/coverage.ts';
import { outputFormat, UsageError, writeOutput } from './cli.io.ts';
import { currentMachine } from './qa.context.ts';

export const COVERAGE_USAGE = `usage: switchboard coverage [traces/ | specs/ | file …] [--format text|json] [--fail-under PCT] [--out file]

Lists every transition of the current machine (from xstate/graph) with how often the corpus took it, and
the ones never taken. .jsonl files are traces; .yaml files are specs, run through the engine first.
Default path: specs/. --fail-under exits 1 when fewer than PCT percent of transitions are taken.`;

export async function coverageCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-under': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const format = outputFormat(values.format, ['text', 'json']);
  const failUnder = values['fail-under'] === undefined ? null : Number(values['fail-under']);
  if (failUnder !== null && !(failUnder >= 0 && failUnder <= 100))
    throw new UsageError('--fail-under must be a percentage between 0 and 100');
  const files = findFiles(positionals.length ? positionals : ['specs'], ['.jsonl', '.yaml', '.yml']);
  const traceFiles = files.filter((f) => f.endsWith('.jsonl'));
  const specFiles = files.filter((f) => !f.endsWith('.jsonl') && !/(^|\/)README\.ya?ml$/i.test(f));
  if (files.length === 0) throw new UsageError('no trace (.jsonl) or spec (.yaml) files found');

  const corpus: TraceEntry[][] = [];
  let unreadable = false;
  for (const file of traceFiles) {
    const parsed = readTraceFile(file);
    if (parsed.ok) corpus.push(parsed.trace.entries);
    else {
      unreadable = true;
      for (const p of parsed.problems) process.stderr.write(`${formatProblem(p)}\n`);
    }
  }
  let failedSpecs = 0;
  if (specFiles.length > 0) {
    // Loaded only when specs are given: running them needs the whole runtime, reading traces does not.
    const { runSpecFiles } = await import('../qa/spec.suite.ts');
    for (const outcome of await runSpecFiles(specFiles, behaviourEnv(process.env))) {
      if (outcome.kind === 'unreadable') {
        unreadable = true;
        for (const p of outcome.problems) process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
        continue;
      }
      if (outcome.result.failure) failedSpecs++;
      corpus.push(outcome.result.trace);
    }
  }
  const report = measureCoverage(machineEdges(currentMachine().machine), corpus);
  const label = [
    traceFiles.length ? `${traceFiles.length} trace file${traceFiles.length === 1 ? '' : 's'}` : '',
    specFiles.length ? `${specFiles.length} spec${specFiles.length === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  writeOutput(format === 'json' ? coverageJson(report) : coverageText(report, label), values.out);
  if (failedSpecs > 0)
    process.stderr.write(
      `note: ${failedSpecs} spec(s) failed; their traces still count (run switchboard test)\n`,
    );
  if (unreadable) return 2;
  if (failUnder !== null && (100 * report.covered) / Math.max(report.total, 1) < failUnder) return 1;
  return 0;
}
