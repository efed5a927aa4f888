// Finding trace files on disk: a path is a `.jsonl` file or a directory searched recursively, in a stable
// (sorted) order so reports and CI output do not reorder between runs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseTrace, type TraceParse } from './trace.format.ts';

export class PathError extends Error {}

/** Files under `paths` whose names end with one of `extensions`; a file given by name is taken as is. */
export function findFiles(paths: readonly string[], extensions: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (extensions.some((ext) => entry.name.endsWith(ext))) found.push(full);
    }
  };
  for (const path of paths) {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch {
      throw new PathError(`${path}: no such file or directory`);
    }
    if (stats.isDirectory()) walk(path);
    else found.push(path);
  }
  return found;
}

/** Display name of a file: relative to the working directory when it is inside it. */
export function displayName(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : rel;
}

export function readTraceFile(path: string): TraceParse {
  const name = displayName(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ name, line: 0, message: `cannot read (${(error as Error).message})` }] };
  }
  return parseTrace(text, name);
}
