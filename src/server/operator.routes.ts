// The operator API: the escalation queue, a conversation with the bot's findings, and the operator actions.
// Every action is an event through `engine.handle`, so it gets the same ordering, atomicity and trace as a
// visitor message; the engine enforces who may do what in which state (403 / 409 come back as values), and
// the `allowed` flags of the conversation view come from the same policy (conversation.policy.ts).
import type { Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChannelReach } from '../channels/channel.reach.ts';
import type { Engine } from '../engine/engine.ts';
import type { OperatorCommand } from '../engine/inbound.ts';
import { type Realtime, sessionChannel } from '../engine/realtime.port.ts';
import type { ChatMessage } from '../engine/turn.types.ts';
import type { SatisfactionRepository } from '../storage/satisfaction.repository.ts';
import type { SessionStore } from '../storage/session.store.ts';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { createReadAccess, type ReadAccessCheck, sendReadRefusal } from './conversation.access.ts';
import { createConversationView } from './conversation.view.ts';
import { sendError } from './http.errors.ts';
import { runOperatorCommand } from './operator.command.ts';
import type { EscalationQueue } from './operator.queue.ts';
import {
  agentMessageBody,
  assignBody,
  botSwitchBody,
  conversationQuery,
  conversationResponse,
  escalateBody,
  escalationListResponse,
  escalationQuery,
  handbackBody,
  resolveBody,
  typingBody,
} from './operator.schemas.ts';
import { type Route, type RouteResponse, route } from './route.table.ts';
import { sessionIdParam, turnResponseBody } from './widget.schemas.ts';

export interface OperatorRoutesOptions {
  engine: Engine;
  store: SessionStore;
  directory: OperatorDirectory;
  queue: EscalationQueue;
  /** The visitors' satisfaction ratings, shown on the conversation. */
  ratings: SatisfactionRepository;
  realtime: Realtime;
  logger: Logger;
  now: () => Date;
  maxMessageChars: number;
  /** The visitor's channel and whether a delivery to them failed (src/channels/channel.reach.ts). */
  reach?: (sessionId: string, messages: ChatMessage[]) => Promise<ChannelReach>;
}

/** A conversation id in the path: one that cannot exist is an unknown conversation (404). */
const conversationPath = {
  params: z.object({ id: sessionIdParam }),
  notFound: { code: 'conversation_not_found', message: 'No conversation with this id.' },
};

const tags = ['operator'];
const auth = 'operator' as const;

/** The answers of every action: the committed turn, or why not. */
const actionResponses = (refusals: Record<string, string>): Record<string, RouteResponse> => ({
  '200': { description: 'The committed turn', schema: turnResponseBody },
  ...Object.fromEntries(Object.entries(refusals).map(([status, description]) => [status, { description }])),
});

/** An operator action with a body: its command is an event through the engine, with the body's clientMessageId. */
const actionRoute = <B extends { clientMessageId?: string | undefined }>(
  deps: OperatorRoutesOptions,
  name: string,
  summary: string,
  body: z.ZodType<B>,
  refusals: Record<string, string>,
  command: (body: B, me: Operator) => OperatorCommand,
) =>
  route({
    method: 'post',
    path: `/api/v1/conversations/{id}/${name}`,
    summary,
    tags,
    auth,
    ...conversationPath,
    body,
    ...(name === 'handback' ? { bodyOptional: true } : {}),
    responses: actionResponses(refusals),
    handler: async ({ res, params, body: parsed }) => {
      const me = operatorOf(res);
      await runOperatorCommand(deps, res, params.id, me, command(parsed, me), parsed.clientMessageId);
    },
  });

async function listEscalations(queue: EscalationQueue, res: Response, f: z.output<typeof escalationQuery>) {
  const me = operatorOf(res);
  const { items, total } = await queue.list({
    ...f,
    status: f.status.length ? f.status : ['queued', 'assigned'],
    assignedTo: f.assignedTo === 'me' ? me.id : f.assignedTo,
    // The same scope as the read policy (operatorMayRead): agents list the queue and their own.
    ...(me.role === 'admin' ? {} : { visibleTo: me.id }),
    q: f.q || undefined,
  });
  res.json({ items, page: f.page, pageSize: f.pageSize, total });
}

async function sendConversation(
  conversations: ReturnType<typeof createConversationView>,
  res: Response,
  id: string,
  afterSeq: number | undefined,
) {
  const view = await conversations.conversationView(id, operatorOf(res), afterSeq);
  if (view.outcome !== 'ok') return sendReadRefusal(res, view);
  res.json(view.conversation);
}

/** Agents assign to themselves ("me"); admins to any active operator. */
async function assignConversation(
  deps: OperatorRoutesOptions,
  res: Response,
  id: string,
  agentIdAsked: string,
) {
  const me = operatorOf(res);
  const agentId = agentIdAsked === 'me' ? me.id : agentIdAsked;
  if (agentId !== me.id && !(await deps.directory.get(agentId)))
    return sendError(res, 400, 'unknown_agent', `agentId: no active operator has the id ${agentId}.`);
  await runOperatorCommand(deps, res, id, me, { action: 'assign', agentId });
}

/** The agent's typing signal, to the visitor's widget stream (a conversation the operator may read). */
async function sendAgentTyping(
  { readAccess, realtime }: { readAccess: ReadAccessCheck; realtime: Realtime },
  res: Response,
  id: string,
  typing: boolean,
) {
  const me = operatorOf(res);
  const access = await readAccess({ operatorId: me.id, role: me.role }, id);
  if (access.outcome !== 'ok') return sendReadRefusal(res, access);
  await realtime.publish(sessionChannel(id), {
    sessionId: id,
    seq: 0,
    kind: 'typing',
    payload: { role: 'operator', typing },
  });
  res.status(204).end();
}

export function operatorRoutes(options: OperatorRoutesOptions): Route[] {
  const conversations = createConversationView(options);
  const readAccess = createReadAccess(options.engine);

  return [
    route({
      method: 'get',
      path: '/api/v1/escalations',
      summary:
        'The escalation queue: filter by status, priority, category, channel, assignee, text; paged; urgent and longest waiting first',
      tags,
      auth,
      query: escalationQuery,
      responses: { '200': { description: 'A page of escalations', schema: escalationListResponse } },
      handler: ({ res, query }) => listEscalations(options.queue, res, query),
    }),
    route({
      method: 'get',
      path: '/api/v1/conversations/{id}',
      summary:
        "A conversation's full history and the bot's findings (agents: the queue's and their own conversations; admins: any)",
      tags,
      auth,
      ...conversationPath,
      query: conversationQuery,
      responses: {
        '200': { description: 'The conversation', schema: conversationResponse },
        '403': { description: "An agent asking for a conversation the bot is having, or a colleague's" },
      },
      handler: ({ res, params, query }) => sendConversation(conversations, res, params.id, query.afterSeq),
    }),
    route({
      method: 'post',
      path: '/api/v1/conversations/{id}/assign',
      summary: 'Assign an escalated conversation (agents: to themselves; admins: to anyone)',
      tags,
      auth,
      ...conversationPath,
      body: assignBody,
      responses: actionResponses({
        '403': 'An agent assigning to someone else',
        '409': 'Not escalated, already closed, or held in SalesIQ',
      }),
      handler: ({ res, params, body }) => assignConversation(options, res, params.id, body.agentId),
    }),
    actionRoute(
      options,
      'agent-messages',
      'Reply to the visitor (escalated conversations only; a reply to a conversation nobody holds takes it)',
      agentMessageBody(options.maxMessageChars),
      {
        '403': 'Assigned to another agent',
        '409': 'The bot owns this conversation, or it is held in SalesIQ',
      },
      (body) => ({ action: 'message', text: body.text }),
    ),
    actionRoute(
      options,
      'resolve',
      'Resolve an escalated conversation',
      resolveBody,
      {
        '403': 'Assigned to another agent, or (agents) nobody has taken it yet',
        '409': 'Not escalated, or already resolved',
      },
      ({ notes, resolutionCategory }) => ({ action: 'resolve', notes, resolutionCategory }),
    ),
    actionRoute(
      options,
      'escalate',
      'Escalate manually: a human takes over and the bot goes silent',
      escalateBody,
      { '409': 'Already escalated, or ended' },
      (body) => ({ action: 'escalate', reason: body.reason }),
    ),
    actionRoute(
      options,
      'handback',
      'Hand the conversation back to the bot',
      handbackBody,
      {
        '403': 'Assigned to another agent, or (agents) nobody has taken it yet',
        '409': 'Not escalated',
      },
      () => ({ action: 'handback' }),
    ),
    // The bot switch is the same two commands seen as one control: off = a human takes over (escalate),
    // on = the bot takes the conversation back (handback).
    actionRoute(
      options,
      'bot',
      'Switch the bot on (= hand back) or off (= escalate, a human takes over)',
      botSwitchBody,
      { '403': 'Assigned to another agent', '409': 'The bot is already in that position' },
      (body, me) =>
        body.enabled
          ? { action: 'handback' }
          : { action: 'escalate', reason: body.reason ?? `bot switched off by ${me.displayName}` },
    ),
    route({
      method: 'post',
      path: '/api/v1/conversations/{id}/typing',
      summary: 'Tell the visitor the agent is typing (a conversation the operator may read)',
      tags,
      auth,
      ...conversationPath,
      body: typingBody,
      responses: {
        '204': { description: 'Sent' },
        '403': { description: 'An agent typing to a conversation outside the queue and their own' },
      },
      handler: ({ res, params, body }) =>
        sendAgentTyping({ readAccess, realtime: options.realtime }, res, params.id, body.typing),
    }),
  ];
}
