// The bot switch by phone number (the WhatsApp handover document): tools that know only the visitor's
// number read and flip the same switch as the console's — off hands the conversation to a human
// (escalate), on gives it back to the bot (hand back) — through the engine, with operator auth.
import type { Response } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.ts';
import type { OperatorCommand } from '../../engine/inbound.ts';
import { operatorOf } from '../../server/auth.routes.ts';
import { sendError, sendOutcome } from '../../server/http.errors.ts';
import { botSwitchBody } from '../../server/operator.schemas.ts';
import { type Route, route } from '../../server/route.table.ts';
import type { ChannelConversations } from '../channel.conversations.ts';

const switchResponse = z.object({
  enabled: z.boolean(),
  phone: z.string(),
  conversationId: z.string(),
  state: z.string(),
});

/** `+447700900123`, `447700900123` or `+44 7700 900123` → E.164; null when it is not a phone number. */
export function e164(raw: string): string | null {
  const withPlus = raw.trim().startsWith('+') ? raw.trim() : `+${raw.trim()}`;
  const parsed = parsePhoneNumberFromString(withPlus);
  return parsed?.isPossible() ? parsed.number : null;
}

export function whatsAppContactRoutes(deps: {
  engine: Pick<Engine, 'handle' | 'view'>;
  conversations: Pick<ChannelConversations, 'find'>;
}): Route[] {
  const common = {
    path: '/api/v1/channels/whatsapp/contacts/{phone}/bot',
    tags: ['channels'],
    auth: 'operator' as const,
  };

  async function sessionOf(rawPhone: string): Promise<{ phone: string; sessionId: string | null } | null> {
    const phone = e164(rawPhone);
    if (!phone) return null;
    return { phone, sessionId: await deps.conversations.find('whatsapp', phone) };
  }

  const badPhone = (res: Response, raw: string) =>
    sendError(
      res,
      400,
      'invalid_phone',
      `"${raw}" is not a phone number: write it in E.164, like +447700900123.`,
    );
  const unknown = (res: Response, phone: string) =>
    sendError(res, 404, 'contact_not_found', `No WhatsApp conversation with ${phone}.`);

  return [
    route({
      ...common,
      method: 'get',
      summary: 'Whether the bot answers this WhatsApp number',
      responses: {
        '200': { description: 'The switch', schema: switchResponse },
        '400': { description: 'Not a phone number' },
        '404': { description: 'No WhatsApp conversation with this number' },
      },
      handler: async ({ req, res }) => {
        const raw = String(req.params.phone);
        const found = await sessionOf(raw);
        if (!found) return badPhone(res, raw);
        if (!found.sessionId) return unknown(res, found.phone);
        const view = await deps.engine.view(found.sessionId, null);
        if (view.outcome !== 'ok') return unknown(res, found.phone);
        res.json({
          enabled: view.owner === 'bot',
          phone: found.phone,
          conversationId: found.sessionId,
          state: view.state,
        });
      },
    }),

    route({
      ...common,
      method: 'post',
      summary: 'Switch the bot on (hand back) or off (a human takes over) for this WhatsApp number',
      body: botSwitchBody,
      responses: {
        '200': { description: 'The switch after the change', schema: switchResponse },
        '400': { description: 'Not a phone number, or a bad body' },
        '403': { description: 'Assigned to another agent' },
        '404': { description: 'No WhatsApp conversation with this number' },
        '409': { description: 'The bot is already in that position' },
      },
      handler: async ({ req, res, body }) => {
        const raw = String(req.params.phone);
        const found = await sessionOf(raw);
        if (!found) return badPhone(res, raw);
        if (!found.sessionId) return unknown(res, found.phone);
        const me = operatorOf(res);
        const command: OperatorCommand = body.enabled
          ? { action: 'handback' }
          : {
              action: 'escalate',
              reason: body.reason ?? `bot switched off by ${me.displayName} (by phone)`,
            };
        const result = await deps.engine.handle(found.sessionId, {
          kind: 'operator',
          operatorId: me.id,
          role: me.role,
          ...(body.clientMessageId ? { clientMessageId: body.clientMessageId } : {}),
          command,
        });
        if (result.outcome === 'not_found') return unknown(res, found.phone);
        if (result.outcome === 'ok' || result.outcome === 'duplicate')
          return res.json({
            enabled: result.response.owner === 'bot',
            phone: found.phone,
            conversationId: found.sessionId,
            state: result.response.state,
          });
        sendOutcome(res, result);
      },
    }),
  ];
}
