// The WhatsApp Cloud API webhook. GET answers Meta's verification challenge; POST checks
// `X-Hub-Signature-256` on the raw body before reading it, stores the messages in the durable inbox, records
// the delivery statuses, and answers 200 at once, so a slow turn never makes Meta deliver again.
import { Router } from 'express';
import type { Logger } from 'pino';
import { sendError } from '../../server/http.errors.ts';
import type { ChannelInbox } from '../channel.inbox.ts';
import type { ChannelMessages } from '../channel-messages.repo.ts';
import { bodyBytes, parseJson, rawBody } from '../webhook.body.ts';
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
}): Router {
  const router = Router();

  router.get('/channels/whatsapp/webhook', (req, res) => {
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
  });

  router.post('/channels/whatsapp/webhook', rawBody, async (req, res, next) => {
    try {
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
    } catch (error) {
      next(error);
    }
  });

  return router;
}
