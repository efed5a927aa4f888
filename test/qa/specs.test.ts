// Every conversation spec under specs/ runs through the real engine (detection, machine, PGlite store)
// as part of `npm test`. Risks covered: a behaviour change nobody wrote a spec for (the specs must take
// every transition of the machine), a spec that passes because its expectations are never checked, and a
// spec file a person cannot fix because the error has no line number.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayName } from '../../src/engine/trace.files.ts';
import { machineEdges } from '../../src/machines/conversation.graph.ts';
import { measureCoverage, transitionKey } from '../../src/qa/coverage.ts';
import { loadSpecFile, parseSpec } from '../../src/qa/spec.load.ts';
import { failureText, type SpecOutcome } from '../../src/qa/spec.report.ts';
import { runSpec } from '../../src/qa/spec.runner.ts';
import { createSpecRuntimes } from '../../src/qa/spec.runtime.ts';
import { findSpecFiles } from '../../src/qa/spec.suite.ts';
import { freshDataDir } from '../support/templates.ts';

const SPECS = join(import.meta.dirname, '../../specs');
const files = findSpecFiles([SPECS]);
// One set of runtimes for the whole file, each on a copy of the migrated PGlite template.
const runtimes = createSpecRuntimes({}, { dataDir: () => freshDataDir('switchboard-specs-') });
const outcomes = new Map<string, SpecOutcome>();
let machine: Parameters<typeof machineEdges>[0];

beforeAll(async () => {
  for (const file of files) {
    const load = loadSpecFile(file, displayName(file));
    outcomes.set(
      file,
      load.ok
        ? { kind: 'ran', result: await runSpec(load.loaded, runtimes) }
        : { kind: 'unreadable', file, problems: load.problems },
    );
  }
  machine = (await runtimes.get()).machine;
}, 180_000);
afterAll(() => runtimes.closeAll());

describe('conversation specs', () => {
  it('ship at least 20, the seed scenarios among them', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    const seeds = files.map((f) => displayName(f)).filter((f) => f.includes('seed-'));
    expect(seeds.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((f) => [displayName(f, SPECS), f]))('%s', (_name, file) => {
    const outcome = outcomes.get(file);
    if (!outcome) throw new Error('spec did not run');
    if (outcome.kind === 'unreadable')
      throw new Error(outcome.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    if (outcome.result.failure) throw new Error(failureText(outcome.result, '').join('\n'));
    expect(outcome.result.trace.length).toBe(outcome.result.steps + 1 - refusals(file));
  });

  it('take every transition of the machine', () => {
    const corpus = [...outcomes.values()].flatMap((o) => (o.kind === 'ran' ? [o.result.trace] : []));
    const report = measureCoverage(machineEdges(machine), corpus);
    expect(report.never.map(transitionKey)).toEqual([]);
    expect(report.unknown.map(transitionKey)).toEqual([]);
    expect(report.covered).toBe(report.total);
  });
});

/** Steps the engine refused (expected outcome other than ok) commit no turn. */
function refusals(file: string): number {
  const load = loadSpecFile(file);
  return load.ok ? load.loaded.spec.steps.filter((s) => (s.expect?.outcome ?? 'ok') !== 'ok').length : 0;
}

describe('the spec runner checks what it says it checks', () => {
  const specText = (steps: string) => `name: probe\nsteps:\n${steps}`;
  async function run(steps: string) {
    const load = parseSpec(specText(steps), 'probe.yaml');
    if (!load.ok) throw new Error(JSON.stringify(load.problems));
    return runSpec(load.loaded, runtimes);
  }

  it('fails a wrong state, reply, button list, effect list and context, naming each', async () => {
    const result = await run(`  - visitor: I forgot my password
    expect:
      state: escalation_options
      reply: /Step 9 of 9/
      buttons: [instant_chat]
      effects: [createHandoff]
      context: { category: payment }
`);
    expect(result.failure?.step).toBe(1);
    expect(result.failure?.line).toBe(3);
    expect(result.failure?.problems).toEqual([
      'expected state escalation_options, got troubleshooting',
      'no reply matches "/Step 9 of 9/"',
      'expected buttons [instant_chat], got [solution_worked, solution_failed, talk_to_human]',
      'expected effects [createHandoff], got []',
      'expected context.category = "payment", got "login"',
    ]);
    expect(result.failure?.observed).toContain('state: troubleshooting (owner bot)');
  });

  it('fails an unexpected refusal and an expected refusal that did not happen', async () => {
    const refused = await run('  - press: instant_chat\n');
    expect(refused.failure?.problems).toEqual(['expected outcome ok, got button_not_offered']);
    const accepted = await run('  - visitor: hello\n    expect: { outcome: not_accepted }\n');
    expect(accepted.failure?.problems).toEqual(['expected outcome not_accepted, got ok']);
  });

  it('reports unreadable specs with the line of the mistake', () => {
    const load = parseSpec(
      'name: broken\nsteps:\n  - visitor: hi\n    expect: { stat: greeting }\n  - wave: hello\n  - visitor: hi\n    press: x\n',
      'broken.yaml',
    );
    expect(load.ok).toBe(false);
    if (load.ok) return;
    expect(load.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '4: steps.0.expect: Unrecognized key: "stat"',
      '5: steps.1: Unrecognized key: "wave"',
      '5: steps.1: a step needs one of: visitor, press, operator, timer, handoff, desk',
      '6: steps.2: a step has exactly one of visitor, press, operator, timer, handoff, desk (this one has visitor and press)',
    ]);
    const yaml = parseSpec('name: [unclosed\n', 'yaml.yaml');
    expect(yaml.ok === false && yaml.problems[0]?.message).toMatch(/^YAML: /);
    expect(yaml.ok === false && yaml.problems[0]?.line).toBeGreaterThan(0);
  });
});
