// The operator API: the escalation queue, a conversation with the bot's findings, and the operator actions.
// Every action is an event through `engine.handle`, so it gets the same ordering, atomicity and trace as a
// visitor message; the engine enforces who may do what in which state (403 / 409 come back as values), and
// the `allowed` flags of the conversation view come from the same policy (conversation.policy.ts).
import { type Response, Router } from 'express';
import type { Logger } from 'pino';
import type { ChannelReach } from '../channels/channel.reach.ts';
import type { Engine } from '../engine/engine.ts';
import type { HandleResult, OperatorCommand } from '../engine/inbound.ts';
import { type Realtime, sessionChannel } from '../engine/realtime.port.ts';
import type { ChatMessage } from '../engine/turn.types.ts';
import type { SessionStore } from '../storage/session.store.ts';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import { operatorOf, requireOperator } from './auth.routes.ts';
import { createConversationView } from './conversation.view.ts';
import { sendError, sendOutcome, sendValidationError } from './http.errors.ts';
import type { EscalationQueue } from './operator.queue.ts';
import { operatorRefusal } from './operator.rules.ts';
import {
  agentMessageBody,
  assignBody,
  botSwitchBody,
  conversationQuery,
  escalateBody,
  escalationQuery,
  handbackBody,
  resolveBody,
  typingBody,
} from './operator.schemas.ts';
import { sessionIdParam } from './widget.schemas.ts';

export interface OperatorRoutesOptions {
  engine: Engine;
  store: SessionStore;
  directory: OperatorDirectory;
  queue: EscalationQueue;
  realtime: Realtime;
  logger: Logger;
  now: () => Date;
  maxMessageChars: number;
  /** The visitor's channel and whether a delivery to them failed (src/channels/channel.reach.ts). */
  reach?: (sessionId: string, messages: ChatMessage[]) => Promise<ChannelReach>;
}

const conversationNotFound = (res: Response) =>
  sendError(res, 404, 'conversation_not_found', 'No conversation with this id.');

export function operatorRoutes(options: OperatorRoutesOptions): Router {
  const { engine, directory, queue, realtime, logger } = options;
  const conversations = createConversationView(options);
  const router = Router();
  router.use(['/escalations', '/conversations'], requireOperator(directory));
  const messageBody = agentMessageBody(options.maxMessageChars);

  router.get('/escalations', async (req, res) => {
    const query = escalationQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const f = query.data;
    const me = operatorOf(res);
    const { items, total } = await queue.list({
      ...f,
      status: f.status.length ? f.status : ['queued', 'assigned'],
      assignedTo: f.assignedTo === 'me' ? me.id : f.assignedTo,
      q: f.q || undefined,
    });
    res.json({ items, page: f.page, pageSize: f.pageSize, total });
  });

  router.get('/conversations/:id', async (req, res) => {
    const id = sessionIdParam.safeParse(req.params.id);
    if (!id.success) return conversationNotFound(res);
    const query = conversationQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const view = await conversations.conversationView(id.data, operatorOf(res), query.data.afterSeq);
    if (!view) return conversationNotFound(res);
    res.json(view);
  });

  async function act(
    res: Response,
    rawId: unknown,
    operator: Operator,
    command: OperatorCommand,
    clientMessageId?: string,
  ): Promise<void> {
    const id = sessionIdParam.safeParse(rawId);
    if (!id.success) return conversationNotFound(res);
    // An agent's resolve of a chat nobody took is the engine policy's 403 (conversation.policy.ts); only
    // the console's "ended" rule for escalations is checked here.
    if (command.action === 'escalate') {
      const view = await engine.view(id.data, null);
      if (view.outcome !== 'ok') return conversationNotFound(res);
      const facts = { state: view.state, assignedAgentId: view.snapshot.context.assignedAgentId };
      const refusal = operatorRefusal(command.action, facts, operator);
      if (refusal) return sendError(res, 409, 'not_allowed_in_state', refusal, { state: view.state });
    }
    const result: HandleResult = await engine.handle(id.data, {
      kind: 'operator',
      operatorId: operator.id,
      role: operator.role,
      ...(clientMessageId ? { clientMessageId } : {}),
      command,
    });
    if (result.outcome === 'not_found') return conversationNotFound(res);
    if (result.outcome === 'ok')
      logger.info(
        { sessionId: id.data, operatorId: operator.id, action: command.action, state: result.response.state },
        'operator action',
      );
    sendOutcome(res, result);
  }

  router.post('/conversations/:id/assign', async (req, res) => {
    const body = assignBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const me = operatorOf(res);
    const agentId = body.data.agentId === 'me' ? me.id : body.data.agentId;
    if (agentId !== me.id && !(await directory.get(agentId)))
      return sendError(res, 400, 'unknown_agent', `agentId: no active operator has the id ${agentId}.`);
    await act(res, req.params.id, me, { action: 'assign', agentId });
  });

  router.post('/conversations/:id/agent-messages', async (req, res) => {
    const body = messageBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    await act(
      res,
      req.params.id,
      operatorOf(res),
      { action: 'message', text: body.data.text },
      body.data.clientMessageId,
    );
  });

  router.post('/conversations/:id/resolve', async (req, res) => {
    const body = resolveBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const { notes, resolutionCategory, clientMessageId } = body.data;
    await act(
      res,
      req.params.id,
      operatorOf(res),
      { action: 'resolve', notes, resolutionCategory },
      clientMessageId,
    );
  });

  router.post('/conversations/:id/escalate', async (req, res) => {
    const body = escalateBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    await act(
      res,
      req.params.id,
      operatorOf(res),
      { action: 'escalate', reason: body.data.reason },
      body.data.clientMessageId,
    );
  });

  router.post('/conversations/:id/handback', async (req, res) => {
    const body = handbackBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    await act(res, req.params.id, operatorOf(res), { action: 'handback' }, body.data.clientMessageId);
  });

  // The bot switch is the same two commands seen as one control: off = a human takes over (escalate),
  // on = the bot takes the conversation back (handback).
  router.post('/conversations/:id/bot', async (req, res) => {
    const body = botSwitchBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const me = operatorOf(res);
    const command: OperatorCommand = body.data.enabled
      ? { action: 'handback' }
      : { action: 'escalate', reason: body.data.reason ?? `bot switched off by ${me.displayName}` };
    await act(res, req.params.id, me, command, body.data.clientMessageId);
  });

  router.post('/conversations/:id/typing', async (req, res) => {
    const id = sessionIdParam.safeParse(req.params.id);
    if (!id.success) return conversationNotFound(res);
    const body = typingBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    await realtime.publish(sessionChannel(id.data), {
      sessionId: id.data,
      seq: 0,
      kind: 'typing',
      payload: { role: 'operator', typing: body.data.typing },
    });
    res.status(204).end();
  });

  return router;
}
