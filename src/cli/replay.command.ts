// `switchboard replay <file|dir…>`: every trace through the current machine; a verdict line per trace and,
// for a divergence, the first differing step as a diff. `--update` re-records the traces from the current
// machine instead, printing every step that changed (for deliberate behaviour changes).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { replayTrace } from '../engine/replay.ts';
import { findFiles, readTraceFile } from '../engine/trace.files.ts';
import { serializeTrace } from '../engine/trace.format.ts';
import {
  changeText,
  type ReplayOutcome,
  replayExitCode,
  replayJson,
  replayJunit,
  replayText,
} from '../qa/replay.report.ts';
import { diffStyle, outputFormat, UsageError, writeOutput } from './cli.io.ts';
import { currentMachine, redetector } from './qa.context.ts';

export const REPLAY_USAGE = `usage: switchboard replay <trace.jsonl | dir …> [--redetect] [--format text|json|junit] [--out file]
       switchboard replay <trace.jsonl | dir …> --update [--redetect]

Feeds each recorded conversation through the current machine (configured by this environment's
MAX_FAILED_ATTEMPTS, KNOWLEDGE_FILE, …) with the recorded machine events, and compares state, actions,
replies and buttons at every step. No LLM is called and no database is touched.

  --redetect   re-run the deterministic detection layers (buttons, keywords, rules) on visitor messages,
               with the recorded LLM answer standing in for the model: catches detection drift
  --update     rewrite the trace files with what the current machine does, printing what changed
  --format     text (default), json or junit

Exit code: 0 every trace replays identically, 1 a trace diverged, 2 a trace could not be read.`;

export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      redetect: { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('name at least one trace file or directory');
  const format = outputFormat(values.format, ['text', 'json', 'junit']);
  const files = findFiles(positionals, ['.jsonl']);
  if (files.length === 0) throw new UsageError(`no trace files (.jsonl) under ${positionals.join(', ')}`);

  const { machine, knowledge } = currentMachine();
  const detectorFor = values.redetect ? redetector() : undefined;
  const outcomes: ReplayOutcome[] = [];
  const style = diffStyle(Boolean(values.out));
  for (const file of files) {
    const parsed = readTraceFile(file);
    if (!parsed.ok) {
      outcomes.push({
        kind: 'unreadable',
        name: parsed.problems[0]?.name ?? file,
        problems: parsed.problems,
      });
      continue;
    }
    const result = await replayTrace(parsed.trace, {
      machine,
      knowledge,
      ...(detectorFor ? { detectorFor } : {}),
    });
    outcomes.push({ kind: 'replayed', result });
    if (values.update) {
      process.stdout.write(changeText(result.name, result.differences, style));
      if (result.differences.length > 0) writeFileSync(file, serializeTrace(result.replayed));
    }
  }
  if (values.update) {
    const unreadable = outcomes.filter((o) => o.kind === 'unreadable');
    if (unreadable.length > 0) process.stdout.write(replayText(unreadable, style));
    const changed = outcomes.filter((o) => o.kind === 'replayed' && o.result.differences.length > 0).length;
    process.stdout.write(`\n${changed} of ${outcomes.length} trace files re-recorded\n`);
    return unreadable.length > 0 ? 2 : 0;
  }
  const text =
    format === 'json'
      ? replayJson(outcomes)
      : format === 'junit'
        ? replayJunit(outcomes)
        : replayText(outcomes, style);
  writeOutput(text, values.out);
  return replayExitCode(outcomes);
}
