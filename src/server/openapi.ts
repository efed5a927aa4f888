// The OpenAPI document, generated from the route tables (route.table.ts): the same zod schemas that
// validate the requests, the same `auth` that mounts the guards.
import { z } from 'zod';
import type { RouteAuth, RouteDoc, RouteResponse } from './route.table.ts';
import { errorBody } from './widget.schemas.ts';

type Json = Record<string, unknown>;

const schema = (s: z.ZodType): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};

/** The parameters an object schema (maybe behind a transform or refinements) accepts, as the client sends them. */
function objectProperties(s: z.ZodType): Array<[string, Json, boolean]> {
  const json = schema(s) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, p]) => [
    name,
    p,
    (json.required ?? []).includes(name),
  ]);
}

const SECURITY: Record<Exclude<RouteAuth, 'signature'>, Array<Record<string, string[]>>> = {
  none: [],
  session: [{ sessionToken: [] }],
  operator: [{ operatorToken: [] }],
  admin: [{ operatorToken: [] }],
  service: [{ serviceToken: [] }],
  // Required only when METRICS_TOKEN is set (else loopback only): an empty requirement makes it optional.
  metrics: [{ metricsToken: [] }, {}],
};

function security(op: RouteDoc): Array<Record<string, string[]>> {
  if (op.auth !== 'signature') return SECURITY[op.auth];
  if (!op.signatureHeader) throw new Error(`${op.path}: auth "signature" needs its signatureHeader`);
  return [{ [op.signatureHeader]: [] }];
}

const AUTH_NOTE: Record<RouteAuth, string> = {
  none: 'No authentication.',
  session: 'Needs the session token (Authorization: Bearer <token> from POST /api/v1/sessions).',
  operator: 'Needs an operator token (Authorization: Bearer <token> from POST /api/v1/auth/login).',
  admin: 'Admins only: an operator token of an admin.',
  service: 'Needs the service secret in X-Service-Token.',
  signature: 'Signed by the vendor: the signature covers the raw body and is checked before it is read.',
  metrics: 'Needs Authorization: Bearer <METRICS_TOKEN> when that is set; without it, loopback only.',
};

function response(r: RouteResponse, status: string): Json {
  const contentType = r.contentType ?? (r.schema || Number(status) >= 400 ? 'application/json' : undefined);
  const body =
    r.schema ?? (contentType === 'application/json' && Number(status) >= 400 ? errorBody : undefined);
  return {
    description: r.description,
    ...(r.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(r.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    ...(contentType ? { content: { [contentType]: body ? { schema: schema(body) } : {} } } : {}),
  };
}

function operation(op: RouteDoc): Json {
  const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const pathSchemas = new Map(op.params ? objectProperties(op.params).map(([n, s]) => [n, s]) : []);
  const parameters: Json[] = pathNames.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pathSchemas.get(name) ?? { type: 'string' },
  }));
  for (const [name, s, required] of op.query ? objectProperties(op.query) : [])
    parameters.push({
      name,
      in: 'query',
      required,
      schema: s,
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
    });
  const requestBody = op.body
    ? { required: !op.bodyOptional, content: { 'application/json': { schema: schema(op.body) } } }
    : op.rawBody
      ? {
          required: true,
          description: op.rawBody.description,
          content: {
            [op.rawBody.contentType]: op.rawBody.schema ? { schema: schema(op.rawBody.schema) } : {},
          },
        }
      : undefined;
  return {
    summary: op.summary,
    description: [op.description, AUTH_NOTE[op.auth]].filter(Boolean).join('\n\n'),
    operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: op.tags,
    security: security(op),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [status, response(r, status)]),
    ),
  };
}

export function buildOpenApi(operations: RouteDoc[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    if (paths[op.path]?.[op.method])
      throw new Error(`two routes for ${op.method.toUpperCase()} ${op.path}: a route is one table entry`);
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: operation(op) };
  }
  const signatureHeaders = [
    ...new Set(operations.flatMap((o) => (o.signatureHeader ? [o.signatureHeader] : []))),
  ];
  const open = operations.filter((o) => o.auth === 'none').map((o) => `${o.method.toUpperCase()} ${o.path}`);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard API',
      version: '1',
      description: [
        'Chat-support engine: widget API for visitors, operator API for the console, webhooks for channels and desks.',
        'Every operation states its `security`; an empty list means no authentication. Public routes:',
        ...open.map((o) => `- ${o}`),
      ].join('\n'),
    },
    // Relative: the origin that served this document (no Host header is reflected into it).
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        sessionToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token returned by POST /api/v1/sessions',
        },
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An operator access token from POST /api/v1/auth/login',
        },
        serviceToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Service-Token',
          description: 'The SERVICE_SECRET of this deployment (service escalation API)',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        ...Object.fromEntries(
          signatureHeaders.map((h) => [
            h,
            { type: 'apiKey', in: 'header', name: h, description: `Vendor signature in ${h}` },
          ]),
        ),
      },
    },
    paths,
  };
}
