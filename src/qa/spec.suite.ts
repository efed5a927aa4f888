// Runs every spec under some paths on spec runtimes that live for the run (one per distinct `env:`).
import { displayName, findFiles } from '../engine/trace.files.ts';
import { loadSpecFile } from './spec.load.ts';
import type { SpecOutcome } from './spec.report.ts';
import { runSpec } from './spec.runner.ts';
import { createSpecRuntimes } from './spec.runtime.ts';

export const SPEC_EXTENSIONS = ['.yaml', '.yml'];

export async function runSpecFiles(
  files: readonly string[],
  baseEnv: Record<string, string>,
): Promise<SpecOutcome[]> {
  const runtimes = createSpecRuntimes(baseEnv);
  const outcomes: SpecOutcome[] = [];
  try {
    for (const path of files) {
      const name = displayName(path);
      const load = loadSpecFile(path, name);
      if (!load.ok) outcomes.push({ kind: 'unreadable', file: name, problems: load.problems });
      else outcomes.push({ kind: 'ran', result: await runSpec(load.loaded, runtimes) });
    }
  } finally {
    await runtimes.closeAll();
  }
  return outcomes;
}

export function findSpecFiles(paths: readonly string[]): string[] {
  return findFiles(paths, SPEC_EXTENSIONS).filter((f) => !/(^|\/)README\.ya?ml$/i.test(f));
}
