// The widget API: start a session, send a message or press a button, read the conversation.
import { type Request, Router } from 'express';
import { webTokenAccess } from '../channels/web/web.channel.ts';
import type { Engine } from '../engine/engine.ts';
import type { VisitorInbound } from '../engine/inbound.ts';
import { sendError, sendOutcome, sendValidationError } from './http.errors.ts';
import type { MessageAuthors } from './message.authors.ts';
import { sendMessageBody, sessionIdParam, startSessionBody } from './widget.schemas.ts';

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}

export function widgetRoutes(
  engine: Engine,
  options: { maxMessageChars: number; authors: MessageAuthors },
): Router {
  const router = Router();
  const messageBody = sendMessageBody(options.maxMessageChars);

  router.post('/sessions', async (req, res) => {
    const body = startSessionBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const started = await engine.start({ visitor: body.data.visitor });
    res.status(201).json({ ...started.response, token: started.token });
  });

  router.post('/sessions/:id/messages', async (req, res) => {
    const id = sessionIdParam.safeParse(req.params.id);
    if (!id.success) return sendError(res, 404, 'session_not_found', 'No chat session with this id.');
    const token = bearerToken(req);
    if (!token) return sendOutcome(res, { outcome: 'unauthorized' });
    const body = messageBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const inbound: VisitorInbound =
      'text' in body.data
        ? {
            kind: 'visitor',
            channel: 'web',
            clientMessageId: body.data.clientMessageId,
            text: body.data.text,
          }
        : {
            kind: 'visitor',
            channel: 'web',
            clientMessageId: body.data.clientMessageId,
            button: body.data.button,
          };
    sendOutcome(res, await engine.handle(id.data, inbound, webTokenAccess(token)));
  });

  router.get('/sessions/:id', async (req, res) => {
    const id = sessionIdParam.safeParse(req.params.id);
    if (!id.success) return sendError(res, 404, 'session_not_found', 'No chat session with this id.');
    const token = bearerToken(req);
    if (!token) return sendOutcome(res, { outcome: 'unauthorized' });
    const view = await engine.view(id.data, token);
    if (view.outcome !== 'ok') return sendOutcome(res, view);
    const ctx = view.snapshot.context;
    // Who the visitor is chatting with, before that person has written anything ("Alice has joined").
    const agentId = view.state.startsWith('escalated.') ? ctx.assignedAgentId : null;
    const agentName = agentId ? ((await options.authors.name(agentId)) ?? 'Agent') : null;
    res.json({
      sessionId: id.data,
      state: view.state,
      owner: view.owner,
      messages: await options.authors.present(view.messages),
      buttons: view.buttons,
      category: ctx.category,
      sentiment: ctx.sentiment,
      priority: ctx.priority,
      agentName,
    });
  });

  return router;
}
