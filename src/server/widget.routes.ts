// The widget API: start a session, send a message or press a button, read the conversation.
import type { Request } from 'express';
import { z } from 'zod';
import { webTokenAccess } from '../channels/web/web.channel.ts';
import type { Engine } from '../engine/engine.ts';
import type { VisitorInbound } from '../engine/inbound.ts';
import { bearerToken } from './bearer.token.ts';
import { sendOutcome } from './http.errors.ts';
import type { MessageAuthors } from './message.authors.ts';
import { type Route, route } from './route.table.ts';
import {
  sendMessageBody,
  sessionIdParam,
  sessionViewResponse,
  startSessionBody,
  startSessionResponse,
  turnResponseBody,
} from './widget.schemas.ts';

/** A session id in the path: one that cannot exist is an unknown session (404), not a malformed request. */
export const sessionPath = {
  params: z.object({ id: sessionIdParam }),
  notFound: { code: 'session_not_found', message: 'No chat session with this id.' },
};

/** The session token of a request that passed the `session` guard. */
export const sessionToken = (req: Request): string => bearerToken(req) ?? '';

export function widgetRoutes(
  engine: Engine,
  options: { maxMessageChars: number; authors: MessageAuthors },
): Route[] {
  const tags = ['widget'];
  return [
    route({
      method: 'post',
      path: '/api/v1/sessions',
      summary: 'Start a chat session',
      tags,
      auth: 'none',
      body: startSessionBody,
      bodyOptional: true,
      responses: {
        '201': {
          description: 'Session started, with the greeting and its buttons',
          schema: startSessionResponse,
        },
        '429': {
          description:
            'too_many_sessions: this address started SESSIONS_PER_ADDRESS_PER_HOUR chats this hour (Retry-After says when it may again)',
        },
      },
      handler: async ({ res, body }) => {
        const { visitor, language, browser } = body;
        const started = await engine.start({
          ...(visitor ? { visitor } : {}),
          ...(language ? { language } : {}),
          ...(browser ? { browser } : {}),
        });
        res.status(201).json({ ...started.response, token: started.token });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/sessions/{id}/messages',
      summary: 'Send a visitor message or press a quick-reply button (idempotent by clientMessageId)',
      tags,
      auth: 'session',
      ...sessionPath,
      body: sendMessageBody(options.maxMessageChars),
      responses: {
        '200': {
          description:
            "The bot's replies (none once a human owns the conversation) and the buttons now on offer",
          schema: turnResponseBody,
        },
        '409': { description: 'The button is not on offer in the current state' },
        '413': { description: 'Body too large' },
        '429': { description: 'Too many messages' },
        '503': { description: 'Busy or storage unavailable: retry with the same clientMessageId' },
      },
      handler: async ({ req, res, body, params }) => {
        const inbound: VisitorInbound =
          'text' in body
            ? { kind: 'visitor', channel: 'web', clientMessageId: body.clientMessageId, text: body.text }
            : { kind: 'visitor', channel: 'web', clientMessageId: body.clientMessageId, button: body.button };
        sendOutcome(res, await engine.handle(params.id, inbound, webTokenAccess(sessionToken(req))));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/sessions/{id}',
      summary: 'Read the conversation (resume after reload)',
      tags,
      auth: 'session',
      ...sessionPath,
      responses: {
        '200': { description: 'State, messages and buttons on offer', schema: sessionViewResponse },
      },
      handler: async ({ req, res, params }) => {
        const view = await engine.view(params.id, sessionToken(req));
        if (view.outcome !== 'ok') return sendOutcome(res, view);
        const ctx = view.snapshot.context;
        // Who the visitor is chatting with, before that person has written anything ("Alice has joined").
        const agentId = view.state.startsWith('escalated.') ? ctx.assignedAgentId : null;
        const agentName = agentId ? ((await options.authors.name(agentId)) ?? 'Agent') : null;
        res.json({
          sessionId: params.id,
          state: view.state,
          owner: view.owner,
          messages: await options.authors.present(view.messages),
          buttons: view.buttons,
          category: ctx.category,
          sentiment: ctx.sentiment,
          priority: ctx.priority,
          agentName,
        });
      },
    }),
  ];
}
