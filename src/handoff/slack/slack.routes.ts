// Slack's interaction endpoint (Interactivity Request URL: https://<host>/slack/interactions). Reads the
// raw body (the signature covers the exact bytes), verifies it, and turns "Take case" into an assignment
// through the engine, with the ordering, atomicity and trace of every operator action.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.ts';
import { sendError } from '../../server/http.errors.ts';
import { type Route, route } from '../../server/route.table.ts';
import type { SlackClient } from './slack.client.ts';
import { TAKE_CASE_ACTION } from './slack.mapping.ts';
import { verifySlackSignature } from './slack.signature.ts';

export const SLACK_INTERACTIONS_PATH = '/slack/interactions';

const interactionSchema = z.object({
  type: z.string(),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  response_url: z.string().url().optional(),
  trigger_id: z.string().optional(),
  actions: z
    .array(
      z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() }),
    )
    .default([]),
});

export interface SlackRoutesOptions {
  signingSecret: string;
  engine: Pick<Engine, 'handle'>;
  client: SlackClient;
  logger: Logger;
  nowSeconds?: () => number;
}

export function slackRoutes(options: SlackRoutesOptions): Route[] {
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  return [
    route({
      method: 'post',
      path: SLACK_INTERACTIONS_PATH,
      summary:
        'Slack interactivity: "Take case" on a case message assigns the conversation to that Slack user',
      tags: ['desks'],
      auth: 'signature',
      signatureHeader: 'x-slack-signature',
      rawBody: {
        contentType: 'application/x-www-form-urlencoded',
        limit: '64kb',
        description:
          'payload=<the interaction JSON>, signed with X-Slack-Signature and X-Slack-Request-Timestamp',
      },
      responses: {
        '200': { description: 'Acknowledged (the case message is updated through response_url)' },
        '400': { description: 'Not a Slack interaction' },
      },
      handler: async ({ req, res }) => {
        const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const check = verifySlackSignature({
          signingSecret: options.signingSecret,
          timestamp: req.get('x-slack-request-timestamp'),
          signature: req.get('x-slack-signature'),
          rawBody,
          nowSeconds: nowSeconds(),
        });
        if (!check.ok) {
          options.logger.warn({ reason: check.reason }, 'slack interaction refused');
          return sendError(res, 401, 'invalid_signature', check.reason);
        }
        const payloadText = new URLSearchParams(rawBody.toString('utf8')).get('payload');
        let json: unknown = null;
        try {
          json = payloadText ? JSON.parse(payloadText) : null;
        } catch {
          json = null;
        }
        const parsed = interactionSchema.safeParse(json);
        if (!parsed.success) {
          return sendError(
            res,
            400,
            'invalid_request',
            'expected a form body with a JSON "payload" field (a Slack interaction)',
          );
        }
        const interaction = parsed.data;
        const action = interaction.actions.find((a) => a.action_id === TAKE_CASE_ACTION);
        if (interaction.type !== 'block_actions' || !action?.value) {
          // Other interactions (shortcuts, other buttons) are acknowledged and ignored.
          return res.status(200).end();
        }
        const agentId = `slack:${interaction.user.id}`;
        const result = await options.engine.handle(action.value, {
          kind: 'operator',
          operatorId: agentId,
          role: 'agent',
          clientMessageId: `slack:${action.action_ts ?? interaction.trigger_id ?? interaction.user.id}`,
          command: { action: 'assign', agentId },
        });
        const who = `<@${interaction.user.id}>`;
        const text =
          result.outcome === 'ok' || result.outcome === 'duplicate'
            ? `✅ ${who} took this case.`
            : result.outcome === 'not_found'
              ? `This conversation no longer exists (${who} tried to take it).`
              : `${who} could not take this case: ${'message' in result ? result.message : result.outcome}.`;
        options.logger.info({ sessionId: action.value, agentId, outcome: result.outcome }, 'slack take case');
        // Slack wants an answer within 3 seconds: acknowledge first, update the message afterwards.
        res.status(200).end();
        if (interaction.response_url) {
          void options.client
            .respond(interaction.response_url, { text, replace_original: result.outcome === 'ok' })
            .catch((error: unknown) => options.logger.warn({ err: error }, 'slack response_url failed'));
        }
      },
    }),
  ];
}
