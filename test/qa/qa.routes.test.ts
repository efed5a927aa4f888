// The trace and diagram endpoints on a real runtime, and `switchboard traces export` on its database.
// Risks covered: traces readable without operator auth; an exported trace of a real engine conversation
// (real clock, random ids, every detection layer recorded) that replay cannot reproduce; export over HTTP
// and from the CLI disagreeing; an SVG served with a policy that would let injected markup run.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redetector } from '../../src/cli/qa.context.ts';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { buildMachine } from '../../src/engine/behaviour.build.ts';
import { replayTrace } from '../../src/engine/replay.ts';
import { formatProblem, parseTrace } from '../../src/engine/trace.format.ts';
import { stepDiffText } from '../../src/qa/replay.report.ts';
import { newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { freshDataDir } from '../support/templates.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('GET /api/v1/sessions/:id/trace and /conversations/:id/diagram.svg', () => {
  let dataDir = '';
  let t: TestRuntime;
  let sessionId: string;
  let auth: Record<string, string>;
  let exported: { status: number; body: any; headers: Headers };

  beforeAll(async () => {
    dataDir = await freshDataDir('switchboard-qa-routes-');
    t = await startTestRuntime({ dataDir });
    const v = await startVisitor(t.url);
    sessionId = v.sessionId;
    await v.send('I forgot my password');
    await v.send('connect me to an agent');
    await v.send('📞 Instant Chat');
    await v.send('hello? is anyone there?');
    auth = (await newOperator(t.runtime, t.url, 'agent')).auth;
    exported = await api(t.url, 'GET', `/api/v1/sessions/${sessionId}/trace`, undefined, auth);
  }, 120_000);
  let closed = false;
  afterAll(async () => {
    if (!closed) await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses without an operator token, and says how to get one', async () => {
    const res = await api(t.url, 'GET', `/api/v1/sessions/${sessionId}/trace`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_operator_token');
    const svg = await api(t.url, 'GET', `/api/v1/conversations/${sessionId}/diagram.svg`, undefined, {
      authorization: 'Bearer not-a-real-token-but-long-enough',
    });
    expect(svg.status).toBe(401);
  });

  it('exports the trace as JSON Lines that replay reproduces exactly, with detection re-run', async () => {
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const parsed = parseTrace(String(exported.body), 'exported.jsonl');
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    expect(parsed.trace.entries.map((e) => e.to)).toEqual([
      'greeting',
      'troubleshooting',
      'escalation_options',
      'escalated.queued',
      'escalated.queued',
    ]);
    const knowledge = loadKnowledge(t.runtime.config.content.knowledgeFile);
    const machine = buildMachine(t.runtime.config, knowledge);
    const plain = await replayTrace(parsed.trace, { machine, knowledge });
    expect(plain.differences.flatMap((d) => stepDiffText(d))).toEqual([]);
    const redetected = await replayTrace(parsed.trace, { machine, knowledge, detectorFor: redetector({}) });
    expect(redetected.differences.flatMap((d) => stepDiffText(d))).toEqual([]);
  });

  it('answers 404 for a session without a trace and 400 for a malformed id', async () => {
    const missing = await api(t.url, 'GET', '/api/v1/sessions/no-such-session/trace', undefined, auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('conversation_not_found');
    const malformed = await api(
      t.url,
      'GET',
      `/api/v1/conversations/${encodeURIComponent('x<y>')}/diagram.svg`,
      undefined,
      auth,
    );
    expect(malformed.status).toBe(400);
  });

  it('serves the diagram with the path highlighted, under a policy that runs nothing', async () => {
    const res = await fetch(`${t.url}/api/v1/conversations/${sessionId}/diagram.svg`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const svg = await res.text();
    expect(svg).toContain(`Conversation ${sessionId}`);
    expect(svg).toContain('CHOOSE #4');
    expect(svg).toMatch(/<g class="node visited current">[\s\S]*?queued ◀ now/);
    const machine = await fetch(`${t.url}/api/v1/machine/diagram.svg`, { headers: auth });
    expect(machine.status).toBe(200);
    expect(await machine.text()).not.toContain('class="edge hot"');
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = await api(t.url, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/sessions/{id}/trace', '/api/v1/conversations/{id}/diagram.svg']),
    );
  });

  it('`switchboard traces export` reads the same trace from the database', async () => {
    await t.close();
    closed = true;
    const out = join(dataDir, 'export.jsonl');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin/switchboard.mjs'), 'traces', 'export', sessionId, '--out', out],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
          stdio: 'ignore',
        },
      );
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(String(exported.body));
  });
});
