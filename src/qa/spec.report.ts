// How `switchboard test` reports spec runs: one line per spec, and for a failure the step (with its line in
// the file), what was expected and what the engine did. Exit codes: 0 passed, 1 a spec failed, 2 a spec
// could not be read.
import { junitXml } from './junit.report.ts';
import type { SpecProblem } from './spec.load.ts';
import type { SpecResult } from './spec.runner.ts';

export type SpecOutcome =
  | { kind: 'ran'; result: SpecResult }
  | { kind: 'unreadable'; file: string; problems: SpecProblem[] };

export function specExitCode(outcomes: readonly SpecOutcome[]): 0 | 1 | 2 {
  if (outcomes.some((o) => o.kind === 'unreadable')) return 2;
  if (outcomes.some((o) => o.kind === 'ran' && o.result.failure)) return 1;
  return 0;
}

const where = (p: SpecProblem) => (p.line > 0 ? `${p.file}:${p.line}` : p.file);

export function failureText(result: SpecResult, indent = '    '): string[] {
  const f = result.failure;
  if (!f) return [];
  return [
    `${indent}${f.step === 0 ? 'at the session start' : `step ${f.step}${f.line ? ` (${result.file}:${f.line})` : ''}`}: ${f.action}`,
    ...f.problems.map((p) => `${indent}  ✗ ${p}`),
    `${indent}  what happened:`,
    ...f.observed.map((l) => `${indent}    ${l}`),
  ];
}

export function specText(outcomes: readonly SpecOutcome[]): string {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  let unreadable = 0;
  for (const o of outcomes) {
    if (o.kind === 'unreadable') {
      unreadable++;
      lines.push(`! ${o.file}  unreadable`);
      for (const p of o.problems) lines.push(`    ${where(p)}: ${p.message}`);
      continue;
    }
    const r = o.result;
    if (!r.failure) {
      passed++;
      lines.push(`✓ ${r.file}  ${r.name} (${r.steps} steps)`);
    } else {
      failed++;
      lines.push(`✗ ${r.file}  ${r.name}`, ...failureText(r));
    }
  }
  const parts = [`${passed} passed`];
  if (failed) parts.push(`${failed} failed`);
  if (unreadable) parts.push(`${unreadable} unreadable`);
  lines.push('', `${outcomes.length} spec${outcomes.length === 1 ? '' : 's'}: ${parts.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function specJson(outcomes: readonly SpecOutcome[]): string {
  const specs = outcomes.map((o) =>
    o.kind === 'unreadable'
      ? { file: o.file, status: 'unreadable', problems: o.problems }
      : {
          file: o.result.file,
          name: o.result.name,
          sessionId: o.result.sessionId,
          steps: o.result.steps,
          status: o.result.failure ? 'failed' : 'passed',
          ...(o.result.failure ? { failure: o.result.failure } : {}),
          durationMs: Math.round(o.result.durationMs),
        },
  );
  const count = (s: string) => specs.filter((x) => x.status === s).length;
  return `${JSON.stringify(
    {
      summary: {
        specs: specs.length,
        passed: count('passed'),
        failed: count('failed'),
        unreadable: count('unreadable'),
      },
      specs,
    },
    null,
    2,
  )}\n`;
}

export function specJunit(outcomes: readonly SpecOutcome[]): string {
  return junitXml(
    'switchboard specs',
    outcomes.map((o) =>
      o.kind === 'unreadable'
        ? {
            name: o.file,
            classname: 'specs',
            error: {
              message: 'unreadable spec',
              body: o.problems.map((p) => `${where(p)}: ${p.message}`).join('\n'),
            },
          }
        : {
            name: `${o.result.file}: ${o.result.name}`,
            classname: 'specs',
            timeSeconds: o.result.durationMs / 1000,
            ...(o.result.failure
              ? {
                  failure: {
                    message: o.result.failure.problems[0] ?? 'failed',
                    body: failureText(o.result, '').join('\n'),
                  },
                }
              : {}),
          },
    ),
  );
}
