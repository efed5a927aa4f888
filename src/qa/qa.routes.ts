// QA endpoints for operators: a session's trace as JSON Lines (what `switchboard replay` reads), and the
// state diagram with a conversation's path highlighted (what the console embeds).
import type { Response } from 'express';
import { z } from 'zod';
import { serializeTrace } from '../engine/trace.format.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import { machineEdges } from '../machines/conversation.graph.ts';
import type { ConversationMachine } from '../machines/conversation.machine.ts';
import { operatorOf } from '../server/auth.routes.ts';
import { type ReadAccessCheck, sendReadRefusal } from '../server/conversation.access.ts';
import { sendError } from '../server/http.errors.ts';
import { type Route, route } from '../server/route.table.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { renderDiagramSvg, stateTree, tracePath } from './diagram.svg.ts';

export interface QaRoutesOptions {
  store: Pick<SessionStore, 'trace'>;
  machine: ConversationMachine;
  /** The read policy: an agent downloads the trace of the queue's and their own conversations only. */
  readAccess: ReadAccessCheck;
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

export function qaRoutes(options: QaRoutesOptions): Route[] {
  let edges: ReturnType<typeof machineEdges> | null = null;
  // Walking the machine's graph takes a moment; do it once, on first use.
  const machineGraph = () => {
    edges ??= machineEdges(options.machine);
    return { tree: stateTree(options.machine), edges };
  };
  const tags = ['qa'];
  const noTrace = {
    '403': { description: 'An agent asking for a conversation outside the queue and their own' },
    '404': { description: 'No trace recorded for this id' },
  };

  /** The trace, once the read policy lets this operator see it; null after answering 403 / 404. */
  async function loadTrace(id: string, res: Response): Promise<TraceEntry[] | null> {
    const me = operatorOf(res);
    const access = await options.readAccess({ operatorId: me.id, role: me.role }, id);
    // An admin may still export the trace of a session the store has let expire (its trace outlives it).
    const expiredForAdmin = access.outcome === 'not_found' && me.role === 'admin';
    if (access.outcome !== 'ok' && !expiredForAdmin) {
      sendReadRefusal(res, access);
      return null;
    }
    return options.store.trace(id);
  }
  const svg = 'image/svg+xml';

  return [
    route({
      method: 'get',
      path: '/api/v1/sessions/{id}/trace',
      summary:
        "A session's trace: one JSON line per turn (format in docs/traces.md), for `switchboard replay`",
      tags,
      auth: 'operator',
      params: idParam,
      responses: {
        '200': {
          description: 'One trace entry per line, in turn order',
          contentType: 'application/x-ndjson',
        },
        ...noTrace,
      },
      handler: async ({ res, params }) => {
        const entries = await loadTrace(params.id, res);
        if (!entries) return;
        if (entries.length === 0)
          return sendError(res, 404, 'trace_not_found', `No trace recorded for session ${params.id}.`);
        res
          .type('application/x-ndjson; charset=utf-8')
          .set('Content-Disposition', `attachment; filename="${params.id}.jsonl"`)
          .set('Cache-Control', 'no-store')
          .send(serializeTrace(entries));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/conversations/{id}/diagram.svg',
      summary: "The state machine as SVG with this conversation's path highlighted",
      tags,
      auth: 'operator',
      params: idParam,
      responses: { '200': { description: 'The diagram', contentType: svg }, ...noTrace },
      handler: async ({ res, params }) => {
        const entries = await loadTrace(params.id, res);
        if (!entries) return;
        if (entries.length === 0)
          return sendError(res, 404, 'trace_not_found', `No trace recorded for conversation ${params.id}.`);
        const last = entries[entries.length - 1];
        const diagram = renderDiagramSvg({
          ...machineGraph(),
          path: tracePath(entries),
          title: `Conversation ${params.id}`,
          subtitle: `${entries.length} turns, now in ${last?.to ?? '?'}`,
        });
        res
          .type('image/svg+xml; charset=utf-8')
          .set('Content-Security-Policy', SVG_CSP)
          .set('Cache-Control', 'no-store')
          .send(diagram);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/machine/diagram.svg',
      summary: 'The state machine as SVG, every transition',
      tags,
      auth: 'operator',
      responses: { '200': { description: 'The diagram', contentType: svg } },
      handler: ({ res }) => {
        const diagram = renderDiagramSvg({ ...machineGraph(), title: 'Switchboard conversation machine' });
        res
          .type('image/svg+xml; charset=utf-8')
          .set('Content-Security-Policy', SVG_CSP)
          .set('Cache-Control', 'private, max-age=300')
          .send(diagram);
      },
    }),
  ];
}
