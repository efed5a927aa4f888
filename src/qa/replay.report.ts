// How `switchboard replay` reports: one line per trace, and for a divergence the first differing step as a
// diff of recorded (-) against replayed (+); JSON and JUnit for CI. Exit codes: 0 all passed, 1 a trace
// diverged, 2 a trace could not be read (that wins: the run did not check everything it was given).
import { type DiffStyle, diffLines, plainStyle, renderDiff } from '../engine/replay.diff.ts';
import type { ReplayResult, StepDifference } from '../engine/replay.ts';
import { formatProblem, type TraceProblem } from '../engine/trace.format.ts';
import { junitXml } from './junit.report.ts';

export type ReplayOutcome =
  | { kind: 'replayed'; result: ReplayResult }
  | { kind: 'unreadable'; name: string; problems: TraceProblem[] };

export function replayExitCode(outcomes: readonly ReplayOutcome[]): 0 | 1 | 2 {
  if (outcomes.some((o) => o.kind === 'unreadable')) return 2;
  if (outcomes.some((o) => o.kind === 'replayed' && o.result.differences.length > 0)) return 1;
  return 0;
}

export function stepDiffText(diff: StepDifference, indent = '    ', style: DiffStyle = plainStyle): string[] {
  return [
    `${indent}step ${diff.step} (seq ${diff.seq}): ${diff.inbound}`,
    ...diff.notes.map((n) => `${indent}  ${n}`),
    `${indent}  (- recorded, + current machine)`,
    ...renderDiff(diffLines(diff.expected, diff.actual), `${indent}  `, style),
  ];
}

export function replayText(outcomes: readonly ReplayOutcome[], style: DiffStyle = plainStyle): string {
  const lines: string[] = [];
  let passed = 0;
  let diverged = 0;
  let unreadable = 0;
  for (const o of outcomes) {
    if (o.kind === 'unreadable') {
      unreadable++;
      lines.push(`! ${o.name}  unreadable`);
      for (const p of o.problems) lines.push(`    ${formatProblem(p)}`);
      continue;
    }
    const r = o.result;
    const first = r.differences[0];
    if (!first) {
      passed++;
      lines.push(`✓ ${r.name}  ${r.steps} steps`);
      continue;
    }
    diverged++;
    lines.push(`✗ ${r.name}  diverged at step ${first.step} of ${r.steps}`);
    lines.push(...stepDiffText(first, '    ', style));
    const later = r.differences.length - 1;
    if (later > 0) lines.push(`    (${later} later step${later === 1 ? ' differs' : 's differ'} as well)`);
  }
  const parts = [`${passed} passed`];
  if (diverged) parts.push(`${diverged} diverged`);
  if (unreadable) parts.push(`${unreadable} unreadable`);
  lines.push('', `${outcomes.length} trace${outcomes.length === 1 ? '' : 's'}: ${parts.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function replayJson(outcomes: readonly ReplayOutcome[]): string {
  const traces = outcomes.map((o) => {
    if (o.kind === 'unreadable')
      return {
        name: o.name,
        status: 'unreadable',
        problems: o.problems.map((p) => ({ line: p.line, message: p.message })),
      };
    const first = o.result.differences[0];
    return {
      name: o.result.name,
      sessionId: o.result.sessionId,
      steps: o.result.steps,
      status: first ? 'diverged' : 'passed',
      ...(first
        ? {
            divergence: {
              step: first.step,
              seq: first.seq,
              inbound: first.inbound,
              notes: first.notes,
              expected: first.expected,
              actual: first.actual,
              diff: renderDiff(diffLines(first.expected, first.actual)),
            },
            differingSteps: o.result.differences.map((d) => d.step),
          }
        : {}),
    };
  });
  const count = (status: string) => traces.filter((t) => t.status === status).length;
  return `${JSON.stringify(
    {
      summary: {
        traces: traces.length,
        passed: count('passed'),
        diverged: count('diverged'),
        unreadable: count('unreadable'),
      },
      traces,
    },
    null,
    2,
  )}\n`;
}

export function replayJunit(outcomes: readonly ReplayOutcome[]): string {
  return junitXml(
    'switchboard replay',
    outcomes.map((o) => {
      if (o.kind === 'unreadable')
        return {
          name: o.name,
          classname: 'replay',
          error: { message: 'unreadable trace', body: o.problems.map(formatProblem).join('\n') },
        };
      const first = o.result.differences[0];
      return {
        name: o.result.name,
        classname: 'replay',
        ...(first
          ? {
              failure: {
                message: `diverged at step ${first.step} of ${o.result.steps}`,
                body: stepDiffText(first, '').join('\n'),
              },
            }
          : {}),
      };
    }),
  );
}

/** What `--update` / `traces record` print for a re-recorded trace: every step that changed. */
export function changeText(name: string, diffs: readonly StepDifference[], style: DiffStyle = plainStyle) {
  if (diffs.length === 0) return `= ${name}  unchanged\n`;
  const lines = [`~ ${name}  ${diffs.length} step${diffs.length === 1 ? '' : 's'} changed`];
  for (const d of diffs) lines.push(...stepDiffText(d, '    ', style));
  return `${lines.join('\n')}\n`;
}
