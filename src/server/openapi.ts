// The OpenAPI document, generated from the same zod schemas that validate requests.
import { z } from 'zod';
import {
  errorBody,
  sendMessageBody,
  sessionViewResponse,
  startSessionBody,
  startSessionResponse,
  turnResponseBody,
} from './widget.schemas.ts';

type Json = Record<string, unknown>;
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  auth?: 'session' | 'operator';
  body?: z.ZodType;
  /** Query parameters, one per key of the object schema. */
  query?: z.ZodObject;
  responses: Record<string, { description: string; schema?: z.ZodType }>;
}

const schema = (s: z.ZodType): Json => ({ ...z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) });

export function widgetOperations(maxMessageChars: number): ApiOperation[] {
  const errors = {
    '400': { description: 'Malformed body: the message says which field and why', schema: errorBody },
    '401': { description: 'Missing or wrong session token', schema: errorBody },
    '404': { description: 'Unknown session', schema: errorBody },
  };
  return [
    {
      method: 'post',
      path: '/api/v1/sessions',
      summary: 'Start a chat session',
      tags: ['widget'],
      body: startSessionBody,
      responses: {
        '201': {
          description: 'Session started, with the greeting and its buttons',
          schema: startSessionResponse,
        },
        '400': errors['400'],
      },
    },
    {
      method: 'post',
      path: '/api/v1/sessions/{id}/messages',
      summary: 'Send a visitor message or press a quick-reply button (idempotent by clientMessageId)',
      tags: ['widget'],
      auth: 'session',
      body: sendMessageBody(maxMessageChars),
      responses: {
        '200': {
          description:
            "The bot's replies (none once a human owns the conversation) and the buttons now on offer",
          schema: turnResponseBody,
        },
        ...errors,
        '409': { description: 'The button is not on offer in the current state', schema: errorBody },
        '413': { description: 'Body too large', schema: errorBody },
        '429': { description: 'Too many messages', schema: errorBody },
      },
    },
    {
      method: 'get',
      path: '/api/v1/sessions/{id}',
      summary: 'Read the conversation (resume after reload)',
      tags: ['widget'],
      auth: 'session',
      responses: {
        '200': { description: 'State, messages and buttons on offer', schema: sessionViewResponse },
        '401': errors['401'],
        '404': errors['404'],
      },
    },
  ];
}

export function buildOpenApi(operations: ApiOperation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters: Json[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    for (const [name, field] of Object.entries(op.query?.shape ?? {})) {
      const s = schema(field as z.ZodType);
      parameters.push({ name, in: 'query', required: false, schema: s, description: s.description });
    }
    const entry: Record<string, unknown> = {
      summary: op.summary,
      tags: op.tags,
      ...(parameters.length ? { parameters } : {}),
      ...(op.auth === 'session'
        ? { security: [{ sessionToken: [] }] }
        : op.auth === 'operator'
          ? { security: [{ operatorToken: [] }] }
          : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body) } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema ? { content: { 'application/json': { schema: schema(r.schema) } } } : {}),
          },
        ]),
      ),
    };
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: entry };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard API',
      version: '1',
      description: 'Chat-support engine: widget API for visitors, operator API for the console.',
    },
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
      },
    },
    paths,
  };
}
