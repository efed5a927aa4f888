// Property-based fuzz of the public API, driven by the OpenAPI document the server publishes. Risk covered:
// some input a client can send (a body shaped almost like the schema, garbage JSON, odd path or query
// values, a real or a wrong token) making the server answer 5xx or never answer. Bounded in runs and time.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOperator } from '../operator/operator.support.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

/** Values that broke something once: year 0, NUL, a lone surrogate, a card number, a path. */
const NASTY = ['', ' ', '0000-01-01', '\u0000', '\ud800', '4111 1111 1111 1111', '../../etc', '-1', '1e308'];
/** 15,000 nested arrays: overflowed a recursive walk. */
const SERVICE_SECRET = 'fuzz-service-secret-0123456789';
const DEEP = `${'['.repeat(15_000)}${']'.repeat(15_000)}`;

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  maxLength?: number;
};

/** Values shaped by the schema (so the request gets past the first check), with odd strings and numbers. */
function fromSchema(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => fromSchema(a, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.constantFrom(
          '',
          ' ',
          'a'.repeat(Math.min(5000, (s.maxLength ?? 100) + 1)),
          '4111 1111 1111 1111',
          '../../etc',
        ),
      );
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(s.items, depth + 1), { maxLength: 4 });
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, depth + 1)])), {
        requiredKeys: (s.required ?? []).filter((k) => props.some(([p]) => p === k)),
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

interface Operation {
  method: string;
  path: string;
  query: string[];
  body?: JsonSchema;
}

describe('fuzzing the public API from its OpenAPI document', () => {
  let t: TestRuntime;
  let operations: Operation[];
  let ids: string[];
  let tokens: string[];
  beforeAll(async () => {
    t = await startTestRuntime({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        SESSION_MESSAGES_PER_MINUTE: '100000',
        // Turns the service API on, so it is fuzzed too (off, it answers its documented 503).
        SERVICE_SECRET: SERVICE_SECRET,
      },
      overrides: { defaultMetrics: false },
    });
    const doc = await (await fetch(`${t.url}/api/v1/openapi.json`)).json();
    operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
        // Streams are meant to stay open: not a hang.
        .filter(([, op]) => !JSON.stringify(op.responses ?? {}).includes('text/event-stream'))
        .filter(() => !/\/(events|stream)$/.test(path))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
          body: op.requestBody?.content?.['application/json']?.schema,
        })),
    );
    const visitor = await startVisitor(t.url);
    const agent = await newOperator(t.runtime, t.url, 'agent');
    const admin = await newOperator(t.runtime, t.url, 'admin');
    ids = [visitor.sessionId, 'no-such-session', '%00', 'a'.repeat(300)];
    tokens = [visitor.token, agent.token, admin.token, 'wrong', SERVICE_SECRET];
  });
  afterAll(() => t?.close());

  it('answers every generated request, never with a 5xx', { timeout: 120_000 }, async () => {
    expect(operations.length).toBeGreaterThan(5);
    const request = fc.record({
      op: fc.constantFrom(...operations),
      id: fc.oneof(fc.constantFrom(...ids), fc.string({ maxLength: 30 })),
      token: fc.option(fc.constantFrom(...tokens), { nil: undefined }),
      query: fc.dictionary(
        fc.string({ maxLength: 10 }),
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...NASTY)),
        {
          maxKeys: 3,
        },
      ),
      bodySeed: fc.constantFrom('schema', 'garbage', 'text', 'deep'),
      garbage: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...NASTY)),
    });
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(request, fc.context(), async (r, ctx) => {
        const shaped = fc.sample(fromSchema(r.op.body), { numRuns: 1, seed: answered })[0];
        const path = r.op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(r.id));
        const query = new URLSearchParams(r.query);
        for (const name of r.op.query) if (!query.has(name)) query.set(name, String(r.garbage ?? ''));
        const body =
          r.op.method === 'GET'
            ? undefined
            : r.bodySeed === 'schema'
              ? JSON.stringify(shaped)
              : r.bodySeed === 'garbage'
                ? JSON.stringify(r.garbage)
                : r.bodySeed === 'deep'
                  ? DEEP
                  : '{"unterminated": ';
        const res = await fetch(`${t.url}${path}?${query}`, {
          method: r.op.method,
          headers: {
            'content-type': 'application/json',
            ...(r.token ? { authorization: `Bearer ${r.token}`, 'x-service-token': r.token } : {}),
          },
          body,
          // No hang: every request is answered well within this.
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        answered++;
        ctx.log(`${r.op.method} ${path} → ${res.status}`);
        expect(res.status, `${r.op.method} ${path} ${body?.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 90_000, seed: 18 },
    );
    expect(answered).toBeGreaterThan(50);
  });
});
