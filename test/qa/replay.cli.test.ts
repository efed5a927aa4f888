// The QA commands as CI runs them: `npx switchboard replay` as real processes (coverage and diagram in
// process, through the same command functions). Risks covered: wrong exit codes (a divergence or an
// unreadable trace passing CI), output that does not say which trace, step or line is wrong, `--update`
// that rewrites traces the machine then does not reproduce, and CI formats (JUnit, JSON) that do not parse.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageCommand } from '../../src/cli/coverage.command.ts';
import { diagramCommand } from '../../src/cli/diagram.command.ts';
import { parseEnv } from '../../src/config/env.ts';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { buildMachine } from '../../src/engine/behaviour.build.ts';
import { replayTrace } from '../../src/engine/replay.ts';
import { readTraceFile } from '../../src/engine/trace.files.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/switchboard.mjs');
const GOLDEN = join(ROOT, 'test/fixtures/traces');
const knowledge = loadKnowledge();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function switchboard(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Only behaviour variables reach the command; nothing from the developer's shell changes the outcome.
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('switchboard replay as a process; coverage and diagram commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-replay-cli-'));
  const runs: Record<string, Run> = {};
  const attempts = join(GOLDEN, 'seed-attempts-exhausted.jsonl');
  const ticket = join(GOLDEN, 'seed-ticket.jsonl');

  beforeAll(async () => {
    const bad = join(dir, 'bad.jsonl');
    const golden = readFileSync(join(GOLDEN, 'seed-callback.jsonl'), 'utf8').split('\n');
    writeFileSync(bad, [golden[0], '{"v":1,"sessionId":', golden[2]].join('\n'));
    copyFileSync(attempts, join(dir, 'update-me.jsonl'));
    const strict = { MAX_FAILED_ATTEMPTS: '2' };
    const [unchanged, diverged, unreadable, json, update] = await Promise.all([
      switchboard(['replay', GOLDEN]),
      switchboard(['replay', attempts, ticket], strict),
      switchboard(['replay', bad, ticket, '--format', 'junit']),
      switchboard(['replay', attempts, ticket, '--redetect', '--format', 'json'], strict),
      switchboard(['replay', '--update', join(dir, 'update-me.jsonl')], strict),
    ]);
    Object.assign(runs, { unchanged, diverged, unreadable, json, update });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes unchanged golden traces with exit 0, one line per trace', () => {
    const run = runs.unchanged as Run;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^✓ test\/fixtures\/traces\/seed-password-agent-instant-chat\.jsonl {2}9 steps$/m,
    );
    expect(run.stdout).toMatch(/^\d+ traces: \d+ passed$/m);
  });

  it('exits 1 on a divergence and shows the first differing step as a diff', () => {
    const run = runs.diverged as Run;
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '✗ test/fixtures/traces/seed-attempts-exhausted.jsonl  diverged at step 4 of 5',
    );
    expect(run.stdout).toContain('step 4 (seq 4): visitor pressed [solution_failed]');
    expect(run.stdout).toContain('- state: troubleshooting');
    expect(run.stdout).toContain('+ state: escalation_options');
    expect(run.stdout).toMatch(/^✓ test\/fixtures\/traces\/seed-ticket\.jsonl/m);
    expect(run.stdout).toContain('2 traces: 1 passed, 1 diverged');
  });

  it('exits 2 on an unreadable trace, naming the file and line, in JUnit for CI', () => {
    const run = runs.unreadable as Run;
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    expect(run.stdout).toContain('tests="2" failures="0" errors="1"');
    expect(run.stdout).toMatch(/<error message="unreadable trace">[^<]*bad\.jsonl:2: not valid JSON/);
    expect(run.stdout).toMatch(
      /<testcase classname="replay" name="test\/fixtures\/traces\/seed-ticket\.jsonl" time="0\.000"\/>/,
    );
  });

  it('reports JSON with --redetect: counts and the divergent step of each trace', () => {
    const run = runs.json as Run;
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toEqual({ traces: 2, passed: 1, diverged: 1, unreadable: 0 });
    const diverged = report.traces.find((t: any) => t.name.endsWith('seed-attempts-exhausted.jsonl'));
    expect(diverged.status).toBe('diverged');
    expect(diverged.divergence.step).toBe(4);
    expect(diverged.divergence.diff).toContain('+ state: escalation_options');
  });

  it('--update rewrites the trace, prints every changed step, and the result then replays', async () => {
    const update = runs.update as Run;
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/~ .*update-me\.jsonl {2}2 steps changed/);
    expect(update.stdout).toContain('+ state: escalation_options');
    expect(update.stdout).toContain('1 of 1 trace files re-recorded');
    const rewritten = readTraceFile(join(dir, 'update-me.jsonl'));
    if (!rewritten.ok) throw new Error('the rewritten trace is unreadable');
    const stricter = buildMachine(parseEnv({ MAX_FAILED_ATTEMPTS: '2' }), knowledge);
    const again = await replayTrace(rewritten.trace, { machine: stricter, knowledge });
    expect(again.differences).toEqual([]);
  });

  it('draws the diagram of a seed conversation with its path', async () => {
    const out = join(dir, 'seed.svg');
    const trace = join(GOLDEN, 'seed-password-agent-instant-chat.jsonl');
    expect(await diagramCommand(['--trace', trace, '--out', out])).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain(
      'session spec-seed-password-agent-instant-chat, 9 turns, ended in escalated.closed',
    );
    expect(svg).toContain('class="edge hot"');
    expect(svg).toContain('op:RESOLVE #9');
  });

  it('lists transition coverage of the golden traces, and fails under a threshold', async () => {
    const out = join(dir, 'coverage.txt');
    expect(await coverageCommand([GOLDEN, '--out', out])).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^Transition coverage: \d+ of \d+ transitions taken/);
    expect(text).toMatch(/corpus: \d+ trace files, \d+ turns/);
    expect(await coverageCommand([ticket, '--fail-under', '50', '--out', out])).toBe(1);
  });
});
