// QA endpoints for operators: a session's trace as JSON Lines (what `switchboard replay` reads), and the
// state diagram with a conversation's path highlighted (what the console embeds). Operator auth is a
// dependency, so the runtime passes the real middleware and tests can pass their own.
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { serializeTrace } from '../engine/trace.format.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import { machineEdges } from '../machines/conversation.graph.ts';
import type { ConversationMachine } from '../machines/conversation.machine.ts';
import { sendError, sendValidationError } from '../server/http.errors.ts';
import type { ApiOperation } from '../server/openapi.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { renderDiagramSvg, stateTree, tracePath } from './diagram.svg.ts';

export interface QaRoutesOptions {
  store: Pick<SessionStore, 'trace'>;
  machine: ConversationMachine;
  /** Rejects requests without a valid operator token (401) before any handler here runs. */
  requireOperator: RequestHandler;
}

const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'a session id is letters, digits, "-" and "_"'),
});

// The SVG is served on our origin: forbid everything but its own inline style, so even a bug in escaping
// could not run a script or load anything.
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export const qaOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/v1/sessions/{id}/trace',
    summary: "A session's trace: one JSON line per turn (format in docs/traces.md), for `switchboard replay`",
    tags: ['qa'],
    auth: 'operator',
    responses: {
      '200': { description: 'application/x-ndjson: one trace entry per line, in turn order' },
      '400': { description: 'Malformed session id' },
      '401': { description: 'Missing or expired operator token' },
      '404': { description: 'No trace for this session' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/conversations/{id}/diagram.svg',
    summary: "The state machine as SVG with this conversation's path highlighted",
    tags: ['qa'],
    auth: 'operator',
    responses: {
      '200': { description: 'image/svg+xml' },
      '400': { description: 'Malformed conversation id' },
      '401': { description: 'Missing or expired operator token' },
      '404': { description: 'No trace for this conversation' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/machine/diagram.svg',
    summary: 'The state machine as SVG, every transition',
    tags: ['qa'],
    auth: 'operator',
    responses: {
      '200': { description: 'image/svg+xml' },
      '401': { description: 'Missing or expired operator token' },
    },
  },
];

export function qaRoutes(options: QaRoutesOptions): { router: Router; operations: ApiOperation[] } {
  const router = Router();
  let edges: ReturnType<typeof machineEdges> | null = null;
  // Walking the machine's graph takes a moment; do it once, on first use.
  const machineGraph = () => {
    edges ??= machineEdges(options.machine);
    return { tree: stateTree(options.machine), edges };
  };

  async function loadTrace(id: string): Promise<TraceEntry[]> {
    return options.store.trace(id);
  }

  router.get('/sessions/:id/trace', options.requireOperator, async (req, res) => {
    const params = idParam.safeParse(req.params);
    if (!params.success) return sendValidationError(res, params.error);
    const entries = await loadTrace(params.data.id);
    if (entries.length === 0)
      return sendError(res, 404, 'trace_not_found', `No trace recorded for session ${params.data.id}.`);
    res
      .type('application/x-ndjson; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${params.data.id}.jsonl"`)
      .set('Cache-Control', 'no-store')
      .send(serializeTrace(entries));
  });

  router.get('/conversations/:id/diagram.svg', options.requireOperator, async (req, res) => {
    const params = idParam.safeParse(req.params);
    if (!params.success) return sendValidationError(res, params.error);
    const entries = await loadTrace(params.data.id);
    if (entries.length === 0)
      return sendError(res, 404, 'trace_not_found', `No trace recorded for conversation ${params.data.id}.`);
    const last = entries[entries.length - 1];
    const svg = renderDiagramSvg({
      ...machineGraph(),
      path: tracePath(entries),
      title: `Conversation ${params.data.id}`,
      subtitle: `${entries.length} turns, now in ${last?.to ?? '?'}`,
    });
    res
      .type('image/svg+xml; charset=utf-8')
      .set('Content-Security-Policy', SVG_CSP)
      .set('Cache-Control', 'no-store')
      .send(svg);
  });

  router.get('/machine/diagram.svg', options.requireOperator, (_req, res) => {
    const svg = renderDiagramSvg({ ...machineGraph(), title: 'Switchboard conversation machine' });
    res
      .type('image/svg+xml; charset=utf-8')
      .set('Content-Security-Policy', SVG_CSP)
      .set('Cache-Control', 'private, max-age=300')
      .send(svg);
  });

  return { router, operations: qaOperations };
}
