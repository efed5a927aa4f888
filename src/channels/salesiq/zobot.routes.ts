// The SalesIQ Zobot webhook: SalesIQ's validation ping (HEAD/GET) gets 200; a POST is checked against
// `x-siqsignature` (SHA256withRSA over the raw body, when SALESIQ_ZOBOT_PUBLIC_KEY is set) before it is
// read, and answered inline with the turn's replies and suggestions, or a forward to the routed department.
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { sendError } from '../../server/http.errors.ts';
import { type Route, route } from '../../server/route.table.ts';
import type { ChannelConversations } from '../channel.conversations.ts';
import { bodyBytes, parseJson } from '../webhook.body.ts';
import { verifySalesIqSignature } from '../webhook.verify.ts';
import {
  toZobotReply,
  type ZobotReply,
  zobotExternalId,
  zobotInbound,
  zobotProfile,
  zobotRequestSchema,
} from './zobot.mapping.ts';

export const ZOBOT_PATH = '/channels/salesiq/zobot';

export function zobotRoutes(deps: {
  publicKey: KeyObject | null;
  conversations: ChannelConversations;
  /** The SalesIQ department a forwarded chat goes to (routing by the session's category). */
  departmentFor: (sessionId: string) => Promise<string | null>;
  logger: Logger;
}): Route[] {
  const ping = { path: ZOBOT_PATH, tags: ['channels'], auth: 'none' as const };
  const pings = [
    route({
      ...ping,
      method: 'head',
      summary: "SalesIQ's validation ping",
      responses: { '200': { description: 'Reachable' } },
      handler: ({ res }) => {
        res.status(200).end();
      },
    }),
    route({
      ...ping,
      method: 'get',
      summary: "SalesIQ's validation ping",
      responses: {
        '200': {
          description: 'Reachable',
          schema: z.object({ ok: z.literal(true), service: z.string() }),
        },
      },
      handler: ({ res }) => {
        res.status(200).json({ ok: true, service: 'switchboard zobot webhook' });
      },
    }),
  ];

  return [
    ...pings,
    route({
      method: 'post',
      path: ZOBOT_PATH,
      summary:
        'SalesIQ Zobot webhook: one visitor turn, answered inline with replies and suggestions (or a forward)',
      tags: ['channels'],
      // Signed when SALESIQ_ZOBOT_PUBLIC_KEY is set (x-siqsignature, SHA256withRSA over the raw body).
      auth: 'signature',
      signatureHeader: 'x-siqsignature',
      rawBody: { contentType: 'application/json', limit: '256kb', description: "SalesIQ's Zobot request" },
      responses: {
        '200': { description: 'The Zobot reply' },
        '400': { description: 'Not JSON, or not a Zobot request' },
        '503': {
          description: 'The conversation is busy: SalesIQ retries',
          headers: { 'Retry-After': 'seconds' },
        },
      },
      handler: async ({ req, res }) => {
        const bytes = bodyBytes(req);
        if (deps.publicKey && !verifySalesIqSignature(deps.publicKey, bytes, req.get('x-siqsignature')))
          return sendError(
            res,
            401,
            'invalid_signature',
            'x-siqsignature is missing or does not verify with SALESIQ_ZOBOT_PUBLIC_KEY (SHA256withRSA over the raw body).',
          );
        const json = parseJson(bytes);
        if (!json.ok) return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON.');
        const parsed = zobotRequestSchema.safeParse(json.value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return sendError(
            res,
            400,
            'invalid_payload',
            `not a Zobot webhook request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'}`,
          );
        }
        const request = parsed.data;
        const externalId = zobotExternalId(request);
        if (!externalId)
          return sendError(
            res,
            400,
            'invalid_payload',
            'visitor.active_conversation_id (or visitor.id) is required.',
          );

        let reply: ZobotReply;
        if (request.handler === 'trigger' || request.handler === 'context') {
          const opened = await deps.conversations.open('salesiq', externalId, zobotProfile(request));
          reply = toZobotReply(opened.response, null);
        } else {
          const inbound = zobotInbound(request, externalId, bytes);
          if (!inbound) {
            const opened = await deps.conversations.open('salesiq', externalId, zobotProfile(request));
            reply = toZobotReply(opened.response, null);
          } else {
            // A first message without a trigger before it: open the chat first so the greeting is said too.
            const opened = (await deps.conversations.find('salesiq', externalId))
              ? null
              : await deps.conversations.open('salesiq', externalId, zobotProfile(request));
            const result = await deps.conversations.ingest(inbound);
            if ('response' in result) {
              const department = await deps.departmentFor(result.sessionId);
              reply = toZobotReply(result.response, department);
              if (opened?.created)
                reply = {
                  ...reply,
                  replies: [...opened.response.replies.map((r) => r.text), ...reply.replies],
                };
            } else if (result.outcome === 'busy') {
              res.set('Retry-After', '1');
              return sendError(res, 503, 'busy', result.message);
            } else {
              reply = { action: 'reply', replies: [result.message] };
            }
          }
        }
        res.status(200).json(reply);
      },
    }),
  ];
}
