// The Evolution API webhook. Evolution signs nothing, so the webhook URL carries a shared token (query
// `token` or header `x-webhook-token`, compared timing-safe) that is checked before the body is read.
import { Router } from 'express';
import { sendError } from '../../server/http.errors.ts';
import type { ChannelInbox } from '../channel.inbox.ts';
import { bodyBytes, parseJson, rawBody } from '../webhook.body.ts';
import { sameSecret } from '../webhook.verify.ts';
import { parseEvolutionWebhook } from './evolution.mapping.ts';

export function evolutionRoutes(deps: {
  webhookToken: string;
  inbox: ChannelInbox;
  onAccepted: () => void;
}): Router {
  const router = Router();
  router.post('/channels/evolution/webhook', rawBody, async (req, res, next) => {
    try {
      const header = req.get('x-webhook-token');
      const query = typeof req.query.token === 'string' ? req.query.token : undefined;
      const given = header ?? query;
      if (!given || !sameSecret(given, deps.webhookToken))
        return sendError(
          res,
          401,
          'invalid_token',
          'Missing or wrong webhook token: set the webhook URL in Evolution to …/channels/evolution/webhook?token=<EVOLUTION_WEBHOOK_TOKEN>.',
        );
      const json = parseJson(bodyBytes(req));
      if (!json.ok) return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON.');
      const parsed = parseEvolutionWebhook(json.value);
      if (!parsed.ok) return sendError(res, 400, 'invalid_payload', parsed.message);
      let stored = 0;
      for (const inbound of parsed.messages) if ((await deps.inbox.accept(inbound)) === 'stored') stored++;
      if (stored > 0) deps.onAccepted();
      res.status(200).json({ received: parsed.messages.length, stored, ignored: parsed.ignored });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
