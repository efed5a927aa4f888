// The route-table mechanism on its own. Risks covered: a handler reached with an unvalidated body or
// query (the 400 must name the field, before the handler runs), a route whose auth has no guard mounted
// silently served without one (must fail at start-up), and an impossible id answered as a malformed request
// where the API promises "unknown" (404).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi } from '../../src/server/openapi.ts';
import { route, routeRouter } from '../../src/server/route.table.ts';

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('route tables', () => {
  const calls: unknown[] = [];
  const echo = route({
    method: 'post',
    path: '/things/{id}',
    summary: 'Echo',
    tags: ['test'],
    auth: 'none',
    params: z.object({ id: z.string().regex(/^\d+$/) }),
    notFound: { code: 'thing_not_found', message: 'No thing with this id.' },
    query: z.object({ n: z.coerce.number().int().min(1).default(1) }),
    body: z.object({ name: z.string().min(2, 'name is at least 2 characters') }).strict(),
    responses: { '200': { description: 'Echoed', schema: z.object({ id: z.string() }) } },
    handler: ({ res, body, query, params }) => {
      calls.push({ body, query, params });
      res.json({ id: params.id, name: body.name, n: query.n });
    },
  });

  it('validates params, query and body before the handler, naming the field', async () => {
    const app = express();
    app.use(express.json());
    app.use(routeRouter([echo]));
    const url = await serve(app);
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post('/things/1', { name: 'x' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe('name: name is at least 2 characters');
    const badQuery = await post('/things/1?n=0', { name: 'ok' });
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).error.details[0].path).toBe('n');
    const unknown = await post('/things/abc', { name: 'ok' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('thing_not_found');
    expect(calls).toEqual([]);
    const ok = await post('/things/7?n=3', { name: 'ok' });
    expect(await ok.json()).toEqual({ id: '7', name: 'ok', n: 3 });
    expect(calls).toEqual([{ body: { name: 'ok' }, query: { n: 3 }, params: { id: '7' } }]);
  });

  it('refuses at start-up a route whose auth has no guard', () => {
    const admin = route({
      method: 'get',
      path: '/secret',
      summary: 'Secret',
      tags: ['test'],
      auth: 'admin',
      responses: { '200': { description: 'ok' } },
      handler: ({ res }) => res.end(),
    });
    expect(() => routeRouter([admin])).toThrow(/needs auth "admin", but no guard/);
  });

  it('documents the entry: parameters, body, implied errors, security', () => {
    const doc = buildOpenApi([echo.doc]);
    const op = (doc.paths['/things/{id}'] as Record<string, any>).post;
    expect(op.security).toEqual([]);
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'query:n',
    ]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '404']);
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['name']);
    expect(() => buildOpenApi([echo.doc, echo.doc])).toThrow(/two routes for POST \/things\/\{id\}/);
  });
});
