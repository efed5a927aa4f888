// Small helpers shared by the QA commands: output to stdout or a file, option checking, usage errors
// (exit code 2 like other unreadable input), and colour only on a terminal that wants it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ansiStyle, type DiffStyle, plainStyle } from '../engine/replay.diff.ts';

export class UsageError extends Error {}

export function outputFormat<T extends string>(value: string | undefined, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got ${value})`);
  return found;
}

export function writeOutput(text: string, out: string | undefined): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stderr.write(`wrote ${out}\n`);
}

export function diffStyle(toFile: boolean): DiffStyle {
  return !toFile && process.stdout.isTTY && !process.env.NO_COLOR ? ansiStyle : plainStyle;
}
