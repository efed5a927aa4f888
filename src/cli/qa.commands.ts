// The QA commands (replay, traces, test, coverage, diagram) as `switchboard` sub-commands, each loaded only
// when used (replay and coverage of traces never load the server). Each returns its exit code; a usage
// mistake or a missing path exits 2 with a message instead of a stack trace.
import { PathError } from '../engine/trace.files.ts';
import { UsageError } from './cli.io.ts';

export const QA_USAGE = `  replay     replay trace files through the current machine (replay --help)
  traces     export a session's trace, or record specs as golden traces (traces --help)
  test       run conversation specs (YAML) through the engine (test --help)
  coverage   which machine transitions traces or specs take (coverage --help)
  diagram    the machine as SVG, a trace's path highlighted (diagram --help)
`;

interface CommandModule {
  usage: string;
  run(args: string[]): Promise<number>;
}

const modules: Record<string, () => Promise<CommandModule>> = {
  replay: async () => {
    const m = await import('./replay.command.ts');
    return { usage: m.REPLAY_USAGE, run: m.replayCommand };
  },
  traces: async () => {
    const m = await import('./traces.command.ts');
    return { usage: m.TRACES_USAGE, run: m.tracesCommand };
  },
  test: async () => {
    const m = await import('./test.command.ts');
    return { usage: m.TEST_USAGE, run: m.testCommand };
  },
  coverage: async () => {
    const m = await import('./coverage.command.ts');
    return { usage: m.COVERAGE_USAGE, run: m.coverageCommand };
  },
  diagram: async () => {
    const m = await import('./diagram.command.ts');
    return { usage: m.DIAGRAM_USAGE, run: m.diagramCommand };
  },
};

function isUsageProblem(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof PathError ||
    (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
  );
}

export const qaCommands: Record<string, (args: string[]) => Promise<void>> = Object.fromEntries(
  Object.entries(modules).map(([name, load]) => [
    name,
    async (args: string[]) => {
      const command = await load();
      if (args.includes('--help') || args.includes('-h')) {
        process.stdout.write(`${command.usage}\n`);
        return;
      }
      try {
        process.exitCode = await command.run(args);
      } catch (error) {
        if (!isUsageProblem(error)) throw error;
        process.stderr.write(`${error.message}\n\n${command.usage}\n`);
        process.exitCode = 2;
      }
    },
  ]),
);
