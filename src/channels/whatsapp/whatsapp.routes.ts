// The WhatsApp Cloud API webhook. GET answers Meta's verification challenge; POST checks
// `X-Hub-Signature-256` on the raw body before reading it, stores the messages in the durable inbox, records
// the delivery statuses, and answers 200 at once, so a slow turn never makes Meta deliver again.

import type { Logger } from 'pino';
import { z } from 'zod';
import { sendError } from '../../server/http.errors.ts';
import { type Route, route } from '../../server/route.table.ts';
import type { ChannelMessages } from '../../storage/channel-messages.repository.ts';
import type { ChannelInbox } from '../channel.inbox.ts';
import { bodyBytes, parseJson } from '../webhook.body.ts';
import { sameSecret, verifyMetaSignature } from '../webhook.verify.ts';
import { parseWhatsAppWebhook } from './whatsapp.mapping.ts';

export function whatsAppRoutes(deps: {
  appSecret: string;
  verifyToken: string;
  inbox: ChannelInbox;
  messages: ChannelMessages;
  /** Told after new messages were stored (wakes the inbox processor). */
  onAccepted: () => void;
  logger: Logger;
}): Route[] {
  return [
    route({
      method: 'get',
      path: '/channels/whatsapp/webhook',
      summary: "Meta's webhook verification: echoes hub.challenge when hub.verify_token matches",
      tags: ['channels'],
      auth: 'none',
      query: z.object({
        'hub.mode': z.string().optional(),
        'hub.verify_token': z.string().optional(),
        'hub.challenge': z.string().optional(),
      }),
      responses: {
        '200': { description: 'hub.challenge', contentType: 'text/plain' },
        '403': { description: 'Not a subscribe request, or the verify token does not match' },
      },
      handler: ({ req, res }) => {
        const mode = req.query['hub.mode'];
        const token = req.query['hub.verify_token'];
        const challenge = req.query['hub.challenge'];
        if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string')
          return sendError(
            res,
            403,
            'verification_failed',
            'Expected hub.mode=subscribe with hub.verify_token and hub.challenge (Meta sends these when you save the webhook).',
          );
        if (!sameSecret(token, deps.verifyToken))
          return sendError(
            res,
            403,
            'verification_failed',
            'hub.verify_token does not match WHATSAPP_VERIFY_TOKEN.',
          );
        res.status(200).type('text/plain').send(challenge);
      },
    }),
    route({
      method: 'post',
      path: '/channels/whatsapp/webhook',
      summary: 'WhatsApp Cloud API webhook: stores messages and delivery statuses, answers at once',
      tags: ['channels'],
      auth: 'signature',
      signatureHeader: 'x-hub-signature-256',
      rawBody: { contentType: 'application/json', limit: '256kb', description: "Meta's webhook JSON" },
      responses: {
        '200': { description: 'Received, stored and status counts' },
        '400': { description: 'Not JSON, or not a WhatsApp payload' },
      },
      handler: async ({ req, res }) => {
        const bytes = bodyBytes(req);
        if (!verifyMetaSignature(deps.appSecret, bytes, req.get('x-hub-signature-256')))
          return sendError(
            res,
            401,
            'invalid_signature',
            'X-Hub-Signature-256 is missing or is not the HMAC-SHA256 of this body with the app secret (WHATSAPP_APP_SECRET).',
          );
        const json = parseJson(bytes);
        if (!json.ok) return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON.');
        const parsed = parseWhatsAppWebhook(json.value);
        if (!parsed.ok) return sendError(res, 400, 'invalid_payload', parsed.message);
        let stored = 0;
        for (const inbound of parsed.content.messages) {
          if ((await deps.inbox.accept(inbound)) === 'stored') stored++;
        }
        for (const status of parsed.content.statuses) {
          await deps.messages.recordStatus({
            channel: 'whatsapp',
            externalMessageId: status.messageId,
            status: status.status,
            recipient: status.recipient,
            at: status.at,
            errorCode: status.errorCode !== null ? String(status.errorCode) : null,
            errorTitle: status.errorTitle,
          });
        }
        if (stored > 0) deps.onAccepted();
        res.status(200).json({
          received: parsed.content.messages.length,
          stored,
          statuses: parsed.content.statuses.length,
        });
      },
    }),
  ];
}
