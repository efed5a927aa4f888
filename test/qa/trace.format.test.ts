// Risks covered: a malformed or foreign trace replayed as if it were fine (silently passing), problems
// reported without the line a person must fix, a newer trace format misread by an older build, and export
// that does not round-trip through the reader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseTrace, serializeTrace } from '../../src/engine/trace.format.ts';

const golden = readFileSync(
  new URL('../fixtures/traces/seed-password-agent-instant-chat.jsonl', import.meta.url),
  'utf8',
);
const lines = golden.trimEnd().split('\n');

function problemsOf(text: string) {
  const parsed = parseTrace(text, 'bad.jsonl');
  if (parsed.ok) throw new Error('expected the trace to be refused');
  return parsed.problems.map(formatProblem);
}

describe('trace format', () => {
  it('reads a golden trace, and what it writes reads back the same', () => {
    const parsed = parseTrace(golden, 'golden.jsonl');
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    expect(parsed.trace.entries).toHaveLength(lines.length);
    expect(parsed.trace.sessionId).toBe('spec-seed-password-agent-instant-chat');
    const again = parseTrace(serializeTrace(parsed.trace.entries), 'again.jsonl');
    expect(again.ok && again.trace.entries).toEqual(parsed.trace.entries);
  });

  it('names the line of invalid JSON and keeps going to report the others', () => {
    const text = [lines[0], '{"v":1, oops', lines[2], 'not json'].join('\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^bad\.jsonl:2: not valid JSON/);
    expect(problems[1]).toMatch(/^bad\.jsonl:4: not valid JSON/);
  });

  it('says which field is missing or wrong, from the schema, on the right line', () => {
    const entry = JSON.parse(lines[1] ?? '');
    delete entry.to;
    entry.inbound = { kind: 'carrier-pigeon' };
    const problems = problemsOf([lines[0], JSON.stringify(entry)].join('\n'));
    expect(problems).toContain('bad.jsonl:2: to: missing (expected string)');
    expect(problems.some((p) => p.startsWith('bad.jsonl:2: inbound.kind:'))).toBe(true);
  });

  it('refuses a recorded event the machine does not know', () => {
    const entry = JSON.parse(lines[1] ?? '');
    entry.event.type = 'VISITOR.TELEPORT';
    const problems = problemsOf([lines[0], JSON.stringify(entry)].join('\n'));
    expect(problems.some((p) => p.startsWith('bad.jsonl:2: event.type:'))).toBe(true);
  });

  it('tells a newer format version apart from a broken file', () => {
    const entry = JSON.parse(lines[0] ?? '');
    entry.v = 3;
    expect(problemsOf(JSON.stringify(entry))).toEqual([
      'bad.jsonl:1: trace format version 3 is newer than this build reads (2): update switchboard',
    ]);
  });

  it('checks the file as a whole: one session, seq without gaps, starting with the start', () => {
    expect(problemsOf([lines[0], lines[2]].join('\n'))).toEqual([
      'bad.jsonl:2: seq 3 where 2 was expected (entries must be seq 1, 2, 3 … with no gap)',
    ]);
    expect(problemsOf(lines.slice(1).join('\n'))[0]).toMatch(/^bad\.jsonl:1: seq 2 where 1 was expected/);
    const other = JSON.parse(lines[1] ?? '');
    other.sessionId = 'someone-else';
    expect(problemsOf([lines[0], JSON.stringify(other)].join('\n'))).toEqual([
      'bad.jsonl:2: sessionId "someone-else" differs from the first entry\'s "spec-seed-password-agent-instant-chat" (one session per file)',
    ]);
    expect(problemsOf('\n\n')).toEqual(['bad.jsonl: empty trace: no entries']);
  });
});
