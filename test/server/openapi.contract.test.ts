// The HTTP contract has one source: the route tables. Risks covered: a route served but missing from
// /api/v1/openapi.json (a client cannot know it exists, the fuzz test never reaches it), a documented route
// that is not served, a document that is not valid OpenAPI, and documented auth that is not the enforced
// auth (an operation documented as public that answers 401, or documented as protected that answers
// without credentials).
import { generateKeyPairSync } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const key = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

/** Every optional router switched on, so every route that can be served is walked. */
const EVERYTHING_ON: Record<string, string> = {
  SERVICE_SECRET: 'contract-service-secret-0123456789',
  METRICS_TOKEN: 'contract-metrics-token',
  SLACK_BOT_TOKEN: 'xoxb-contract',
  SLACK_CHANNEL: 'C0CONTRACT',
  SLACK_SIGNING_SECRET: 'contract-signing-secret',
  SLACK_API_URL: 'http://127.0.0.1:9/api',
  WHATSAPP_PHONE_NUMBER_ID: '1234',
  WHATSAPP_ACCESS_TOKEN: 'contract-access',
  WHATSAPP_APP_SECRET: 'contract-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'contract-verify',
  WHATSAPP_API_URL: 'http://127.0.0.1:9/v21.0',
  EVOLUTION_API_URL: 'http://127.0.0.1:9',
  EVOLUTION_API_KEY: 'contract-evolution',
  EVOLUTION_INSTANCE: 'contract',
  EVOLUTION_WEBHOOK_TOKEN: 'contract-evolution-webhook',
  SALESIQ_ZOBOT_PUBLIC_KEY: key(),
  SALESIQ_WEBHOOK_PUBLIC_KEY: key(),
  ZENDESK_WEBHOOK_SECRET: 'contract-zendesk-secret',
  FRESHDESK_WEBHOOK_SECRET: 'contract-freshdesk-secret-0123',
};

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** `METHOD /path` of every route the Express app serves, walked from its router tree. */
function servedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const paths = (p: string | string[] | undefined) => (Array.isArray(p) ? p : [p ?? '']);
      if (layer.route) {
        for (const path of paths(layer.route.path))
          for (const [method, on] of Object.entries(layer.route.methods))
            if (on && method !== '_all') out.push(`${method.toUpperCase()} ${prefix}${path}`);
      } else if (layer.handle.stack) {
        for (const path of paths(layer.rawPath))
          walk(layer.handle.stack, `${prefix}${path === '/' ? '' : path}`);
      }
    }
  };
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(router.stack, '');
  return [...new Set(out)].sort();
}

function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .sort();
}

describe('the OpenAPI document is the route tables', () => {
  let t: TestRuntime;
  let doc: any;
  beforeAll(async () => {
    t = await startTestRuntime({
      env: EVERYTHING_ON,
      overrides: { defaultMetrics: false, runWorker: false },
    });
    doc = await (await fetch(`${t.url}/api/v1/openapi.json`)).json();
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI 3.1 document with servers and per-operation security', async () => {
    await SwaggerParser.validate(structuredClone(doc));
    expect(doc.servers).toEqual([{ url: '/' }]);
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths))
      for (const [method, op] of Object.entries<any>(item))
        expect(Array.isArray(op.security), `${method} ${path} states its security`).toBe(true);
  });

  it('documents every served route, and serves every documented one', () => {
    const served = servedRoutes(t.runtime.app);
    const documented = documentedRoutes(doc);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('includes the SSE, queue, typing and Slack routes, and says which routes are public', () => {
    for (const [method, path] of [
      ['get', '/api/v1/sessions/{id}/events'],
      ['get', '/api/v1/sessions/{id}/queue'],
      ['post', '/api/v1/sessions/{id}/typing'],
      ['get', '/api/v1/operator/events'],
      ['post', '/slack/interactions'],
      ['post', '/slack/events'],
      ['post', '/slack/commands'],
    ] as const)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(doc.paths['/api/v1/sessions'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/sessions/{id}/messages'].post.security).toEqual([{ sessionToken: [] }]);
    expect(doc.info.description).toContain('POST /api/v1/sessions');
  });

  it('answers 401 without credentials exactly where the document asks for them', {
    timeout: 60_000,
  }, async () => {
    const wrong: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths))
      for (const [method, op] of Object.entries<any>(item)) {
        if (path.endsWith('/events') || path === '/metrics') continue; // streams stay open; metrics: loopback
        const required =
          op.security.length > 0 && !op.security.some((s: object) => Object.keys(s).length === 0);
        const url = `${t.url}${path.replace(/\{\w+\}/g, 'contract-id-0001')}`;
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          body: method === 'get' || method === 'head' ? undefined : '{}',
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        if (res.status >= 500) wrong.push(`${method} ${path}: ${res.status}`);
        if (required !== (res.status === 401))
          wrong.push(`${method} ${path}: ${res.status}, security ${JSON.stringify(op.security)}`);
        if (!op.responses[String(res.status)])
          wrong.push(`${method} ${path}: undocumented status ${res.status}`);
      }
    expect(wrong).toEqual([]);
  });
});
