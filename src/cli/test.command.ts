// `switchboard test <specs…>`: runs conversation specs (YAML) through the real engine on a throw-away
// embedded database and reports per spec. Exit 0 passed, 1 a spec failed, 2 a spec could not be read.
import { parseArgs } from 'node:util';
import { behaviourEnv } from '../qa/behaviour.env.ts';
import { specExitCode, specJson, specJunit, specText } from '../qa/spec.report.ts';
import { findSpecFiles, runSpecFiles } from '../qa/spec.suite.ts';
import { outputFormat, UsageError, writeOutput } from './cli.io.ts';

export const TEST_USAGE = `usage: switchboard test [specs/ | file.yaml …] [--format text|json|junit] [--out file]

Runs each conversation spec through the engine (detection, machine, store) on a temporary embedded
database; no LLM is called. Default path: specs/.`;

export async function testCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, out: { type: 'string' } },
  });
  const format = outputFormat(values.format, ['text', 'json', 'junit']);
  const files = findSpecFiles(positionals.length ? positionals : ['specs']);
  if (files.length === 0) throw new UsageError('no spec files (.yaml) found');
  const outcomes = await runSpecFiles(files, behaviourEnv(process.env));
  const text =
    format === 'json' ? specJson(outcomes) : format === 'junit' ? specJunit(outcomes) : specText(outcomes);
  writeOutput(text, values.out);
  return specExitCode(outcomes);
}
