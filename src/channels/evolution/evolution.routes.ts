// The Evolution API webhook. Evolution signs nothing, so the webhook URL carries a shared token (query
// `token` or header `x-webhook-token`, compared timing-safe) that is checked before the body is read.

import { sendError } from '../../server/http.errors.ts';
import { type Route, route } from '../../server/route.table.ts';
import type { ChannelInbox } from '../channel.inbox.ts';
import { bodyBytes, parseJson } from '../webhook.body.ts';
import { sameSecret } from '../webhook.verify.ts';
import { parseEvolutionWebhook } from './evolution.mapping.ts';

export function evolutionRoutes(deps: {
  webhookToken: string;
  inbox: ChannelInbox;
  onAccepted: () => void;
}): Route[] {
  return [
    route({
      method: 'post',
      path: '/channels/evolution/webhook',
      summary: 'Evolution API webhook (messages.upsert): stores the messages, answers at once',
      tags: ['channels'],
      auth: 'signature',
      signatureHeader: 'x-webhook-token',
      description:
        'Evolution signs nothing: the shared EVOLUTION_WEBHOOK_TOKEN comes as `?token=` or the x-webhook-token header (401 without it).',
      rawBody: { contentType: 'application/json', limit: '256kb', description: "Evolution's webhook JSON" },
      responses: {
        '200': { description: 'Received and stored counts' },
        '400': { description: 'Not JSON, or not an Evolution payload' },
      },
      handler: async ({ req, res }) => {
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
      },
    }),
  ];
}
